"""Publication figures from the comparison tables.

Every function takes the tidy table its analysis function returns, accepts
``ax=`` (draw into an existing Axes) and ``rc=`` (house-style overrides),
returns the ``matplotlib.figure.Figure`` and never shows it (the caller decides).
Figures are built without pyplot (no global figure registry, nothing shown
twice in Jupyter). Save them with :func:`analysis.figures.save.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis._tables import require_columns
from analysis.compare.terms import Z_THRESHOLD
from analysis.figures._helpers import (
    _annotated_heatmap,
    _axes,
    _excluded_note,
    _order,
    _row_rules,
    _share_axis,
)
from analysis.figures.plot_replies import plot_reply_tree, plot_transitions, tree_layout
from analysis.figures.style import OKABE_ITO, figure_size, house_style
from threads.errors import ThreadframeError

__all__ = [
    "plot_alignment_matrix",
    "plot_article_vs_comments",
    "plot_distinctive_terms",
    "plot_prevalence",
    "plot_reply_tree",
    "plot_transitions",
    "tree_layout",
]


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
                                  label=f"{g} (n={n}{_excluded_note(d)})"))
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
                label = (f"{side} (n={n}{_excluded_note(v)})" if len(grps) == 1
                         else (side if gi == 0 else None))
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
        longest = max(len(lbl) for lbl in ax.get_legend_handles_labels()[1])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2 if longest <= 24 else 1)
    return fig


def plot_alignment_matrix(matrix: pd.DataFrame, *, value: str = "share_kept", versions=None,
                          ax=None, rc=None):
    """Story-alignment matrix: cell (version, reference) is the share of the
    reference's sentences the version carries (``share_kept``: shared or
    paraphrased) or carries near-identically (``share_shared``); the cell
    text gives both. Shared material does not say which version took it from
    which: both may draw on a third source."""
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
                           threshold: float = Z_THRESHOLD, below: str = "mark", ax=None, rc=None):
    """The ``k`` most distinctive terms of each group (largest positive z of
    :func:`analysis.distinctive_terms`), as bars grouped by group.

    A dashed line marks ``threshold`` (1.96: two-sided 5% for one term, no
    correction for the many terms looked at). Terms below it are drawn pale
    (``below="mark"``) or left out (``below="drop"``; a group with none above
    says so). The x label states the prior strength (``attrs["prior_strength"]``
    of the table, or its ``prior_strength`` column): z depends on it.
    """
    require_columns(terms, ["group", "versus", "term", "z"], "plot_distinctive_terms: table")
    if below not in ("mark", "drop"):
        raise ThreadframeError(f"below={below!r}: use 'mark' or 'drop'")
    d = terms[(terms["versus"] == versus) & (terms["z"] > 0)]
    if d.empty:
        raise ThreadframeError(f"plot_distinctive_terms: no positive z-scores versus {versus!r}")
    grps = _order(sorted(d["group"].unique()), groups)
    shown = d[d["z"] >= threshold] if below == "drop" else d
    blocks = [(g, shown[shown["group"] == g].nlargest(k, "z")) for g in grps]
    n_rows = sum(max(len(b), 1) + 1 for _, b in blocks)
    a0 = terms.attrs.get("prior_strength")
    if a0 is None and "prior_strength" in terms.columns and len(terms):
        a0 = terms["prior_strength"].iloc[0]
    with house_style(rc):
        fig, ax = _axes(ax, figure_size("column", 0.14 * n_rows + 0.9))
        y, ticks, labels = 0, [], []
        zmax = max(float(d["z"].max()), threshold)
        for gi, (g, b) in enumerate(blocks):
            color = OKABE_ITO[gi % len(OKABE_ITO)]
            ax.text(0, y, g, fontweight="bold", va="center", ha="left", fontsize=7)
            y += 1
            if b.empty:
                ax.text(0, y, f"no term reaches z = {threshold:g}", va="center", ha="left",
                        fontsize=6, color="#555555", style="italic")
                y += 1
                continue
            pos = np.arange(y, y + len(b))
            strong = (b["z"] >= threshold).to_numpy()
            ax.barh(pos[strong], b["z"][strong], color=color, height=0.75)
            ax.barh(pos[~strong], b["z"][~strong], color=color, alpha=0.3, height=0.75)
            for p, (_, r) in zip(pos, b.iterrows(), strict=True):
                ax.text(r["z"] + zmax * 0.01, p, f"{int(r['count'])}", va="center", fontsize=5.5,
                        color="#555555")
            ticks.extend(pos.tolist())
            labels.extend(b["term"].tolist())
            y += len(b)
        ax.axvline(threshold, color="#333333", linestyle="--", linewidth=0.7, zorder=0)
        ax.set_yticks(ticks, labels)
        ax.set_ylim(y - 0.4, -0.7)
        ax.tick_params(axis="y", length=0)
        what = "one group vs the rest" if versus == "rest" else "vs " + versus
        ax.set_xlabel(f"z-score of log-odds ({what})")
        ax.set_xlim(0, zmax * 1.12)
        note = f"dashed: z = {threshold:g}" + ("; pale bars fall below it" if below == "mark" else "")
        if a0 is not None:
            note += f"\nprior strength a0 = {float(a0):g} (z depends on it)"
        ax.set_title(note, fontsize=6, loc="right", color="#333333")
    return fig
