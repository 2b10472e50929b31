"""CSV / TSV / JSONL tables of comments that are already structured.

The columns are recognised by name (case and spaces ignored): the text
(``text``, ``body``, ``comment``, ``message``, ``content``, ...), and where
present the id, parent, thread, author, time, subject and role columns. The
table then goes through :meth:`threads.Corpus.from_pandas`, so parents that
point nowhere and loops are repaired and flagged the same way. Unit ids are
``"{doc_id}:{id}"`` (the raw id is kept in ``platform_id``); a parent that
names the thread itself (Reddit's ``t3_`` link, an HN story id) means "top
level", and Reddit-style ``t1_`` prefixes are matched to bare ids. Columns
that map to nothing are kept as extra columns of ``units``, except those
named like a document's (outlet, url, title, ...) that hold one value per
thread: they go to ``docs``. Epoch times (seconds or milliseconds) are
converted to UTC.
"""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ..errors import CorpusError, FormatError
from ..from_pandas import DOC_ONLY, varying_documents
from ..ids import id_strings
from ..schema import ROLES, UNIT_COLUMNS
from . import Format, register
from ._json import load_json
from ._sniff import has_keys, json_mismatch

#: Accepted column names per field, most specific first.
COLUMNS = {
    "text": ("text", "body", "comment_text", "comment_body", "comment", "message", "content",
             "selftext", "post_text"),
    "unit_id": ("unit_id", "comment_id", "commentid", "id", "name", "post_id", "item_id"),
    "parent_id": ("parent_id", "parentid", "parent", "reply_to", "in_reply_to", "in_reply_to_id",
                  "parent_comment_id", "replyto"),
    "doc_id": ("doc_id", "thread_id", "thread", "article_id", "link_id", "story_id", "topic_id",
               "submission_id", "article", "article_url"),
    "author": ("author", "user", "username", "user_name", "author_name", "screen_name", "by", "creator"),
    "published": ("published", "created_utc", "created_at", "created", "timestamp", "date", "datetime",
                  "time", "posted_at", "comment_date"),
    "subject": ("subject", "comment_title"),
    "role": ("role",),
}
_NORM = re.compile(r"[^a-z0-9]+")
_REDDIT_PREFIX = re.compile(r"^t\d_")


def _norm(name) -> str:
    return _NORM.sub("_", str(name).strip().lower()).strip("_")


def _known(names) -> bool:
    normed = {_norm(n) for n in names}
    return any(c in normed for c in COLUMNS["text"])


def sniff(head: str, name: str) -> float:
    ext = Path(name).suffix.lower()
    # a table's extension outranks the plain-text fallback (0.5), not a matching text profile
    by_ext = 0.55 if ext in (".csv", ".tsv", ".jsonl", ".ndjson") else 0.0
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first:
        return by_ext
    if first.startswith("{"):
        try:
            record = json.loads(first)
        except ValueError:
            return by_ext
        return 0.6 if isinstance(record, dict) and _known(record) else by_ext
    if first.startswith("["):  # a JSON array of flat records; platform exports score higher
        return 0.4 if any(has_keys(head, n) for n in COLUMNS["text"]) else by_ext
    if first.startswith("<"):
        return by_ext
    for delim in (",", "\t", ";", "|"):
        try:
            fields = next(csv.reader([first], delimiter=delim))
        except csv.Error:  # e.g. a stray carriage return: not a table header
            return by_ext
        if len(fields) >= 2 and _known(fields):
            # Structure before site markers: rows that parse with the header's
            # width are a table, even when a cell quotes a site's page chrome.
            return 0.95 if _rows_fit(head, delim, len(fields)) else 0.6
    return by_ext


