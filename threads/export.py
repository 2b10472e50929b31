"""A corpus as an Excel workbook or as Stata files (:meth:`Corpus.to_excel`, :meth:`Corpus.to_stata`).

Both programs lack what the corpus tables use: neither stores a time zone,
Stata has no missing string, no boolean, and names its variables with at most
32 letters, digits and underscores. What changes on the way out:

- times (``published``, and any time-zone-aware column) are written in UTC
  without a zone, and the column is renamed ``<name>_utc``;
- nested values (lists, dicts from a JSON export) are written as JSON text;
- in Excel, control characters it cannot hold are removed (with a warning),
  and a text beyond its 32,767 characters per cell is cut there (with a
  warning naming the rows; the saved corpus keeps the whole text);
- in Stata, missing text is ``""``, true/false is 1/0, long texts are
  ``strL``, and names are made valid (``end`` -> ``end_``) and unique, with the
  original name kept as the variable label.

Save with :meth:`Corpus.save` for a lossless copy; these files are for
reading and coding in those programs.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import CorpusError, ThreadframeWarning

if TYPE_CHECKING:
    from .corpus import Corpus

EXCEL_MAX_ROWS = 1_048_575  # plus the header row
EXCEL_MAX_CHARS = 32_767
STATA_NAME_CHARS = 32
STATA_LABEL_CHARS = 80
STATA_FIXED_BYTES = 2045  # longer texts must be strL
#: Characters an .xlsx cell cannot hold (openpyxl refuses them).
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Stata's reserved words, which are no variable names.
_RESERVED_WORDS = (
    "aggregate array boolean break byte case catch class colvector complex const continue default "
    "delegate delete do double else eltypedef end enum explicit export external float for friend "
    "function global goto if inline int local long NULL pragma protected quad rowvector short typedef "
    "typename virtual _all _N _skip _b _pi str# in _pred strL _coef _rc using _cons _se with _n")
_STATA_RESERVED = frozenset(_RESERVED_WORDS.split())


def _tables(corpus: Corpus) -> dict[str, pd.DataFrame]:
    tables = {"docs": corpus.docs, "units": corpus.units}
    if len(corpus.problems):
        tables["problems"] = corpus.problems
    return tables


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Times as naive UTC (renamed ``<name>_utc``) and nested values as JSON text."""
    data: dict[str, object] = {}
    for col in table.columns:
        s = table[col]
        name = str(col)
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s, name = s.dt.tz_convert("UTC").dt.tz_localize(None), f"{name}_utc"
        elif s.dtype == object:
            s = s.map(_plain_value)
        data[name] = s
    return pd.DataFrame(data, index=table.index)


def _plain_value(v):
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, pd.Timestamp) and v.tzinfo is not None:
        return v.tz_convert("UTC").tz_localize(None)
    return v


