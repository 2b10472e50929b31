"""One tidy table for R (quanteda, tidytext) and statistics packages: ``Corpus.to_csv`` / ``to_parquet``.

One row per unit, its document's columns beside it, and (with ``tags=``)
one column per category; the columns are listed in docs/corpus.md ("Tidy
tables"), in :data:`DOC_FIELDS` and :func:`tidy_table`. Times are UTC, in
columns named ``<name>_utc`` (as :mod:`threads.export` names them): without
a zone in the CSV (``2023-11-14 22:13:20``, which readr and
``as.POSIXct(tz = "UTC")`` read as UTC), as UTC timestamps in the Parquet
file. Lists and dicts become JSON text; true/false is ``TRUE``/``FALSE`` in
the CSV; missing values are empty cells (CSV) or nulls (Parquet).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._tags import tag_tables
from .errors import CorpusError
from .export import _plain_value
from .schema import ROLES, UNIT_COLUMNS

if TYPE_CHECKING:
    from .corpus import Corpus

#: Document columns added to each unit row: docs column -> tidy column.
DOC_FIELDS = {"outlet": "outlet", "outlet_kind": "outlet_kind", "title": "doc_title", "url": "doc_url",
              "published": "doc_published", "author": "doc_author", "language": "language",
              "source_format": "source_format"}


def tag_columns(units: pd.DataFrame, tags) -> pd.DataFrame:
    """``tag_<category>`` (1/0) for each category, then ``score_<category>``, then ``stance`` and
    ``stance_score`` when the tags have a stance table. A unit the tagger saw but found nothing in
    is 0; a unit it did not see (another role) is NA."""
    tables = tag_tables(tags, units["unit_id"])
    if tables is None:
        return pd.DataFrame(index=units.index)
    seen = set(tables.tags["unit_id"])
    ids = units["unit_id"].astype(str)
    out: dict[str, object] = {}
    present = tables.tags.pivot(index="unit_id", columns="category", values="present")
    score = tables.tags.pivot(index="unit_id", columns="category", values="score")
    tagged = ids.isin(seen)
    for c in tables.categories:
        p = ids.map(present[c].astype("Int64")) if c in present else pd.Series(pd.NA, index=units.index)
        out[f"tag_{c}"] = p.where(~tagged | p.notna(), 0).astype("Int64")
    for c in tables.categories:
        s = ids.map(score[c]) if c in score else pd.Series(pd.NA, index=units.index)
        out[f"score_{c}"] = s.where(~tagged | s.notna(), 0.0).astype("Float64")
    if len(tables.stance):
        st = tables.stance.set_index("unit_id")
        out["stance"] = ids.map(st["stance"]).astype("str")
        if "score" in st:
            out["stance_score"] = ids.map(st["score"]).astype("Float64")
    return pd.DataFrame(out, index=units.index)


def tidy_table(corpus: Corpus, tags=None, roles: Iterable[str] | None = None) -> pd.DataFrame:
    """The units (of ``roles``; default all) with their document's columns and the tags, times as ``*_utc``.

    Columns, in order: the unit columns (``threads.schema.UNIT_COLUMNS``,
    ``published`` as ``published_utc``), the document's columns of
    :data:`DOC_FIELDS` (``doc_published_utc``), any other unit columns, then
    from ``tags`` ``tag_<category>`` (1/0), ``score_<category>``, ``stance``
    and ``stance_score``.
    """
    units = corpus.units if roles is None else corpus.select(roles)
    if roles is not None and units.empty:
        raise CorpusError(f"no units of roles {', '.join(roles)}; roles are {', '.join(ROLES)}")
    docs = corpus.docs.set_index("doc_id")
    doc_cols = {new: units["doc_id"].map(docs[old]) for old, new in DOC_FIELDS.items() if old in docs}
    named = [c for c in units.columns if c in DOC_FIELDS.values()]
    if named:  # a unit column named like a document column would be ambiguous in R
        raise CorpusError(f"units: column(s) {', '.join(named)} clash with the document columns of the tidy table")
    table = units.assign(**doc_cols)
    ordered = [*UNIT_COLUMNS, *doc_cols, *(c for c in units.columns if c not in UNIT_COLUMNS)]
    table = pd.concat([table[ordered], tag_columns(units, tags)], axis=1)
    out: dict[str, object] = {}
    for col in table.columns:
        s = table[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[f"{col}_utc"] = s.dt.tz_convert("UTC")
        elif s.dtype == object:
            out[str(col)] = s.map(_plain_value)
        else:
            out[str(col)] = s
    return pd.DataFrame(out).reset_index(drop=True)


def to_csv(corpus: Corpus, path: str | os.PathLike, tags=None, roles: Iterable[str] | None = None) -> Path:
    """Write :func:`tidy_table` as UTF-8 CSV (times in UTC without a zone, ``TRUE``/``FALSE``)."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".tsv"):
        raise CorpusError(f"{path}: to_csv writes a CSV file; give a name ending in .csv (or .tsv)")
    table = tidy_table(corpus, tags, roles)
    for col in table.columns:
        s = table[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            table[col] = s.dt.tz_localize(None)
        elif pd.api.types.is_bool_dtype(s.dtype):
            table[col] = s.map({True: "TRUE", False: "FALSE"}).astype("str")
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, sep="\t" if path.suffix.lower() == ".tsv" else ",", encoding="utf-8")
    return path


def to_parquet(corpus: Corpus, path: str | os.PathLike, tags=None, roles: Iterable[str] | None = None) -> Path:
    """Write :func:`tidy_table` as one Parquet file (UTC timestamps, nullable integers)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if path.suffix.lower() != ".parquet":
        raise CorpusError(f"{path}: to_parquet writes a Parquet file; give a name ending in .parquet")
    table = tidy_table(corpus, tags, roles)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path)
    return path


__all__ = ["DOC_FIELDS", "tag_columns", "tidy_table", "to_csv", "to_parquet"]
