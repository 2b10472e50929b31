"""Which units count: the one rule every denominator and reply edge uses.

A unit whose text was lost in a scrape (flag ``text_lost``), or whose text is
empty or blank (deleted and removed placeholders), cannot carry a frame, so
counting it as "frame absent" would dilute every share. :func:`has_text` says
which units have text; :func:`prevalence`, :func:`compare_groups`,
:func:`article_vs_comments`, :func:`frames_by_depth`, :func:`transitions`,
:func:`answered_by` and the figures drawn from their tables all leave the
others out and report how many they left out (``n_excluded``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LOST_FLAG", "countable_units", "has_text"]

#: The flag parsers set on a unit the source shows but whose text was lost.
LOST_FLAG = "text_lost"


def _flag_lost(flags: pd.Series) -> np.ndarray:
    """True where the semicolon-separated ``flags`` include ``text_lost``."""
    values = flags.to_numpy(dtype=object)
    return np.fromiter((isinstance(f, str) and LOST_FLAG in f.split(";") for f in values),
                       bool, len(values))


def has_text(units: pd.DataFrame) -> np.ndarray:
    """A bool array: True for each unit with text to tag.

    A unit has no text when its ``text`` is missing, empty or blank, or when
    its ``flags`` carry ``text_lost``. A table without a ``text`` column is
    judged by its flags alone (every unit counts when it has neither column).
    """
    ok = np.ones(len(units), dtype=bool)
    if "text" in units.columns:
        text = units["text"].to_numpy(dtype=object)
        ok &= np.fromiter((isinstance(t, str) and bool(t.strip()) for t in text), bool, len(text))
    if "flags" in units.columns:
        ok &= ~_flag_lost(units["flags"])
    return ok


def countable_units(units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(with_text, without_text)``: the rows of ``units`` split by :func:`has_text`."""
    ok = has_text(units)
    return units[ok], units[~ok]
