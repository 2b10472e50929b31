"""The user's own tables -> a Corpus (the work behind :meth:`Corpus.from_pandas`).

Two tables, either or both:

- ``units``: one row per text unit, usually comments. Its columns are named
  by the keyword arguments (``text=``, ``doc_id=``, ``unit_id=``, ...).
  Columns that describe the document rather than the comment (named
  ``outlet``, ``outlet_kind``, ``title``, ``url`` or ``language``, or named in
  ``doc_columns``) move to ``docs``; each must hold one value per document.
- ``articles``: one row per document: its ``doc_id`` column and any of
  ``outlet``, ``outlet_kind``, ``title``, ``url``, ``published``, ``author``,
  ``language`` and ``text`` (``article_columns`` maps these names to the
  table's own). The title becomes a ``title`` unit, the text ``body`` units,
  one per paragraph (split at blank lines, or at line breaks when it has
  none); other columns are kept as extra columns of ``docs``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import CorpusError
from .ids import id_strings
from .schema import PROBLEM_COLUMNS, ROLES
from .times import PROBLEM, bad_time_rows, parse_time_column
from .tree import repair_reply_tree

if TYPE_CHECKING:
    from .corpus import Corpus

#: Fields an articles table can give (plus ``doc_id``), by their docs column name.
ARTICLE_FIELDS = ("outlet", "outlet_kind", "title", "url", "published", "author", "language", "text")
#: Columns of a comments table that describe its document by their name alone
#: (not ``author`` or ``published``: a comment has its own).
DOC_ONLY = ("outlet", "outlet_kind", "title", "url", "language")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_EMPTY_UNITS = ("doc_id", "unit_id", "role", "parent_id", "text", "locator", "flags")


def build(cls: type[Corpus], units: pd.DataFrame | None, articles: pd.DataFrame | None, *,
          fields: dict[str, str | None], default_role: str, doc_columns, article_columns, source: str) -> Corpus:
    """A Corpus of ``units`` (comments) and ``articles``; see the module docstring."""
    if units is None and articles is None:
        raise CorpusError("from_pandas: give a table of units (comments), of articles, or both")
    doc_key = fields["doc_id"] or "doc_id"
    if articles is None:
        comments, docs = _comment_units(units, fields, default_role, doc_columns)
        article_units = comments.iloc[:0]
    else:
        comment_docs = None
        if units is not None:
            comments, comment_docs = _comment_units(units, fields, default_role, doc_columns)
        else:
            comments = pd.DataFrame({c: pd.Series(dtype="str") for c in _EMPTY_UNITS})
        docs, article_units = _articles(articles, doc_key, article_columns)
        docs = _merge(docs, comment_docs, comments["doc_id"])
    out = _together(article_units, comments)
    out, problem_rows = repair_reply_tree(out)
    problems = pd.DataFrame(problem_rows, columns=[c for c in PROBLEM_COLUMNS if c != "source_path"])
    problems.insert(0, "source_path", source)
    out, docs, problems = _times(out, docs, problems, source)
    if "source_format" not in docs.columns:
        docs["source_format"] = "dataframe"
    if "source_path" not in docs.columns:
        docs["source_path"] = source
    return cls(docs=docs, units=out, problems=problems)


def _times(units: pd.DataFrame, docs: pd.DataFrame, problems: pd.DataFrame, source: str):
    """Times by the readers' one rule (:mod:`threads.times`): numbers are epochs
    (seconds, or milliseconds where more of the column is plausible so), not
    nanoseconds; implausible or unreadable ones become NaT, the unit flagged
    ``bad_date`` with a problem row quoting the value."""
    if "published" in units.columns:
        times, reasons = parse_time_column(units["published"])
        units = units.assign(published=times.to_numpy())
        if any(reasons):
            flags, problems = bad_time_rows(units, problems, reasons, source)
            units = units.assign(flags=flags)
    if "published" in docs.columns:
        times, reasons = parse_time_column(docs["published"])
        docs = docs.assign(published=times.to_numpy())
        rows = [{"source_path": source, "doc_id": d, "unit_id": pd.NA, "problem": PROBLEM,
                 "detail": f"published: {why}"} for d, why in zip(docs["doc_id"], reasons, strict=True) if why]
        if rows:
            problems = pd.concat([problems, pd.DataFrame(rows)], ignore_index=True)
    return units, docs, problems


# ---------------------------------------------------------------- comments
def _comment_units(units, fields: dict[str, str | None], default_role: str, doc_columns):
    if not isinstance(units, pd.DataFrame):
        raise CorpusError(f"from_pandas: expected a pandas DataFrame, got {type(units).__name__}")
    missing = [f"{k}={v!r}" for k, v in fields.items() if v is not None and v not in units.columns]
    if missing:
        raise CorpusError(
            f"from_pandas: column(s) not found: {', '.join(missing)}; "
            f"the table has: {', '.join(map(str, units.columns))}")
    out = pd.DataFrame({k: units[v].reset_index(drop=True) for k, v in fields.items() if v is not None})
    for key in ("doc_id", "unit_id", "parent_id"):  # 1001, 1001.0 and "1001" are one id
        if key in out:
            out[key] = id_strings(out[key], f"from_pandas: column {fields[key]!r}")
    doc_id, unit_id = fields["doc_id"], fields["unit_id"]
    if out["doc_id"].isna().any():
        rows = np.flatnonzero(out["doc_id"].isna())[:5].tolist()
        raise CorpusError(f"from_pandas: {doc_id!r} is empty in rows {rows}")
    if unit_id is None:
        out["unit_id"] = out["doc_id"] + ":" + out.groupby("doc_id", sort=False).cumcount().astype("str")
    if out["unit_id"].isna().any():
        raise CorpusError(f"from_pandas: {unit_id!r} is empty in {int(out['unit_id'].isna().sum())} rows")
    dup = out["unit_id"][out["unit_id"].duplicated(keep=False)]
    if len(dup):
        raise CorpusError(
            f"from_pandas: {dup.nunique()} duplicate unit id(s) in {unit_id or 'generated ids'!r}, "
            f"e.g. {', '.join(map(repr, dup.unique()[:5]))}")
    if fields["role"] is None:
        out["role"] = default_role
    if fields["parent_id"] is None:
        out["parent_id"] = pd.NA
    else:
        out["parent_id"] = out["parent_id"].where(out["parent_id"] != "")
    bad_roles = sorted(set(out["role"].dropna().astype(str)) - set(ROLES))
    if bad_roles or out["role"].isna().any():
        raise CorpusError(f"from_pandas: unknown role(s) {bad_roles or ['<empty>']}; roles are {', '.join(ROLES)}")
    out["text"] = out["text"].astype("str").fillna("")
    out["locator"] = "row " + pd.Series(np.arange(len(out))).astype("str")
    out["flags"] = ""
    docs = document_columns(units.reset_index(drop=True), out["doc_id"],
                            _doc_columns(units, fields, doc_columns))
    return out, docs


def _doc_columns(units: pd.DataFrame, fields, doc_columns) -> dict[str, str]:
    """Column of the comments table -> docs column it moves to."""
    if doc_columns is None:
        used = {v for v in fields.values() if v is not None}
        return {c: c for c in DOC_ONLY if c in units.columns and c not in used}
    named = dict(doc_columns) if isinstance(doc_columns, Mapping) else {c: c for c in doc_columns}
    missing = [c for c in named if c not in units.columns]
    if missing:
        raise CorpusError(f"from_pandas: doc_columns {missing} not in the table; "
                          f"it has: {', '.join(map(str, units.columns))}")
    if "doc_id" in named.values():
        raise CorpusError("from_pandas: doc_columns cannot stand for doc_id; name it with doc_id=")
    return named


def document_columns(table: pd.DataFrame, doc_ids: pd.Series, columns: Mapping[str, str]) -> pd.DataFrame:
    """One row per document (in order of first appearance) with ``columns`` of ``table``
    renamed to their docs names; a :class:`CorpusError` where one holds two values for a document."""
    docs = pd.DataFrame({"doc_id": doc_ids.unique()})
    for col, name in columns.items():
        values = table[col].reset_index(drop=True)
        varies = varying_documents(values, doc_ids)
        if len(varies):
            doc = varies[0]
            shown = values[doc_ids == doc].dropna().astype(str).unique()[:3]
            raise CorpusError(
                f"from_pandas: column {col!r} holds more than one value for document {doc!r} "
                f"({', '.join(map(repr, shown))}); a column that moves to docs needs one value per "
                "document (name the columns to move with doc_columns=[...], or doc_columns=[] for none)")
        first = values.groupby(doc_ids.to_numpy(), sort=False).first()
        docs[name] = first.reindex(docs["doc_id"]).to_numpy()
    return docs


def varying_documents(values: pd.Series, doc_ids: pd.Series) -> list[str]:
    """The documents for which ``values`` holds more than one value (missing ignored)."""
    counts = values.reset_index(drop=True).groupby(doc_ids.to_numpy(), sort=False).nunique(dropna=True)
    return counts.index[counts > 1].tolist()


# ---------------------------------------------------------------- articles
def _articles(articles, doc_key: str, article_columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not isinstance(articles, pd.DataFrame):
        raise CorpusError(f"from_pandas: articles must be a pandas DataFrame, got {type(articles).__name__}")
    named = dict(article_columns or {})
    unknown = sorted(set(named) - {"doc_id", *ARTICLE_FIELDS})
    if unknown:
        raise CorpusError(f"from_pandas: article_columns: unknown field {unknown[0]!r}; the fields are "
                          f"doc_id, {', '.join(ARTICLE_FIELDS)}")
    absent = {k: v for k, v in named.items() if v not in articles.columns}
    if absent:
        k, v = next(iter(absent.items()))
        raise CorpusError(f"from_pandas: article_columns {k}={v!r}: {v!r} is not in the articles table; "
                          f"it has: {', '.join(map(str, articles.columns))}")
    key = named.get("doc_id", doc_key)
    if key not in articles.columns:
        raise CorpusError(f"from_pandas: the articles table has no {key!r} column (the document id); "
                          f"it has: {', '.join(map(str, articles.columns))}")
    table = articles.reset_index(drop=True)
    ids = id_strings(table[key], f"from_pandas: articles column {key!r}")
    if ids.isna().any():
        raise CorpusError(f"from_pandas: articles column {key!r} is empty in rows "
                          f"{np.flatnonzero(ids.isna())[:5].tolist()}")
    if ids.duplicated().any():
        raise CorpusError(f"from_pandas: duplicate document id(s) in the articles table: "
                          f"{', '.join(map(repr, ids[ids.duplicated()].unique()[:5]))}")
    source_of = {f: named.get(f, f) for f in ARTICLE_FIELDS if named.get(f, f) in table.columns}
    docs = pd.DataFrame({"doc_id": ids})
    for field, col in source_of.items():
        if field != "text":
            docs[field] = table[col].array
    for col in table.columns:  # the rest rides along
        if col != key and col not in source_of.values() and col not in docs.columns:
            docs[col] = table[col].array
    titles = table[source_of["title"]] if "title" in source_of else pd.Series(pd.NA, index=table.index)
    texts = table[source_of["text"]] if "text" in source_of else pd.Series(pd.NA, index=table.index)
    return docs, _article_units(ids.tolist(), titles.tolist(), texts.tolist())


def _article_units(ids: list[str], titles: list, texts: list) -> pd.DataFrame:
    rows: list[dict] = []
    for i, (doc, title, text) in enumerate(zip(ids, titles, texts, strict=True)):
        if isinstance(title, str) and title.strip():
            rows.append({"doc_id": doc, "unit_id": f"{doc}:title", "role": "title", "text": title.strip(),
                         "locator": f"article row {i}, title"})
        if isinstance(text, str):
            for n, (start, end) in enumerate(paragraphs(text), start=1):
                rows.append({"doc_id": doc, "unit_id": f"{doc}:p{n}", "role": "body", "text": text[start:end],
                             "start": start, "end": end, "locator": f"article row {i}, paragraph {n}"})
    out = pd.DataFrame(rows, columns=["doc_id", "unit_id", "role", "text", "start", "end", "locator"])
    out["parent_id"] = pd.NA
    out["flags"] = ""
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``text``: split at blank lines, or at line
    breaks when it has none; surrounding whitespace is not part of a paragraph."""
    splitter = _BLANK_LINES if _BLANK_LINES.search(text) else re.compile(r"\n")
    spans, start = [], 0
    for m in [*splitter.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        if m:
            start = m.end()
    return spans


def _merge(docs: pd.DataFrame, comment_docs: pd.DataFrame | None, comment_doc_ids: pd.Series) -> pd.DataFrame:
    """The articles' docs, with what the comments table says about them filled in (and checked)."""
    known = set(docs["doc_id"])
    stray = [d for d in comment_doc_ids.unique() if d not in known]
    if stray:
        raise CorpusError(f"from_pandas: {len(stray)} document id(s) of the units table are not in the "
                          f"articles table: {', '.join(map(repr, stray[:5]))}")
    if comment_docs is None:
        return docs
    theirs = comment_docs.set_index("doc_id").reindex(docs["doc_id"])
    for col in theirs.columns:
        extra = pd.Series(theirs[col].to_numpy(), index=docs.index)
        if col not in docs.columns:
            docs[col] = extra.to_numpy()
            continue
        ours = docs[col]
        clash = ours.notna() & extra.notna() & (ours.astype(str) != extra.astype(str))
        if clash.any():
            i = int(np.flatnonzero(clash)[0])
            raise CorpusError(
                f"from_pandas: column {col!r} disagrees with the articles table for document "
                f"{docs['doc_id'].iloc[i]!r}: {ours.iloc[i]!r} there, {extra.iloc[i]!r} in the units table; "
                f"a document has one {col}")
        docs[col] = ours.where(ours.notna(), extra)
    return docs


def _together(article_units: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """Article units first, then the comments in their table order; positions count
    within each document, article units before its comments."""
    out = pd.concat([article_units, comments], ignore_index=True) if len(article_units) else comments.copy()
    out["position"] = out.groupby("doc_id", sort=False).cumcount()  # in row order: articles first
    return out