def _rows_fit(head: str, delim: str, width: int, rows: int = 20) -> bool:
    """Do the first ``rows`` records of ``head`` (at least one) parse with ``width`` fields?"""
    try:
        records = list(islice(csv.reader(io.StringIO(head.lstrip("\ufeff")), delimiter=delim), rows + 1))
    except csv.Error:
        return False
    body = records[1:]
    if len(body) > 1 and not head.endswith("\n"):
        body = body[:-1]  # the last record may be cut at the sniff limit
    return bool(body) and all(len(r) == width for r in body)


def read_table(text: str, path: Path) -> tuple[pd.DataFrame, str]:
    """The table in ``text`` and its kind: ``csv``, ``jsonl`` or ``json``.

    A CSV's values are strings; JSON values are kept as the JSON gave them
    (so an id ``1.5`` can be told from ``"1.5"``): :func:`parse` turns the id
    columns into ids and every other column into strings.
    """
    body = text.lstrip("\ufeff")
    if body.lstrip().startswith("["):
        records = load_json(body, path, "a JSON array of flat records")
        hint = json_mismatch(records, text, path, "tabular")
        flat = isinstance(records, list) and records and all(isinstance(r, dict) for r in records)
        if not flat or hint.startswith("this looks like"):  # e.g. a platform export read as a table
            raise FormatError(path, f"expected a CSV/TSV/JSONL table or a JSON array of flat records; {hint}")
        return pd.DataFrame(records, dtype=object), "json"
    if body.lstrip().startswith("{"):
        records = []
        for n, line in enumerate(body.splitlines(), start=1):
            if line.strip():
                rec = load_json(line, f"{path}, line {n}", "one JSON object per line (JSONL)")
                if not isinstance(rec, dict):
                    raise FormatError(path, f"line {n}: expected a JSON object, found {type(rec).__name__}")
                records.append(rec)
        return pd.DataFrame(records, dtype=object), "jsonl"
    first = body.split("\n", 1)[0]
    delim = "\t" if path.suffix.lower() == ".tsv" else max((",", "\t", ";", "|"), key=first.count)
    try:
        df = pd.read_csv(io.StringIO(body), sep=delim, dtype="str", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise FormatError(path, f"not a readable CSV table: {str(exc).strip()}") from None
    return df, "csv"


def _as_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Every value as a string (nested values as JSON), missing as NA: ids must not become floats."""
    out = df.copy()
    for col in out.columns:
        out[col] = out[col].map(lambda v: pd.NA if v is None or (isinstance(v, float) and v != v) else (
            json.dumps(v) if isinstance(v, (dict, list)) else str(v))).astype("str")
    return out


def map_columns(columns, path) -> dict[str, str]:
    """Field -> column of the table; a :class:`FormatError` lists the columns if no text column is found."""
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(_norm(c), c)
    mapping: dict[str, str] = {}
    for field, names in COLUMNS.items():
        for n in names:
            col = by_norm.get(n)
            if col is not None and col not in mapping.values():
                mapping[field] = col
                break
    if "text" not in mapping:
        raise FormatError(path, (
            f"cannot find the comment text column; the table has: {', '.join(map(str, columns))}. "
            f"Name it one of {', '.join(COLUMNS['text'])}, or build the corpus yourself with "
            "threads.Corpus.from_pandas(df, text=..., doc_id=..., unit_id=..., parent_id=...)"))
    return mapping


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    df, kind = read_table(text, path)
    if df.empty:
        raise FormatError(path, "the table has no rows")
    m = map_columns(df.columns, path)
    ids = {field: _ids(df[m[field]], path) for field in ("doc_id", "unit_id", "parent_id") if field in m}
    df = _as_strings(df) if kind != "csv" else df
    out = pd.DataFrame(index=df.index)
    out["doc_id"] = ids["doc_id"].fillna(doc_id) if "doc_id" in m else doc_id
    out["text"] = df[m["text"]].fillna("")
    raw_ids = ids["unit_id"] if "unit_id" in m else pd.Series(
        np.arange(len(df)).astype(str), index=df.index, dtype="str")
    out["platform_id"] = raw_ids
    out["unit_id"] = out["doc_id"] + ":" + raw_ids
    if "parent_id" in m:
        out["parent_id"] = _parents(ids["parent_id"], raw_ids, out["doc_id"], doc_id)
    for field in ("author", "subject"):
        if field in m:
            out[field] = df[m[field]]
    if "published" in m:  # read (and bad ones flagged) by from_pandas, with the one time rule
        out["published"] = df[m["published"]]
    if "role" in m and set(df[m["role"]].dropna()) <= set(ROLES) and df[m["role"]].notna().all():
        out["role"] = df[m["role"]]
    else:
        m.pop("role", None)
    doc_columns = _document_columns(df, m, out["doc_id"])
    for col, name in doc_columns.items():
        out[f"doc:{name}"] = df[col]
    try:
        corpus = Corpus.from_pandas(
            out, doc_id="doc_id", unit_id="unit_id", text="text",
            doc_columns={f"doc:{name}": name for name in doc_columns.values()},
            parent_id="parent_id" if "parent_id" in out else None,
            role="role" if "role" in out else None,
            author="author" if "author" in out else None,
            published="published" if "published" in out else None,
            subject="subject" if "subject" in out else None, source=str(path))
    except CorpusError as exc:
        raise FormatError(path, str(exc).replace("from_pandas: ", "")) from None
    units = corpus.units.copy()
    units["platform_id"] = out["platform_id"].to_numpy()
    # where each row came from: a JSONL line, a JSON pointer, or the CSV data row (header excluded)
    template = {"jsonl": "line {n}", "json": "/{i}"}.get(kind, "row {n}")
    units["locator"] = [template.format(i=i, n=i + 1) for i in range(len(units))]
    used = set(m.values()) | set(doc_columns)
    for col in df.columns:  # unmapped columns ride along, so nothing of the user's table is lost
        if col not in used:
            name = str(col) if str(col) not in UNIT_COLUMNS else f"source_{col}"
            units[name] = df[col].to_numpy()
    docs = corpus.docs.copy()
    docs["source_format"] = kind
    return Corpus(docs=docs, units=units, problems=corpus.problems)


def _document_columns(df: pd.DataFrame, m: dict[str, str], doc_ids: pd.Series) -> dict[str, str]:
    """Unmapped columns named like a document's (outlet, url, title, ...) that hold one value per
    document, -> their docs column; they go to ``docs`` rather than ride along on every comment."""
    found: dict[str, str] = {}
    used = set(m.values())
    for col in df.columns:
        name = _norm(col)
        if col not in used and name in DOC_ONLY and name not in found.values() \
                and not varying_documents(df[col], doc_ids):
            found[col] = name
    return found


def _ids(values: pd.Series, path: Path) -> pd.Series:
    """An id column as text ids (``1001``, ``1001.0`` and ``"1001"`` alike), as from_pandas makes them."""
    try:
        return id_strings(values, f"column {values.name!r}")
    except CorpusError as exc:
        raise FormatError(path, str(exc)) from None


def _parents(parents: pd.Series, ids: pd.Series, docs: pd.Series, file_doc: str) -> pd.Series:
    out = parents.copy()
    ids_prefixed = ids.dropna().str.match(_REDDIT_PREFIX).any()
    if not ids_prefixed:
        out = out.str.replace(_REDDIT_PREFIX, "", regex=True)
    raw_doc = docs.str.replace(_REDDIT_PREFIX, "", regex=True)
    top = out.isna() | (out == "") | (out == "0") | (out == docs) | (out == raw_doc)
    return (docs + ":" + out).where(~top, pd.NA)


register(Format(
    name="tabular",
    description="CSV/TSV/JSONL of already-structured comments (columns recognised by name)",
    sniff=sniff, parse=parse, extensions=(".csv", ".tsv", ".jsonl", ".ndjson"),
))
