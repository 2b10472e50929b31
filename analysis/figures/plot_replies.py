"""Reply-tree figures: a document's comment tree and the transition heatmap.

Same conventions as :mod:`analysis.figures.plots` (which re-exports these names):
tidy tables in, a ``matplotlib.figure.Figure`` out, ``ax=`` and ``rc=`` honoured.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis._tables import NONE_CATEGORY, require_columns, tags_table, units_table
from analysis.compare.replies import MIN_REPLIES
from analysis.countable import has_text
from analysis.figures._helpers import _annotated_heatmap, _axes, _order
from analysis.figures.style import NONE_COLOR, category_colors, figure_size, house_style
from threads.errors import ThreadframeError

__all__ = ["plot_reply_tree", "plot_transitions", "tree_layout"]


# ------------------------------------------------------------------ reply tree
def tree_layout(units, doc_id: str | None = None, *, include_article: bool = True) -> pd.DataFrame:
    """A tidy layout of one document's reply tree, computed iteratively.

    Depth runs left to right (``x``); every leaf gets its own row (``y``, from
    0 at the top, in reading order) and a parent sits midway between its first
    and last child, so edges never cross. The article is the root
    (``"<doc_id>:<article>"``) when ``include_article``. Returns ``unit_id``,
    ``parent_id``, ``x``, ``y``.
    """
    u = units_table(units, ("comment",))
    require_columns(u, ["parent_id"], "tree_layout: units")
    if doc_id is None:
        docs = u["doc_id"].unique()
        if len(docs) != 1:
            raise ThreadframeError(f"tree_layout: give doc_id (comments come from {len(docs)} documents)")
        doc_id = docs[0]
    u = u[u["doc_id"] == doc_id]
    if u.empty:
        raise ThreadframeError(f"tree_layout: document {doc_id!r} has no comments")
    if "position" in u.columns:
        u = u.sort_values("position", kind="stable")
    root = f"{doc_id}:<article>"
    ids = u["unit_id"].tolist()
    known = set(ids)
    parent = {i: (p if isinstance(p, str) and p in known else (root if include_article else None))
              for i, p in zip(ids, u["parent_id"], strict=True)}
    children: dict = {}
    for i in ids:
        children.setdefault(parent[i], []).append(i)
    tops = children.get(root if include_article else None, [])
    start = [root] if include_article else tops
    x: dict[str, float] = {}
    y: dict[str, float] = {}
    next_row = 0
    # iterative depth-first walk: a node is placed after all its children
    stack = [(n, 0 if include_article else 1, False) for n in reversed(start)]
    while stack:
        node, depth, done = stack.pop()
        kids = children.get(node, []) if node != root else tops
        if done or not kids:
            x[node] = depth
            if kids:
                y[node] = (y[kids[0]] + y[kids[-1]]) / 2
            else:
                y[node] = next_row
                next_row += 1
            continue
        stack.append((node, depth, True))
        stack.extend((k, depth + 1, False) for k in reversed(kids))
    rows = [{"unit_id": n, "parent_id": (None if n == root else parent.get(n)), "x": float(x[n]),
             "y": float(y[n])} for n in (([root] if include_article else []) + ids)]
    out = pd.DataFrame(rows)
    for c in ("unit_id", "parent_id"):
        out[c] = out[c].astype("str")
    return out


def _first_category(tags, categories, exclude) -> pd.Series:
    t = tags_table(tags)
    cats = [c for c in (categories or list(dict.fromkeys(t["category"]))) if c != exclude]
    t = t[t["category"].isin(cats) & t["present"]]
    t = t.assign(_rank=t["category"].map({c: i for i, c in enumerate(cats)})).sort_values("_rank")
    return t.drop_duplicates("unit_id").set_index("unit_id")["category"]


def plot_reply_tree(
    units,
    tags,
    doc_id: str | None = None,
    *,
    categories=None,
    marked: str = "whataboutism",
    colors: Mapping[str, str] | None = None,
    ax=None,
    rc=None,
):
    """A document's reply tree: each comment a dot coloured by its first frame
    (in codebook order; grey for none), replies to the right of what they
    answer (the article, a square, coloured by its most frequent frame),
    comments carrying ``marked`` (whataboutism) ringed in black,
    comments without text (:func:`analysis.countable.has_text`) or without
    tags hollow, whatever tags they were given."""
    lay = tree_layout(units, doc_id)
    doc = lay["unit_id"].iloc[0].removesuffix(":<article>")
    t = tags_table(tags)
    first = _first_category(t, categories, marked)
    art_units = units_table(units, ("title", "body"))
    art_ids = art_units.loc[art_units["doc_id"] == doc, "unit_id"]
    order = [c for c in _order(t["category"], categories) if c != marked]
    art_tags = t[t["unit_id"].isin(set(art_ids)) & t["present"] & t["category"].isin(order)]
    art_counts = art_tags["category"].value_counts().reindex(order, fill_value=0)
    root = f"{doc}:<article>"
    label = first.reindex(lay["unit_id"]).to_numpy(dtype=object)
    # the article: its most frequent frame (ties: codebook order)
    label[lay["unit_id"].to_numpy() == root] = art_counts.idxmax() if art_counts.max() > 0 else None
    comments = units_table(units, ("comment",))
    no_text = set(comments.loc[~has_text(comments), "unit_id"])
    tagged = ((lay["unit_id"].isin(set(t["unit_id"])) & ~lay["unit_id"].isin(no_text)).to_numpy()
              | (lay["unit_id"].to_numpy() == root))
    label = pd.Series(label, index=lay.index).fillna(NONE_CATEGORY).to_numpy(dtype=object)
    marked_ids = set(t.loc[(t["category"] == marked) & t["present"], "unit_id"])
    is_marked = lay["unit_id"].isin(marked_ids).to_numpy()
    cats = [c for c in _order(t["category"], categories) if c != marked] + [NONE_CATEGORY]
    palette = category_colors(cats, colors)
    pos = lay.set_index("unit_id")
    n_rows = int(lay["y"].max()) + 1
    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", min(0.16 * n_rows + 1.0, 9.0)))
        for _, r in lay.iterrows():
            if r["parent_id"] in pos.index:
                p = pos.loc[r["parent_id"]]
                ax.plot([p["x"], p["x"], r["x"]], [p["y"], r["y"], r["y"]], color="#B0B0B0",
                        linewidth=0.6, zorder=1, solid_joinstyle="miter")
        colours = np.array([palette.get(c, NONE_COLOR) for c in label], dtype=object)
        is_root = (lay["unit_id"] == root).to_numpy()
        dot = ~is_root & tagged
        ax.scatter(lay["x"][dot], lay["y"][dot], s=22, c=colours[dot], zorder=3, edgecolors="white",
                   linewidths=0.4)
        lost = ~is_root & ~tagged  # no text (lost in the scrape) or no tags: hollow
        ax.scatter(lay["x"][lost], lay["y"][lost], s=18, facecolors="white", edgecolors="#888888",
                   linewidths=0.8, zorder=3)
        ax.scatter(lay["x"][is_root], lay["y"][is_root], s=46, marker="s", c=colours[is_root], zorder=3)
        ax.scatter(lay["x"][is_marked], lay["y"][is_marked], s=70, facecolors="none",
                   edgecolors="black", linewidths=1.0, zorder=4)
        from matplotlib.lines import Line2D

        used = [c for c in cats if c in set(label[tagged])]
        handles = [Line2D([], [], marker="o", linestyle="", color=palette[c], label=c, markersize=4.5)
                   for c in used]
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                              markeredgecolor="black", label=marked, markersize=6.5))
        if lost.any():
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                                  markeredgecolor="#888888", label="no text", markersize=4))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3,
                  handletextpad=0.2, columnspacing=0.8)
        depth_max = int(lay["x"].max())
        ax.set_xticks(range(depth_max + 1), ["article", *[str(d) for d in range(1, depth_max + 1)]])
        ax.xaxis.set_ticks_position("top")
        ax.xaxis.set_label_position("top")
        ax.set_xlabel("reply depth")
        ax.set_xlim(-0.4, depth_max + 0.4)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_yticks([])
        ax.spines[["left", "bottom"]].set_visible(False)
        ax.spines["top"].set_visible(True)
    return fig


def plot_transitions(trans: pd.DataFrame, *, value: str = "share", categories=None,
                     min_replies: int | None = None, ax=None, rc=None):
    """Heatmap of reply transitions (rows: the parent's category, columns: the
    reply's). ``value="share"`` colours by the conditional share,
    ``"lift"`` by the lift over the base rate (log scale, centred on 1).
    Cells show the share and ``n_transitions/n_from``.

    Rows resting on fewer than ``min_replies`` replies are greyed (their
    counts still shown): too few to read as a finding. None takes the
    table's own rule (its ``enough_replies`` column, as :func:`analysis.transitions`
    set it with its ``min_replies``, default 10)."""
    require_columns(trans, ["from_category", "to_category", "share", "lift", "n_transitions", "n_from"],
                    "plot_transitions: table")
    if value not in ("share", "lift"):
        raise ThreadframeError(f"value={value!r}: use 'share' or 'lift'")
    cats = _order(trans["from_category"], categories)
    answered = trans.groupby("from_category")["n_from"].max()
    rows = [c for c in cats if answered.get(c, 0) > 0]  # a frame no one replied to: no row
    def cells(column: str) -> np.ndarray:
        wide = trans.pivot(index="from_category", columns="to_category", values=column)
        return wide.reindex(index=rows, columns=cats).to_numpy(dtype=float)

    grid, n_t, n_f, share = cells(value), cells("n_transitions"), cells("n_from"), cells("share")
    if min_replies is None and "enough_replies" in trans.columns:
        muted = ~trans.pivot(index="from_category", columns="to_category", values="enough_replies"
                             ).reindex(index=rows, columns=cats).fillna(False).to_numpy(dtype=bool)
        min_replies = trans.attrs.get("min_replies")
    else:
        min_replies = MIN_REPLIES if min_replies is None else min_replies
        muted = ~(n_f >= min_replies)
    text = np.empty(grid.shape, dtype=object)
    for (i, j), nf in np.ndenumerate(n_f):
        text[i, j] = "" if not nf > 0 else f"{share[i, j]:.0%}\n{int(n_t[i, j])}/{int(nf)}"
    from matplotlib import colors as mcolors

    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 0.3 * len(rows) + 1.3))
        vals = grid
        if value == "share":
            norm, cmap, label = mcolors.Normalize(0, 1), "cividis", "share of replies"
        else:
            finite = vals[np.isfinite(vals) & (vals > 0)]
            span = max(2.0, float(np.max(np.abs(np.log2(finite)))) if finite.size else 2.0)
            norm = mcolors.LogNorm(2**-span, 2**span)
            cmap, label = "PuOr_r", "lift over base rate"
            vals = np.where(vals > 0, vals, np.nan)
        _annotated_heatmap(ax, vals, text, rows, cats, cmap, norm, label, muted=muted)
        if muted.any():
            what = f"fewer than {min_replies} replies" if min_replies else "too few replies"
            ax.set_title(f"grey: {what} to the row's frame (not a finding)", fontsize=6, loc="right",
                         color="#333333")
        ax.set_ylabel("comment or article replied to")
        ax.set_xlabel("reply")
    return fig
