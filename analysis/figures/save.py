"""Saving figures for a paper: vector and raster files, the data behind the
figure and its caption, byte-identical across runs.

>>> # save_figure(fig, data, "figures/prevalence_by_outlet", "Share of ...")
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from threads.errors import ThreadframeError

__all__ = ["FORMATS", "save_figure"]

FORMATS = ("pdf", "svg", "png")

# Timestamps and software versions would make every run's files differ.
_METADATA = {
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
}


def save_figure(
    fig,
    data: pd.DataFrame | None,
    stem: str | os.PathLike,
    caption: str,
    *,
    formats=FORMATS,
    dpi: int = 300,
) -> list[Path]:
    """Write ``<stem>.pdf``, ``.svg`` and ``.png``, the plotted data as
    ``<stem>.csv`` and the caption as ``<stem>.txt``; returns the paths.

    The same figure and data give the same bytes on every run: PDF and SVG
    carry no creation date or software version, SVG ids use a fixed salt, the
    PNG has a fixed resolution and no software tag, and the CSV uses ``\\n``
    line ends. The caller's rcParams are left as they were.
    """
    import matplotlib as mpl

    stem = Path(stem)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ThreadframeError(f"save_figure: unknown format(s) {unknown}; use {', '.join(FORMATS)}")
    if not caption or not str(caption).strip():
        raise ThreadframeError(f"save_figure: {stem}: give a caption (it is saved beside the figure)")
    if data is not None and not isinstance(data, pd.DataFrame):
        raise ThreadframeError(f"save_figure: {stem}: data must be a DataFrame, got {type(data).__name__}")
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context({"svg.hashsalt": "threadframe", "svg.fonttype": "path", "pdf.fonttype": 42,
                         "pdf.compression": 6}):
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
            written.append(path)
    if data is not None:
        path = stem.with_suffix(".csv")
        data.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        written.append(path)
    path = stem.with_suffix(".txt")
    path.write_text(str(caption).strip() + "\n", encoding="utf-8")
    written.append(path)
    return written
