"""Publication figures from the comparison tables.

Every function takes the tidy table its analysis function returns, accepts
``ax=`` (draw into an existing Axes) and ``rc=`` (house-style overrides),
returns the ``matplotlib.figure.Figure`` and never shows it (the caller decides).
Figures are built without pyplot (no global figure registry, nothing shown
twice in Jupyter). Save them with :func:`analysis.figures.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from threads.errors import ThreadframeError

from ._tables import NONE_CATEGORY, require_columns, tags_table, units_table
from .style import NONE_COLOR, OKABE_ITO, category_colors, figure_size, house_style

__all__ = [
    "plot_alignment_matrix",
    "plot_article_vs_comments",
    "plot_distinctive_terms",
    "plot_prevalence",
    "plot_reply_tree",
    "plot_transitions",
    "tree_layout",
]


def _axes(ax, size):
    """(figure, axes): a new pyplot-free Figure when ``ax`` is None."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    return fig, fig.add_subplot()


def _share_axis(ax) -> None:
    """x axis from 0 to 100% with quarter ticks."""
    from matplotlib.ticker import PercentFormatter

    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _row_rules(ax, n: int) -> None:
    """Faint rules between category rows."""
    for k in range(1, n):
        ax.axhline(k - 0.5, color="#E6E6E6", linewidth=0.5, zorder=0)


def _order(values, order=None) -> list:
    seen = list(dict.fromkeys(values))
    if order is None:
        return seen
    return [v for v in order if v in seen] + [v for v in seen if v not in order]


# ------------------------------------------------------------------ prevalence
def plot_prevalence(
    prev: pd.DataFrame,
    group: str = "outlet",
    *,
    categories=None,
    groups=None,
    interval: str = "ci",
    colors: Mapping[str, str] | None = None,
    ax=None,
    rc=None,
):
    """Share of units per category (rows) and group (coloured dots) with intervals.

    ``prev`` is the table of :func:`analysis.prevalence`. ``interval="ci"``
    draws ``ci_low``/``ci_high`` (cluster bootstrap; open markers where it fell
    back to Wilson for too few clusters), ``"wilson"`` the Wilson interval.
    The legend gives each group's number of units.
    """
    require_columns(prev, [group, "category", "share", "n_units"], "plot_prevalence: table")
    lo, hi = ("ci_low", "ci_high") if interval == "ci" else ("wilson_low", "wilson_high")
    if interval not in ("ci", "wilson"):
        raise ThreadframeError(f"interval={interval!r}: use 'ci' or 'wilson'")
    cats = _order(prev["category"], categories)
    grps = _order(prev[group].astype("str"), groups)
    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 0.42 * len(cats) + 0.25 * len(grps) + 0.9))
        palette = dict(zip(grps, [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(grps))], strict=True))
        palette.update(colors or {})
        step = 0.8 / max(len(grps), 1)
        handles, any_fallback = [], False
        from matplotlib.lines import Line2D

        for gi, g in enumerate(grps):
            d = prev[prev[group].astype("str") == g].set_index("category").reindex(cats)
            y = np.arange(len(cats)) - 0.4 + step * (gi + 0.5)
            fallback = d["ci_method"].astype("str").str.startswith("wilson").to_numpy() if (
                "ci_method" in d and interval == "ci") else np.zeros(len(cats), bool)
            any_fallback |= bool(fallback.any())
            share = d["share"].to_numpy(float)
            err = np.vstack([share - d[lo].to_numpy(float), d[hi].to_numpy(float) - share])
            ax.errorbar(share, y, xerr=np.clip(err, 0, None), fmt="none", ecolor=palette[g],
                        elinewidth=0.9, capsize=0)
            ax.scatter(share[~fallback], y[~fallback], s=16, color=palette[g], zorder=3)
            ax.scatter(share[fallback], y[fallback], s=16, facecolor="white", edgecolor=palette[g],
                       linewidth=1.0, zorder=3)
            n = int(d["n_units"].max()) if d["n_units"].notna().any() else 0
            handles.append(Line2D([], [], marker="o", color=palette[g], markersize=4, linewidth=0.9,
                                  label=f"{g} (n={n})"))
        if any_fallback:
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                                  markeredgecolor="#555555", markersize=4,
                                  label="open: Wilson interval (too few clusters)"))
        ax.set_yticks(np.arange(len(cats)), cats)
        ax.invert_yaxis()
        _share_axis(ax)
        ax.set_xlabel("share of units")
        ax.tick_params(axis="y", length=0)
        _row_rules(ax, len(cats))
        longest = max(len(str(h.get_label())) for h in handles)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  ncol=2 if longest <= 24 else 1, handletextpad=0.3, columnspacing=1.0)
    return fig


