"""Record lists -> corpus tables with the schema's dtypes, column by column.

Parsers collect plain dicts; ``pd.DataFrame(records)`` then infers object
columns that :class:`~threads.corpus.Corpus` converts one by one again. Building
each column once with its final dtype (``str``, ``Int64``,
``datetime64[us, UTC]``) lets the Corpus take the frame as it is, which on a
typical article page is most of the cost of building its tables.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray, DatetimeArray, IntegerArray

from ..corpus import _STR, _UTC_US, Corpus, to_utc
from ..schema import (
    DOC_COLUMNS,
    DOC_INT,
    DOC_STR,
    PROBLEM_COLUMNS,
    ROLES,
    TIME_COLUMNS,
    UNIT_COLUMNS,
    UNIT_INT,
    UNIT_STR,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NAT = np.iinfo(np.int64).min
#: Unit columns a lost or article-side value leaves empty ("" rather than NA), as Corpus does.
_EMPTY_NOT_NA = frozenset(("text", "flags"))
_INT_TYPES = frozenset((int, np.int64))
_INT_OR_NONE = _INT_TYPES | {type(None)}


def _utc_times(values: list):
    """Aware datetimes (or None) -> a ``datetime64[us, UTC]`` array without per-value parsing."""
    if all(v is None or (isinstance(v, datetime) and v.tzinfo is not None) for v in values):
        us = np.array([_NAT if v is None else (v - _EPOCH) // _MICROSECOND for v in values], dtype=np.int64)
        try:  # pandas-internal, 20x cheaper than pd.array's checks; the values are built right here
            return DatetimeArray._simple_new(us.view("M8[us]"), dtype=_UTC_US)  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            return pd.array(us.view("M8[us]"), dtype=_UTC_US)
    return to_utc(pd.Series(values, dtype=object)).array


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _str_array(values: list):
    try:
        # pyarrow directly: pd.array(values, dtype="str") checks every value in Python first
        # (the dtype= keyword is not in pandas-stubs; TypeError covers a pandas that lacks it)
        return ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=True),
                                dtype=_STR)  # type: ignore[call-arg]
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # not all strings: let pandas convert
        return pd.array(values, dtype=_STR)


def _int_array(values: list):
    kinds = set(map(type, values))  # one C pass; bool is its own type, so it is not taken for int
    if kinds <= _INT_TYPES:
        return IntegerArray(np.array(values, dtype=np.int64), np.zeros(len(values), dtype=bool))
    if kinds <= _INT_OR_NONE:
        mask = np.array([v is None for v in values], dtype=bool)
        return IntegerArray(np.array([0 if v is None else v for v in values], dtype=np.int64), mask)
    return pd.to_numeric(pd.Series(values, dtype=object), errors="raise").astype("Int64").array


@functools.lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    """Column labels, built once per schema: a pandas 3 string Index costs ~0.1 ms to build
    (an Index is immutable, so frames can share it)."""
    return pd.Index(names)


def _frame(arrays: list, names: list[str], n: int) -> pd.DataFrame:
    """A frame of ready-made column arrays of length ``n``.

    ``DataFrame._from_arrays`` skips the dict constructor's per-column checks
    (4x faster on a one-row table); it is pandas-internal, so any failure
    falls back to the public constructor.
    """
    index = pd.RangeIndex(n)
    try:
        return pd.DataFrame._from_arrays(arrays, columns=_column_index(tuple(names)), index=index,  # type: ignore[attr-defined]
                                         verify_integrity=False)
    except (AttributeError, TypeError):
        return pd.DataFrame(dict(zip(names, arrays, strict=True)), index=index)


def records_frame(records: list[dict], columns, str_cols, int_cols, empty_not_na=frozenset()) -> pd.DataFrame:
    """A frame of ``records`` with ``columns`` first, each built once in its final dtype.

    Keys of the records that the schema does not name follow as extra columns
    (as ``pd.DataFrame(records)`` would keep them).
    """
    n = len(records)
    names = list(columns)
    seen = set(names)
    for r in records:
        if not seen.issuperset(r):
            for k in r:
                if k not in seen:
                    seen.add(k)
                    names.append(k)
    arrays = []
    for col in names:
        values = [r.get(col) for r in records]
        if col in str_cols:
            if col in empty_not_na:
                values = ["" if _missing(v) else v for v in values]
            arrays.append(_str_array(values))
        elif col in int_cols:
            arrays.append(_int_array(values))
        elif col in TIME_COLUMNS:
            arrays.append(_utc_times(values) if n else pd.array([], dtype=_UTC_US))
        else:
            arrays.append(pd.array(values))
    return _frame(arrays, names, n)


def unit_table(rows: list[dict]) -> pd.DataFrame:
    return records_frame(rows, UNIT_COLUMNS, UNIT_STR, UNIT_INT, _EMPTY_NOT_NA)


def doc_table(doc: dict) -> pd.DataFrame:
    return records_frame([doc], DOC_COLUMNS, DOC_STR, DOC_INT)


def problem_table(problems: list[dict]) -> pd.DataFrame:
    return records_frame(problems, PROBLEM_COLUMNS, PROBLEM_COLUMNS, ())


_ROLES = frozenset(ROLES)


def _ids_ok(doc: dict, rows: list[dict]) -> bool:
    """The checks Corpus makes on ids and roles, on the records (plain Python, no Series)."""
    doc_id = doc.get("doc_id")
    if not isinstance(doc_id, str):
        return False
    unit_ids = set()
    for r in rows:
        uid = r.get("unit_id")
        if not isinstance(uid, str) or uid in unit_ids or r.get("doc_id") != doc_id or r.get("role") not in _ROLES:
            return False
        unit_ids.add(uid)
    return True


def unique_id(uid: str, used: set[str], problems: list[dict], path, doc_id: str, where: str) -> str:
    """``uid``, or ``uid~2`` (``~3``, ...) when a page repeats it, with a ``duplicate_id`` problem row.

    The id is added to ``used``. Both copies are kept, as the thread builder
    of the structured formats does (docs/formats-platforms.md).
    """
    if uid in used:
        n = 2
        while f"{uid}~{n}" in used:
            n += 1
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": f"{uid}~{n}",
                         "problem": "duplicate_id",
                         "detail": f"the page repeats id {uid.split(':', 1)[-1]!r} ({where}); kept as {uid}~{n}"})
        uid = f"{uid}~{n}"
    used.add(uid)
    return uid


def corpus_from_records(doc: dict, rows: list[dict], problems: list[dict]) -> Corpus:
    """One document's Corpus from a parser's records, each column built once in its dtype.

    When the ids and roles pass the Corpus checks here, the new frames are
    handed over without the constructor's copy and second pass; otherwise the
    normal constructor runs and raises its usual errors.
    """
    docs, units, probs = doc_table(doc), unit_table(rows), problem_table(problems)
    if _ids_ok(doc, rows):
        return Corpus._adopt(docs, units, probs)
    return Corpus(docs=docs, units=units, problems=probs)
