"""Stance of documents, outlets and comment sections, aggregated from unit stance.

A document's stance is not a sum of cue weights past a threshold: it is the
share of its units taking each stance, with an interval that knows units are
clustered (the paragraphs of one article, the comments of one thread).

- :func:`unit_stance`: one stance per unit, from a dictionary tagging result
  (``analysis.tag``), a tags table (``model.tag(units)``) or a fitted stance
  model and the units to predict.
- :func:`stance_shares`: the share of units with each stance per group
  (documents, outlets, comment sections: ``by`` and ``side``), the intervals of
  :func:`analysis.prevalence` (cluster bootstrap, Wilson below
  ``min_clusters``), and a ``net`` row, share for minus share against, with
  an interval from the same cluster bootstrap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis._tables import stable_seed, tagged_units
from analysis.compare.groups import _bootstrap_shares, _excluded_by_group, prevalence
from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

__all__ = ["NET_PAIRS", "net_interval", "stance_shares", "unit_stance"]

#: (for, against) label pairs the ``net`` row is computed from, by label set.
NET_PAIRS = (("supportive", "critical"), ("FAVOR", "AGAINST"), ("support", "deny"))
SCHEMES = ({"supportive", "critical", "neutral"}, {"FAVOR", "AGAINST", "NONE"},
           {"support", "deny", "query", "comment"})
SIDES = {"article": ("title", "body"), "comments": ("comment",), "all": CONTENT_ROLES}


def _model_name(model) -> str:
    name = getattr(model, "model_name", None) or type(model).__name__
    card = getattr(model, "card_", None)
    return str(card.get("name", name)) if isinstance(card, dict) else str(name)


def unit_stance(source, units=None) -> pd.DataFrame:
    """One stance per unit: ``unit_id, stance`` (``attrs["stance_source"]`` names where it came from).

    ``source`` is a tagging result of :func:`analysis.tag` (its dictionary
    stance: supportive / critical / neutral), a tags table (``unit_id,
    category, present``, e.g. ``ReplyStanceClassifier.tag``: the present
    category), a stance table (``unit_id, stance``), or a fitted stance model,
    whose predictions for ``units`` (a units table or a Corpus) are used;
    a :class:`analysis.StanceClassifier`'s FAVOR/AGAINST/NONE become the
    codebook's supportive/critical/neutral.
    """
    if hasattr(source, "stance") and isinstance(source.stance, pd.DataFrame):
        book = getattr(source, "codebook", None)
        out = source.stance[["unit_id", "stance"]].copy()
        out.attrs["stance_source"] = f"dictionary ({getattr(book, 'name', 'codebook')} codebook cues)"
        return out.astype({"unit_id": "str", "stance": "str"})
    if isinstance(source, pd.DataFrame):
        if {"unit_id", "stance"} <= set(source.columns):
            out = source[["unit_id", "stance"]].astype({"unit_id": "str", "stance": "str"})
            out.attrs["stance_source"] = source.attrs.get("stance_source", "a stance table")
            return out
        if not {"unit_id", "category", "present"} <= set(source.columns):
            raise ThreadframeError("unit_stance: a table needs unit_id and stance, or unit_id, category "
                                   f"and present (a tags table); it has {', '.join(map(str, source.columns))}")
        chosen = source[source["present"].astype(bool)].drop_duplicates("unit_id")
        out = pd.DataFrame({"unit_id": chosen["unit_id"].astype("str").to_numpy(),
                            "stance": chosen["category"].astype("str").to_numpy()})
        out.attrs["stance_source"] = source.attrs.get("stance_source", "a tags table")
        return out
    if callable(getattr(source, "predict", None)):
        if units is None:
            raise ThreadframeError("unit_stance: give the units to predict with the model "
                                   "(unit_stance(model, corpus))")
        table = units.units if hasattr(units, "units") else units
        if not isinstance(table, pd.DataFrame) or "unit_id" not in table.columns:
            raise ThreadframeError("unit_stance: units must be a threads.Corpus or a units table with unit_id")
        pred = np.asarray(source.predict(table), dtype=object)
        if len(pred) != len(table):
            raise ThreadframeError(f"unit_stance: the model gave {len(pred)} predictions for {len(table)} units")
        if type(source).__name__ == "StanceClassifier":
            from analysis.models.stance import stance_words

            pred = stance_words(pred)
        out = pd.DataFrame({"unit_id": table["unit_id"].astype("str").to_numpy(),
                            "stance": pd.array(pred.astype(str), dtype="str")})
        out.attrs["stance_source"] = _model_name(source)
        return out
    raise ThreadframeError(f"unit_stance: cannot read stance from a {type(source).__name__}; pass "
                           "analysis.tag's result, a tags or stance table, or a fitted stance model")


def net_interval(x_for, x_against, n, n_boot: int, level: float, seed_seq) -> tuple[float, float, float]:
    """Net stance ``(sum x_for - sum x_against) / sum n`` over clusters and its
    cluster-bootstrap percentile interval (whole clusters resampled)."""
    x = np.column_stack([np.asarray(x_for, float) - np.asarray(x_against, float)])
    boot = _bootstrap_shares(x, np.asarray(n, float), n_boot, seed_seq)[:, 0]
    alpha = 1 - level
    est = float(x.sum() / np.sum(n))
    return est, float(np.quantile(boot, alpha / 2)), float(np.quantile(boot, 1 - alpha / 2))


def _net_unit_interval(p_for: float, p_against: float, n: float, level: float) -> tuple[float, float]:
    """Normal interval for a difference of two shares of one multinomial sample
    (units independent): the fallback below ``min_clusters``."""
    z = stats.norm.ppf(0.5 + level / 2)
    d = p_for - p_against
    se = np.sqrt(max(p_for + p_against - d * d, 0.0) / n) if n else np.nan
    return max(-1.0, d - z * se), min(1.0, d + z * se)


def _net_pair(labels: list[str], net) -> tuple[str, str] | None:
    """The (for, against) pair: the scheme in ``NET_PAIRS`` that holds every label
    (a label may be absent from the data: no unit took it), or the pair given."""
    if net is None or net is False:
        return None
    if net != "auto":
        pair = tuple(net)
        if len(pair) != 2 or any(p not in labels for p in pair):
            raise ThreadframeError(f"net={net!r}: give two stance labels (for, against) from {labels}")
        return str(pair[0]), str(pair[1])
    for pair, scheme in zip(NET_PAIRS, SCHEMES, strict=True):
        if labels and set(labels) <= scheme:
            return pair
    return None


def stance_shares(stance, units, by="outlet", *, side: str = "article", net="auto", cluster: str | None = "thread",
                  n_boot: int = 2000, level: float = 0.95, min_clusters: int = 5, seed: int = 0) -> pd.DataFrame:
    """Share of units taking each stance per group, with cluster-aware intervals.

    Parameters
    ----------
    stance : anything :func:`unit_stance` reads (a tagging result, a tags or
        stance table); for a model, call ``unit_stance(model, corpus)`` first.
    units : a ``threads.Corpus`` or a units table.
    by : group column(s): ``"doc_id"`` for documents, ``"outlet"`` (any docs
        column) for outlets, ``[]`` for the whole corpus.
    side : ``"article"`` (title and body units), ``"comments"`` (the comment
        section) or ``"all"``.
    net : ``"auto"``: add a ``net`` row (share for minus share against: supportive
        - critical, FAVOR - AGAINST or support - deny, whichever the labels are);
        a pair of labels to choose; ``None`` for none.
    cluster, n_boot, level, min_clusters, seed : as for :func:`analysis.prevalence`.
        With ``cluster="thread"`` an article is one cluster and each comment
        thread another, so one document's article stance has one cluster
        and falls back to a Wilson interval over its paragraphs (``ci_method``
        says so: it describes these paragraphs, which are not independent).

    Returns
    -------
    :func:`analysis.prevalence`'s table (one row per group and stance) plus, per
    group, a ``category == "net"`` row whose ``share`` is the net stance in
    [-1, 1]; ``attrs["stance_source"]`` and ``attrs["net"]`` say what it rests on.
    """
    if side not in SIDES:
        raise ThreadframeError(f"side={side!r}: use {', '.join(map(repr, SIDES))}")
    table = unit_stance(stance)
    roles = SIDES[side]
    labels = sorted(table["stance"].dropna().unique())
    # a label of the scheme that no unit took is a share of 0, not a missing row
    scheme = next((sc for sc in SCHEMES if labels and set(labels) <= sc), set())
    every = [*labels, *sorted(scheme - set(labels))]
    s = table.astype({"stance": "str"})
    tags = pd.concat([pd.DataFrame({"unit_id": s["unit_id"], "category": label,
                                    "present": s["stance"].eq(label).fillna(False).to_numpy(bool)})
                      for label in every], ignore_index=True)
    prev = prevalence(tags, units, by=by, roles=roles, cluster=cluster, n_boot=n_boot, level=level,
                      min_clusters=min_clusters, seed=seed)
    pair = _net_pair(every, net)
    if pair is not None and len(prev):
        prev = pd.concat([prev, _net_rows(tags, units, by, roles, cluster, pair, n_boot, level,
                                          min_clusters, seed)], ignore_index=True)
        sort_by = [b for b in ([by] if isinstance(by, str) else list(by))]
        if sort_by:
            prev = prev.sort_values(sort_by, kind="stable").reset_index(drop=True)
    prev.attrs.update(stance_source=table.attrs.get("stance_source", ""), side=side,
                      net=None if pair is None else f"{pair[0]} - {pair[1]}")
    return prev


def _net_rows(tags, units, by, roles, cluster, pair, n_boot, level, min_clusters, seed) -> pd.DataFrame:
    joined, by, _, excluded = tagged_units(tags, units, by, roles=roles, cluster=cluster)
    n_excluded = _excluded_by_group(excluded, by)
    flags = joined.pivot_table(index="unit_id", columns="category", values="present", aggfunc="max",
                               fill_value=False).reindex(columns=list(pair), fill_value=False).astype(float)
    attrs = joined.drop_duplicates("unit_id").set_index("unit_id")[list(dict.fromkeys(["doc_id", "_cluster", *by]))]
    wide = attrs.join(flags).reset_index()
    rows = []
    for key, g in (wide.groupby(by, sort=True, dropna=False) if by else [((), wide)]):
        key = key if isinstance(key, tuple) else (key,)
        per = g.groupby("_cluster", sort=True)
        x = per[list(pair)].sum().to_numpy()
        n = per.size().to_numpy().astype(float)
        p_for, p_against = x[:, 0].sum() / n.sum(), x[:, 1].sum() / n.sum()
        w_low, w_high = _net_unit_interval(p_for, p_against, n.sum(), level)
        boot_ok = len(n) >= min_clusters
        if boot_ok:
            _, b_low, b_high = net_interval(x[:, 0], x[:, 1], n, n_boot, level, stable_seed(seed, (*key, "net")))
        else:
            b_low = b_high = np.nan
        rows.append({**dict(zip(by, key, strict=True)), "category": "net", "n_units": int(n.sum()),
                     "n_excluded": n_excluded.get(key, 0), "n_present": int(x[:, 0].sum() - x[:, 1].sum()), "n_docs": int(g["doc_id"].nunique()),
                     "n_clusters": len(n), "share": p_for - p_against,
                     "ci_low": b_low if boot_ok else w_low, "ci_high": b_high if boot_ok else w_high,
                     "ci_method": "cluster bootstrap" if boot_ok else f"normal, units (<{min_clusters} clusters)",
                     "boot_low": b_low, "boot_high": b_high, "wilson_low": w_low, "wilson_high": w_high})
    out = pd.DataFrame(rows)
    return out.astype({"category": "str", "ci_method": "str"})