# ---------------------------------------------------------------------- Excel
def to_excel(corpus: Corpus, path: str | os.PathLike) -> Path:
    """Write ``docs``, ``units`` and (when there are any) ``problems`` as sheets of one .xlsx file."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise CorpusError(f"{path}: to_excel writes an Excel workbook; give a name ending in .xlsx")
    try:
        import openpyxl  # noqa: F401  (pandas' engine; imported here for a clear message)
    except ImportError:
        raise CorpusError("to_excel needs openpyxl: pip install 'threadframe[excel]' "
                          "(or use Corpus.save(..., format='csv'))") from None
    sheets = {}
    for name, table in _tables(corpus).items():
        if len(table) > EXCEL_MAX_ROWS:
            raise CorpusError(f"{path}: the {name} table has {len(table):,} rows, more than an Excel sheet "
                              f"holds ({EXCEL_MAX_ROWS:,}); use Corpus.to_stata or Corpus.save")
        sheets[name] = _excel_cells(_plain(table), name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, index=False)
    return path


def _excel_cells(table: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """Text an Excel cell can hold: illegal control characters out, at most 32,767 characters."""
    removed = cells = 0
    cut: list[str] = []
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        text = s.astype(object)
        strings = text.map(lambda v: isinstance(v, str))
        if not strings.any():
            continue
        counts = text[strings].str.count(_EXCEL_ILLEGAL.pattern)
        if counts.any():
            removed += int(counts.sum())
            cells += int((counts > 0).sum())
            text[strings] = text[strings].str.replace(_EXCEL_ILLEGAL, "", regex=True)
        too_long = text[strings].str.len() > EXCEL_MAX_CHARS
        if too_long.any():
            ids = out["unit_id"] if "unit_id" in out else pd.Series(out.index.astype(str), index=out.index)
            cut += [f"{col} of {i}" for i in ids[too_long[too_long].index].astype(str).tolist()[:5]]
            text[too_long[too_long].index] = text[too_long[too_long].index].str.slice(0, EXCEL_MAX_CHARS)
        out[col] = text
    if removed:
        warnings.warn(f"to_excel: removed {removed} control character(s) Excel cannot hold from "
                      f"{cells} cell(s) of the {sheet} sheet", ThreadframeWarning, stacklevel=3)
    if cut:
        warnings.warn(f"to_excel: cut text longer than Excel's {EXCEL_MAX_CHARS:,} characters per cell "
                      f"in the {sheet} sheet ({', '.join(cut)}); the saved corpus keeps the whole text",
                      ThreadframeWarning, stacklevel=3)
    return out


# ---------------------------------------------------------------------- Stata
def to_stata(corpus: Corpus, directory: str | os.PathLike, prefix: str = "") -> dict[str, Path]:
    """Write ``{prefix}docs.dta``, ``{prefix}units.dta`` and (when there are any)
    ``{prefix}problems.dta`` into ``directory`` (Stata 14+ format, Unicode).

    Returns the path of each table's file, by table name.
    """
    d = Path(directory)
    if d.suffix.lower() == ".dta":
        raise CorpusError(f"{d}: to_stata writes one .dta file per table; give a folder "
                          "(and prefix= for the file names)")
    d.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in _tables(corpus).items():
        data, labels, strl = _stata_table(_plain(table))
        path = d / f"{prefix}{name}.dta"
        data.to_stata(path, write_index=False, version=118, variable_labels=labels, convert_strl=strl,
                      data_label=f"threadframe corpus: {name}"[:STATA_LABEL_CHARS])
        written[name] = path
    return written


def _stata_table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Columns Stata can store, valid unique names, labels with the original names."""
    names = _stata_names([str(c) for c in table.columns])
    data: dict[str, object] = {}
    labels: dict[str, str] = {}
    strl: list[str] = []
    for col, name in zip(table.columns, names, strict=True):
        s = table[col]
        label = str(col)
        if pd.api.types.is_bool_dtype(s.dtype):
            s = s.astype("Int8")
        elif pd.api.types.is_datetime64_dtype(s.dtype):
            s = s.astype("datetime64[ms]")  # pandas writes datetime columns as Stata's %tc
            label = f"{col[:-4] if str(col).endswith('_utc') else col} (UTC)"
        elif pd.api.types.is_extension_array_dtype(s.dtype) and pd.api.types.is_float_dtype(s.dtype):
            s = s.astype(float)
        elif not pd.api.types.is_numeric_dtype(s.dtype):
            s = _stata_strings(s)
            if s.dtype == object and max(map(_utf8_len, s.tolist()), default=0) > STATA_FIXED_BYTES:
                strl.append(name)
        data[name] = s
        labels[name] = label[:STATA_LABEL_CHARS]
    return pd.DataFrame(data, index=table.index), labels, strl


def _stata_strings(s: pd.Series) -> pd.Series:
    """Text with missing as "" (Stata's missing string); numbers in an object column stay numbers."""
    values = s.astype(object)
    present = values.notna()
    if present.any() and all(isinstance(v, (int, float, np.integer, np.floating)) and
                             not isinstance(v, (bool, np.bool_)) for v in values[present]):
        return pd.to_numeric(values, errors="coerce")
    return pd.Series([v if isinstance(v, str) else "" if _missing(v) else str(v) for v in values],
                     index=s.index, dtype=object)


def _utf8_len(v: str) -> int:
    return len(v.encode("utf-8"))


def _missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _stata_names(columns: list[str]) -> list[str]:
    """Valid Stata names: letters, digits, _; not a digit first; at most 32; no reserved word; unique."""
    out: list[str] = []
    taken: set[str] = set()
    for col in columns:
        name = re.sub(r"__+", "_", re.sub(r"\W", "_", col, flags=re.ASCII)).rstrip("_") or "var"
        if name[0].isdigit():
            name = f"_{name}"
        name = name[:STATA_NAME_CHARS]
        if name in _STATA_RESERVED or re.fullmatch(r"str\d+", name):
            name = f"{name[:STATA_NAME_CHARS - 1]}_"
        base, n = name, 1
        while name.lower() in taken:  # Stata names are case-sensitive, but keep them apart anyway
            n += 1
            name = f"{base[:STATA_NAME_CHARS - len(str(n)) - 1]}_{n}"
        taken.add(name.lower())
        out.append(name)
    return out
