"""How frames and stance move through reply trees.

An edge joins a unit to a reply directly under it (``parent_id``). With
``include_article=True`` every top-level comment also answers its article,
whose categories are those carried by at least ``article_share`` (half) of
its title/body units with text. Shares resting on fewer than ``min_replies``
(10) replies are flagged (``enough_replies``), not findings.

- :func:`transitions`: for each pair (parent category A, reply category B):
  how many edges go from a parent carrying A to a reply carrying B, the
  conditional share ``P(reply has B | parent has A)``, the base rate
  ``P(reply has B)`` over all edges, and the lift (their ratio).
- :func:`answered_by`: what replies carrying one category (by default
  whataboutism) answer: the categories of their parents against the base rate.
- :func:`frames_by_depth` and :func:`article_vs_comments`: prevalence tables.

A unit may carry several categories; a unit carrying none counts as ``"none"``.
A unit without text (lost in a scrape, deleted: :func:`analysis.countable.has_text`)
carries no category and counts nowhere: not as ``"none"``, not in a denominator,
not as the parent or the reply of an edge; tables give ``n_excluded``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._tables import (
    NONE_CATEGORY,
    categories_in,
    in_values,
    require_columns,
    tags_table,
    units_table,
)
from analysis.compare.groups import prevalence
from analysis.countable import has_text
from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

__all__ = ["answered_by", "article_vs_comments", "frames_by_depth", "reply_edges", "transitions"]

ARTICLE_SIDE_ROLES = ("title", "body")
#: Fewest replies to a parent category for its transition shares to count as
#: a finding (fewer: the cells are greyed and the demo does not report them).
MIN_REPLIES = 10


def _article_id(doc_id) -> str:
    return f"{doc_id}:<article>"


def reply_edges(units, *, include_article: bool = False, roles=CONTENT_ROLES) -> pd.DataFrame:
    """One row per reply edge: ``doc_id, parent_id, unit_id, depth``.

    A comment whose parent is not among the selected units is left out (its
    edge cannot be read); with ``include_article`` a top-level comment's parent
    is its article, ``"<doc_id>:<article>"``.
    """
    u = units_table(units, roles)
    require_columns(u, ["parent_id", "role"], "reply_edges: units")
    comments = u[u["role"] == "comment"]
    has_parent = comments["parent_id"].notna()
    edges = comments[has_parent & in_values(comments["parent_id"], u["unit_id"])][
        ["doc_id", "parent_id", "unit_id"]]
    if include_article:
        top = comments[~has_parent]
        art = top[["doc_id", "unit_id"]].assign(parent_id=top["doc_id"].map(_article_id))
        edges = pd.concat([edges, art[["doc_id", "parent_id", "unit_id"]]], ignore_index=True)
    if "depth" in u.columns:
        edges = edges.assign(depth=edges["unit_id"].map(u.set_index("unit_id")["depth"]))
    else:
        edges = edges.assign(depth=pd.Series(pd.NA, index=edges.index, dtype="Int64"))
    return edges.sort_values(["doc_id", "unit_id"], kind="stable").reset_index(drop=True)


def _without_text(units, roles) -> tuple[pd.Series, int]:
    """(ids of every unit without text, how many of them have one of ``roles``)."""
    u = units_table(units, None)
    lost = u[~has_text(u)]
    n = len(units_table(lost, roles)) if len(lost) else 0
    return lost["unit_id"], n


def _article_categories(wide: pd.DataFrame, units, article_share: float) -> pd.DataFrame:
    """One row per article (``"<doc_id>:<article>"``): the categories carried
    by at least ``article_share`` of its title/body units with text. A comment
    answers the article as a whole, so a frame in one paragraph of thirty does
    not make the article carry it (the union would give every long article
    every frame, and every stance at once)."""
    u = units_table(units, ARTICLE_SIDE_ROLES)
    u = u[in_values(u["unit_id"], wide.index)]  # units with text and tags
    art = wide.loc[u["unit_id"]].astype(float)
    art.index = u["doc_id"].map(_article_id).to_numpy()
    share = art.groupby(level=0).mean()
    return share >= article_share - 1e-12


def _category_matrix(tags, units, categories, include_article, include_none, roles,
                     article_share=0.5):
    """(bool matrix units x categories indexed by unit_id, category names,
    units without text left out). A unit without text gets no row, so no edge
    reaches it or leaves it."""
    t = tags_table(tags)
    cats = categories_in(t, categories)
    lost_ids, n_excluded = _without_text(units, roles)
    t = t[t["category"].isin(cats) & ~in_values(t["unit_id"], lost_ids)]
    wide = t.pivot_table(index="unit_id", columns="category", values="present", aggfunc="max",
                         fill_value=False).reindex(columns=cats, fill_value=False).astype(bool)
    if include_article:
        wide = pd.concat([wide, _article_categories(wide, units, article_share)])
    if include_none:
        wide[NONE_CATEGORY] = ~wide[cats].any(axis=1)
        cats = [*cats, NONE_CATEGORY]
    return wide, cats, n_excluded


def _check_options(article_share: float, min_replies: int) -> None:
    if not 0 < article_share <= 1:
        raise ThreadframeError(f"article_share must be above 0 and at most 1, got {article_share}")
    if not isinstance(min_replies, int | np.integer) or min_replies < 1:
        raise ThreadframeError(f"min_replies must be a whole number of at least 1, got {min_replies!r}")


def _edge_matrices(tags, units, categories, include_article, include_none, roles, article_share):
    edges = reply_edges(units, include_article=include_article, roles=roles)
    wide, cats, n_excluded = _category_matrix(tags, units, categories, include_article, include_none,
                                              roles, article_share)
    edges = edges[in_values(edges["parent_id"], wide.index) & in_values(edges["unit_id"], wide.index)]
    if edges.empty:
        raise ThreadframeError("no reply edges between tagged units (are there replies, and tags for them?)")
    parent = wide.loc[edges["parent_id"]].to_numpy(dtype=float)
    child = wide.loc[edges["unit_id"]].to_numpy(dtype=float)
    return edges, parent, child, cats, n_excluded


def transitions(
    tags,
    units,
    *,
    categories=None,
    include_article: bool = False,
    include_none: bool = True,
    roles=CONTENT_ROLES,
    article_share: float = 0.5,
    min_replies: int = MIN_REPLIES,
) -> pd.DataFrame:
    """Frame (or stance) transitions from a unit to the replies under it.

    Returns one row per (``from_category``, ``to_category``): ``n_edges`` (all
    edges), ``n_from`` (edges whose parent carries from_category),
    ``n_transitions`` (of those, replies carrying to_category), ``share``
    (``n_transitions / n_from``), ``base_rate`` (share of all replies carrying
    to_category) and ``lift`` (``share / base_rate``; above 1: replies to
    from_category carry to_category more often than replies in general).
    ``n_excluded`` counts the units (of ``roles``) left out because they have
    no text (:func:`analysis.countable.has_text`): no edge reaches or leaves
    them, so neither a lost comment nor the replies to it are counted.

    With ``include_article``, the article as a parent carries the categories
    that at least ``article_share`` (default half) of its title/body units
    with text carry; with none, it counts as ``"none"``.

    ``enough_replies`` is True where ``n_from >= min_replies`` (default 10):
    a share resting on fewer replies is too noisy to read as a finding, and
    :func:`analysis.plot_transitions` greys those cells. ``attrs`` carries
    ``min_replies`` and ``article_share``.
    """
    _check_options(article_share, min_replies)
    edges, parent, child, cats, n_excluded = _edge_matrices(tags, units, categories, include_article,
                                                            include_none, roles, article_share)
    counts = parent.T @ child
    n_from = parent.sum(axis=0)
    base = child.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = counts / n_from[:, None]
        lift = share / base[None, :]
    k = len(cats)
    out = pd.DataFrame({
        "from_category": np.repeat(cats, k).astype(object),
        "to_category": np.tile(cats, k).astype(object),
        "n_edges": len(edges),
        "n_excluded": n_excluded,
        "n_from": np.repeat(n_from, k).astype(int),
        "n_transitions": counts.ravel().astype(int),
        "share": share.ravel(),
        "base_rate": np.tile(base, k),
        "lift": lift.ravel(),
        "enough_replies": np.repeat(n_from >= min_replies, k),
    }).astype({"from_category": "str", "to_category": "str"})
    out.attrs.update(min_replies=int(min_replies), article_share=float(article_share))
    return out


def answered_by(
    tags,
    units,
    category: str = "whataboutism",
    *,
    categories=None,
    include_article: bool = True,
    include_none: bool = True,
    roles=CONTENT_ROLES,
    article_share: float = 0.5,
    min_replies: int = MIN_REPLIES,
) -> pd.DataFrame:
    """What replies carrying ``category`` answer.

    One row per parent category: ``n_replies`` (replies carrying ``category``),
    ``n_parent`` (of those, whose parent carries parent_category), ``share``,
    ``base_rate`` (share of all replies' parents carrying it), ``lift`` and
    ``n_excluded`` (units without text left out, as in :func:`transitions`)
    and ``enough_replies`` (``n_replies >= min_replies``: below it the shares
    describe a handful of replies, not a pattern). ``article_share`` as in
    :func:`transitions`.
    """
    _check_options(article_share, min_replies)
    edges, parent, child, cats, n_excluded = _edge_matrices(tags, units, categories, include_article,
                                                            include_none, roles, article_share)
    if category not in cats:
        raise ThreadframeError(f"category {category!r} is not in the tags table (it has {cats})")
    hit = child[:, cats.index(category)] > 0
    n_replies = int(hit.sum())
    n_parent = parent[hit].sum(axis=0)
    base = parent.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = n_parent / n_replies if n_replies else np.full(len(cats), np.nan)
        lift = share / base
    out = pd.DataFrame({
        "category": category, "parent_category": cats, "n_replies": n_replies, "n_excluded": n_excluded,
        "n_parent": n_parent.astype(int), "share": share, "base_rate": base, "lift": lift,
        "enough_replies": n_replies >= min_replies,
    }).astype({"category": "str", "parent_category": "str"})
    out.attrs.update(min_replies=int(min_replies), article_share=float(article_share))
    return out


def frames_by_depth(tags, units, **kwargs) -> pd.DataFrame:
    """Prevalence by reply depth (0: article, 1: top-level comments, 2+: replies);
    keyword arguments go to :func:`analysis.prevalence`."""
    kwargs.setdefault("by", ["depth"])
    return prevalence(tags, units, **kwargs)


def article_vs_comments(tags, units, *, by=("doc_id",), **kwargs) -> pd.DataFrame:
    """Prevalence in each article (title and body) against its comment section.

    Adds a ``side`` column (``article`` / ``comments``) and groups by ``by``
    plus side; documents without comments keep only their article rows.
    Keyword arguments go to :func:`analysis.prevalence`; like it, units
    without text are left out and counted in ``n_excluded``.
    """
    u = units_table(units, kwargs.pop("roles", CONTENT_ROLES))
    require_columns(u, ["role"], "article_vs_comments: units")
    side = np.where(u["role"].eq("comment"), "comments", "article")
    u = u.assign(side=pd.array(side, dtype="str"))
    by = [b for b in ([by] if isinstance(by, str) else list(by)) if b != "side"]
    return prevalence(tags, u, by=[*by, "side"], roles=None, **kwargs)
