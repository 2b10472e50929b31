"""Id columns -> text ids, the same whatever dtype the table gave them.

``pd.read_csv`` reads a column of integer ids as ``int64``, but a parent
column with empty cells (the roots) as ``float64``: a reply's parent is then
``1001.0`` while its parent's id is ``1001``. :func:`id_strings` turns both
into ``"1001"``, so ids that are numbers match whether they arrive as int,
float without a fraction, text, pandas' nullable ``Int64`` or as Python
objects. Text ids are kept as they are (``"007"`` stays ``"007"``), except
surrounding spaces, and a column of text that is all float renderings
(``"1001.0"``, as ``df.to_csv`` writes a float column) is read as numbers.
A number with a fraction (``1.5``) cannot be an id: cutting it off would
silently attach a reply to another comment, so it is an error.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd

from .errors import CorpusError

_STR = pd.StringDtype(na_value=np.nan)  # pandas 3's default "str" dtype
#: Integers beyond this are not all exact as floats: such an id has already changed.
_EXACT = 2**53
_DECIMAL = r"-?\d+(?:\.\d+)?"
_FLOAT_TEXT = r"-?\d+\.0+"


def id_strings(values, what: str = "ids") -> pd.Series:
    """``values`` as a ``str`` Series of ids (missing stays NA), with the index kept.

    ``what`` names the column in error messages (e.g. ``"column 'parent_id'"``).
    Raises :class:`~threads.errors.CorpusError` for numbers with a fraction,
    floats too large to be exact, and booleans.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        _refuse(s, s.notna(), what, "true/false values, which are no ids")
    if pd.api.types.is_integer_dtype(dtype):
        return s.astype(_STR)
    if pd.api.types.is_float_dtype(dtype):
        return _from_floats(s.to_numpy(dtype=float, na_value=np.nan), s.index, what)
    if dtype == _STR or pd.api.types.is_string_dtype(dtype) and _all_text(s):
        return _from_text(s.astype(_STR), what)
    return _from_objects(s, what)


def _all_text(s: pd.Series) -> bool:
    return all(isinstance(v, str) for v in s.dropna().tolist())


def _from_floats(a: np.ndarray, index: pd.Index, what: str) -> pd.Series:
    present = ~np.isnan(a)
    with np.errstate(invalid="ignore"):
        fraction = present & ~(np.isfinite(a) & (a == np.floor(a)))
        huge = present & ~fraction & (np.abs(a) > _EXACT)
    s = pd.Series(a, index=index)
    if fraction.any():
        _refuse(s, fraction, what, "numbers with a fraction, which would be cut off as ids")
    if huge.any():
        _refuse(s, huge, what, "numbers beyond 2**53 stored as floats, so their last digits are lost; "
                               "read the table with dtype=str (e.g. pd.read_csv(path, dtype=str))")
    out = pd.Series(pd.array([pd.NA] * len(a), dtype=_STR), index=index)
    if present.any():
        out[present] = a[present].astype(np.int64).astype(str)
    return out


def _from_text(s: pd.Series, what: str) -> pd.Series:
    s = s.str.strip()
    present = s.notna()
    if not present.any():
        return s
    text = s[present]
    # all decimals and some rendered from floats ("1001.0"): numbers, not outline ids like "1.1"
    if text.str.fullmatch(_DECIMAL).all() and text.str.fullmatch(_FLOAT_TEXT).any():
        floats = pd.Series(np.nan, index=s.index)
        floats[present] = text.astype(float)
        return _from_floats(floats.to_numpy(), s.index, what)
    return s


def _from_objects(s: pd.Series, what: str) -> pd.Series:
    values = s.tolist()
    out: list[str | None] = []
    for i, v in enumerate(values):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            out.append(None)
        elif isinstance(v, (bool, np.bool_)):
            _refuse(s, pd.Series(np.arange(len(s)) == i, index=s.index), what,
                    "true/false values, which are no ids")
        elif isinstance(v, Integral):
            out.append(str(int(v)))
        elif isinstance(v, Real):
            single = _from_floats(np.array([float(v)]), pd.Index([s.index[i]]), what)
            out.append(single.iloc[0])
        else:
            out.append(str(v))
    strings = pd.Series(pd.array(out, dtype=_STR), index=s.index)
    return _from_text(strings, what)


def _refuse(s: pd.Series, bad, what: str, problem: str) -> None:
    rows = np.flatnonzero(np.asarray(bad))
    shown = ", ".join(f"{_show(s.iloc[r])} (row {r})" for r in rows[:5])
    raise CorpusError(f"{what} holds {problem}: {shown}" + (f" and {len(rows) - 5} more" if len(rows) > 5 else ""))



def _show(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return repr(v)