# ------------------------------------------------------------------ article v comments
def plot_article_vs_comments(
    avc: pd.DataFrame,
    group: str = "outlet",
    *,
    categories=None,
    ax=None,
    rc=None,
):
    """Dumbbells: each category's share in the article against its comment
    section, one pair per ``group`` value (rows of categories).

    ``avc`` is the table of :func:`analysis.article_vs_comments`; only groups
    with both sides are drawn. Whiskers are ``ci_low``/``ci_high``.
    """
    require_columns(avc, [group, "side", "category", "share"], "plot_article_vs_comments: table")
    both = avc.groupby(group)["side"].nunique()
    keep = both[both == 2].index
    d = avc[avc[group].isin(keep)]
    if d.empty:
        raise ThreadframeError("plot_article_vs_comments: no group has both an article and comments")
    cats = _order(d["category"], categories)
    grps = _order(d[group].astype("str"))
    colors = {"article": OKABE_ITO[0], "comments": OKABE_ITO[1]}
    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 0.32 * len(cats) * len(grps) + 0.9))
        step = 0.8 / len(grps)
        offset = {"article": -step * 0.18, "comments": step * 0.18}  # whiskers side by side
        for gi, g in enumerate(grps):
            sub = d[d[group].astype("str") == g]
            y0 = np.arange(len(cats)) - 0.4 + step * (gi + 0.5)
            vals = {s: sub[sub["side"] == s].set_index("category").reindex(cats) for s in colors}
            for yi, c in zip(y0, cats, strict=True):
                a, b = vals["article"].at[c, "share"], vals["comments"].at[c, "share"]
                ax.plot([a, b], [yi + offset["article"], yi + offset["comments"]], color="#999999",
                        linewidth=0.6, zorder=1)
            for side, color in colors.items():
                v = vals[side]
                y = y0 + offset[side]
                share = v["share"].to_numpy(float)
                if "ci_low" in v:
                    err = np.vstack([share - v["ci_low"].to_numpy(float), v["ci_high"].to_numpy(float) - share])
                    ax.errorbar(share, y, xerr=np.clip(err, 0, None), fmt="none", ecolor=color,
                                elinewidth=0.9, capsize=0)
                n = int(v["n_units"].max()) if "n_units" in v else None
                label = f"{side} (n={n})" if len(grps) == 1 else (side if gi == 0 else None)
                ax.scatter(share, y, s=18, color=color, zorder=3, label=label,
                           marker="o" if side == "article" else "s")
            if len(grps) > 1:
                for yi in y0:
                    ax.annotate(g, (1.0, yi), fontsize=5.5, va="center", ha="left",
                                xycoords=("axes fraction", "data"), color="#555555")
        ax.set_yticks(np.arange(len(cats)), cats)
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        _row_rules(ax, len(cats))
        _share_axis(ax)
        ax.set_xlabel("share of units")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    return fig


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
    comments without tags (e.g. text lost in a scrape) hollow."""
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
    tagged = lay["unit_id"].isin(set(t["unit_id"])).to_numpy() | (lay["unit_id"].to_numpy() == root)
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
        lost = ~is_root & ~tagged  # no tags (e.g. text lost in the scrape): hollow
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


# ------------------------------------------------------------------ heatmaps
def _annotated_heatmap(ax, values, text, rows, cols, cmap, norm, label):
    import matplotlib as mpl

    cmap = mpl.colormaps[cmap].with_extremes(bad="#F0F0F0")  # empty cells: light grey
    im = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto")
    for (i, j), s in np.ndenumerate(text):
        if s:
            v = values[i, j]
            rgba = im.cmap(im.norm(v)) if np.isfinite(v) else (1, 1, 1, 1)
            lum = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
            ax.text(j, i, s, ha="center", va="center", fontsize=5.5,
                    color="black" if lum > 0.5 else "white")
    ax.set_xticks(range(len(cols)), cols, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
    cb.set_label(label)
    cb.outline.set_visible(False)
    cb.ax.tick_params(labelsize=6, length=2)
    return im


def plot_transitions(trans: pd.DataFrame, *, value: str = "share", categories=None, ax=None, rc=None):
    """Heatmap of reply transitions (rows: the parent's category, columns: the
    reply's). ``value="share"`` colours by the conditional share,
    ``"lift"`` by the lift over the base rate (log scale, centred on 1).
    Cells show the share and ``n_transitions/n_from``."""
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
        _annotated_heatmap(ax, vals, text, rows, cats, cmap, norm, label)
        ax.set_ylabel("comment or article replied to")
        ax.set_xlabel("reply")
    return fig


def plot_alignment_matrix(matrix: pd.DataFrame, *, value: str = "share_kept", versions=None,
                          ax=None, rc=None):
    """Story-alignment matrix: cell (version, reference) is the share of the
    reference's sentences the version carries (``share_kept``: shared or
    paraphrased) or reproduces near-identically (``share_shared``); the cell
    text gives both."""
    require_columns(matrix, ["version", "reference", "share_kept", "share_shared"],
                    "plot_alignment_matrix: table")
    names = _order(sorted(set(matrix["version"]) | set(matrix["reference"])), versions)
    def cells(column: str) -> np.ndarray:
        wide = matrix.pivot(index="version", columns="reference", values=column)
        return wide.reindex(index=names, columns=names).to_numpy(dtype=float)

    grid, kept, shared = cells(value), cells("share_kept"), cells("share_shared")
    text = np.empty(grid.shape, dtype=object)
    for (i, j), k in np.ndenumerate(kept):
        text[i, j] = "" if np.isnan(k) else f"{k:.0%}\n({shared[i, j]:.0%})"
    from matplotlib import colors as mcolors

    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 2.9))
        _annotated_heatmap(ax, grid, text, names, names, "cividis",
                           mcolors.Normalize(0, 1),
                           "share of reference kept" if value == "share_kept" else "share shared")
        ax.set_ylabel("version")
        ax.set_xlabel("reference")
    return fig


# ------------------------------------------------------------------ terms
def plot_distinctive_terms(terms: pd.DataFrame, *, k: int = 6, versus: str = "rest", groups=None,
                           ax=None, rc=None):
    """The ``k`` most distinctive terms of each group (largest positive z of
    :func:`analysis.distinctive_terms`), as bars grouped by group."""
    require_columns(terms, ["group", "versus", "term", "z"], "plot_distinctive_terms: table")
    d = terms[(terms["versus"] == versus) & (terms["z"] > 0)]
    if d.empty:
        raise ThreadframeError(f"plot_distinctive_terms: no positive z-scores versus {versus!r}")
    grps = _order(sorted(d["group"].unique()), groups)
    blocks = [(g, d[d["group"] == g].nlargest(k, "z")) for g in grps]
    n_rows = sum(len(b) + 1 for _, b in blocks)
    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 0.14 * n_rows + 0.7))
        y, ticks, labels = 0, [], []
        zmax = d["z"].max()
        for gi, (g, b) in enumerate(blocks):
            color = OKABE_ITO[gi % len(OKABE_ITO)]
            ax.text(0, y, g, fontweight="bold", va="center", ha="left", fontsize=7)
            y += 1
            pos = np.arange(y, y + len(b))
            ax.barh(pos, b["z"], color=color, height=0.75)
            for p, (_, r) in zip(pos, b.iterrows(), strict=True):
                ax.text(r["z"] + zmax * 0.01, p, f"{int(r['count'])}", va="center", fontsize=5.5,
                        color="#555555")
            ticks.extend(pos.tolist())
            labels.extend(b["term"].tolist())
            y += len(b)
        ax.set_yticks(ticks, labels)
        ax.set_ylim(y - 0.4, -0.7)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(f"z-score of log-odds ({'one group vs the rest' if versus == 'rest' else 'vs ' + versus})")
        ax.set_xlim(0, zmax * 1.12)
    return fig
