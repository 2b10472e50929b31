"""Drawing helpers shared by the figure modules (not public)."""

from __future__ import annotations

import numpy as np
import pandas as pd


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


def _excluded_note(d: pd.DataFrame) -> str:
    """', 6 without text' when the table's ``n_excluded`` says units were left out."""
    if "n_excluded" not in d or not d["n_excluded"].notna().any():
        return ""
    k = int(d["n_excluded"].max())
    return f", {k} without text" if k else ""


MUTED_CELL = "#D9D9D9"  # a cell too thin to read: grey, whatever its value
MUTED_TEXT = "#6E6E6E"


def _annotated_heatmap(ax, values, text, rows, cols, cmap, norm, label, muted=None):
    """Heatmap with a text per cell; ``muted`` (bool array) cells are drawn
    grey with grey text instead of their colour."""
    import matplotlib as mpl

    cmap = mpl.colormaps[cmap].with_extremes(bad="#F0F0F0")  # empty cells: light grey
    im = ax.imshow(values if muted is None else np.where(muted, np.nan, values), cmap=cmap, norm=norm,
                   aspect="auto")
    if muted is not None and muted.any():
        grey = mpl.colors.ListedColormap([MUTED_CELL])
        ax.imshow(np.where(muted, 0.0, np.nan), cmap=grey, vmin=0, vmax=1, aspect="auto")
    for (i, j), s in np.ndenumerate(text):
        if s:
            v = values[i, j]
            if muted is not None and muted[i, j]:
                ax.text(j, i, s, ha="center", va="center", fontsize=5.5, color=MUTED_TEXT)
                continue
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
