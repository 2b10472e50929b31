"""The house style of threadframe figures.

Readable at single-column width (3.5 in), colour-blind-safe (Okabe-Ito),
no chart junk (no top/right spines, no background grid, no shadows). Applied
through :func:`house_style`, a context manager, so the user's global
``rcParams`` are never changed; pass ``rc={...}`` to any plotting function, or
to :func:`house_style`, to override single settings.

>>> from analysis.figures.style import house_style, category_colors
>>> with house_style({"font.size": 9}):
...     pass
>>> category_colors(["security", "rights"])["security"]
'#0072B2'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

__all__ = [
    "COLUMN_WIDTH",
    "FRAME_COLORS",
    "NONE_COLOR",
    "OKABE_ITO",
    "PAGE_WIDTH",
    "category_colors",
    "figure_size",
    "house_rc",
    "house_style",
]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable under the
#: common colour-vision deficiencies. Yellow comes last (weak on white).
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
#: Fixed colours for the default codebook's categories, so a frame has the
#: same colour in every figure of a paper.
FRAME_COLORS = {
    "security": "#0072B2",
    "rights": "#D55E00",
    "geopolitics": "#009E73",
    "economy": "#E69F00",
    "technology": "#56B4E9",
    "whataboutism": "#CC79A7",
    "critical": "#D55E00",
    "supportive": "#0072B2",
    "neutral": "#999999",
}
NONE_COLOR = "#BBBBBB"
COLUMN_WIDTH = 3.5  # inches: one column of a two-column journal page
PAGE_WIDTH = 7.0


def house_rc() -> dict:
    """The house rcParams (a new dict each call)."""
    from cycler import cycler

    return {
        "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs everywhere
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.titleweight": "bold",
        "axes.labelsize": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 7,
        "legend.title_fontsize": 7,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "lines.linewidth": 1.0,
        "lines.markersize": 4,
        "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
        "image.cmap": "cividis",
        "figure.dpi": 150,
        "savefig.dpi": 300,
        "figure.constrained_layout.use": True,
        "pdf.fonttype": 42,  # TrueType in PDFs: editable text, accepted by journals
        "svg.hashsalt": "threadframe",  # stable ids in SVG files
        "svg.fonttype": "path",
    }


@contextmanager
def house_style(rc: Mapping | None = None) -> Iterator[None]:
    """Apply the house style (plus ``rc`` overrides) inside a ``with`` block only."""
    import matplotlib as mpl

    settings = house_rc()
    settings.update(rc or {})
    with mpl.rc_context(settings):
        yield


def category_colors(categories: Iterable[str], colors: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour for each category: the fixed frame colours first, then the
    Okabe-Ito colours not yet used; ``"none"`` is grey. ``colors`` overrides."""
    chosen: dict[str, str] = {}
    cats = list(dict.fromkeys(categories))
    fixed = {**FRAME_COLORS, **(colors or {})}
    for c in cats:
        if c == "none":
            chosen[c] = NONE_COLOR
        elif c in fixed:
            chosen[c] = fixed[c]
    spare = [c for c in OKABE_ITO if c not in chosen.values()] or list(OKABE_ITO)
    for i, c in enumerate(c for c in cats if c not in chosen):
        chosen[c] = spare[i % len(spare)]
    return {c: chosen[c] for c in cats}


def figure_size(width: float | str = "column", height: float | None = None, aspect: float = 0.75):
    """(width, height) in inches: ``"column"`` (3.5 in), ``"page"`` (7 in) or a number."""
    if isinstance(width, str):
        widths = {"column": COLUMN_WIDTH, "page": PAGE_WIDTH}
        if width not in widths:
            from threads.errors import ThreadframeError

            raise ThreadframeError(f"figure_size: width {width!r}: use 'column', 'page' or inches")
        w = widths[width]
    else:
        w = float(width)
    return (w, float(height if height is not None else w * aspect))
