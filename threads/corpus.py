"""The Corpus: the ``docs`` and ``units`` tables that join ingest and analysis.

A Corpus is immutable: every method returns new tables or a new Corpus.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CorpusError, SchemaError
from .schema import (
    CONTENT_ROLES,
    DOC_COLUMNS,
    DOC_INT,
    DOC_STR,
    PROBLEM_COLUMNS,
    ROLES,
    SCHEMA_VERSION,
    TIME_COLUMNS,
    UNIT_COLUMNS,
    UNIT_INT,
    UNIT_STR,
)
from .storage import SAVE_FORMATS, read_table, write_table

_STR = pd.StringDtype(na_value=np.nan)  # pandas 3's default "str" dtype
_UTC_US = pd.DatetimeTZDtype("us", "UTC")


def _normalise(df: pd.DataFrame, columns: Iterable[str], str_cols, int_cols) -> pd.DataFrame:
    """Return ``df`` with the schema's columns first and the schema's dtypes.

    Built column by column into one new frame (no repeated inserts), and a
    column already of the right dtype is taken as it is: parsers build many
    small corpora, so this constructor is on every parser's hot path.
    """
    n = len(df)
    if _already_normal(df, columns, str_cols, int_cols):
        # a shallow copy: copy-on-write keeps the caller's frame and ours apart
        return df.copy(deep=False)
    data: dict[str, object] = {}
    for col in columns:
        present = col in df.columns
        values = df[col] if present else None
        if col in str_cols:
            if values is None or values.isna().all():
                data[col] = pd.array([pd.NA] * n, dtype=_STR)
            elif values.dtype == _STR:
                data[col] = values.array
            else:
                data[col] = values.astype(_STR).array
        elif col in int_cols:
            if values is None:
                data[col] = pd.array([pd.NA] * n, dtype="Int64")
            elif values.dtype == "Int64":
                data[col] = values.array
            else:
                data[col] = pd.to_numeric(values, errors="raise").astype("Int64").array
        elif col in TIME_COLUMNS:
            if values is None or (values.dtype == object and values.isna().all()):
                data[col] = pd.array([pd.NaT] * n, dtype=_UTC_US)
            else:
                data[col] = to_utc(values).array
        else:
            data[col] = values.array if values is not None else pd.array([pd.NA] * n)
    for col in df.columns:
        if col not in data:
            data[col] = df[col].array
    return pd.DataFrame(data, index=pd.RangeIndex(n))


_INT64 = pd.Int64Dtype()


def _already_normal(df: pd.DataFrame, columns, str_cols, int_cols) -> bool:
    """True when ``df`` has the schema's columns first, in order, each of its dtype.

    Checked on the column names and dtypes only (no per-column Series), so a
    parser that builds typed columns (threads.formats._tables) pays next to
    nothing here.
    """
    columns = tuple(columns)
    names = df.columns.tolist()
    if tuple(names[:len(columns)]) != columns or not isinstance(df.index, pd.RangeIndex):
        return False
    if df.index.start != 0 or df.index.step != 1:
        return False
    for col, dtype in zip(columns, df.dtypes.tolist()[:len(columns)], strict=True):
        if col in str_cols:
            if dtype != _STR:
                return False
        elif col in int_cols:
            if dtype != _INT64:
                return False
        elif col in TIME_COLUMNS and dtype != _UTC_US:
            return False
    return True


def to_utc(values) -> pd.Series:
    """Parse timestamps to timezone-aware UTC; unparseable values become NaT."""
    s = pd.Series(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        s = s.dt.tz_localize("UTC")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = pd.to_datetime(s, utc=True, errors="coerce", format="mixed")
    return s.dt.as_unit("us")  # one resolution, so every save format round-trips


@dataclass(frozen=True, repr=False)
class Corpus:
    """Documents and their text units (article paragraphs, comments, ...).

    Build one with :func:`threads.read`, :func:`threads.sample_corpus`,
    :meth:`Corpus.from_pandas` or :meth:`Corpus.load`.

    Attributes
    ----------
    docs : DataFrame, one row per document (columns: ``threads.schema.DOC_COLUMNS``)
    units : DataFrame, one row per text unit (columns: ``threads.schema.UNIT_COLUMNS``)
    problems : DataFrame of what was repaired or quarantined while building it
    """

    docs: pd.DataFrame
    units: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def __post_init__(self) -> None:
        docs = _normalise(self.docs, DOC_COLUMNS, DOC_STR, DOC_INT)
        units = _normalise(self.units, UNIT_COLUMNS, UNIT_STR, UNIT_INT)
        for col in ("flags", "text"):  # a lost comment keeps its row with text ""
            if units[col].hasnans:
                units[col] = units[col].fillna("")
        problems = _normalise(self.problems, PROBLEM_COLUMNS, PROBLEM_COLUMNS, ())
        _validate(docs, units)
        object.__setattr__(self, "docs", docs)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "problems", problems)

    @classmethod
    def _adopt(cls, docs: pd.DataFrame, units: pd.DataFrame, problems: pd.DataFrame) -> Corpus:
        """A Corpus that takes over tables a parser built for it alone, as they are.

        For ``threads.formats._tables.corpus_from_records``: the frames are new,
        have the schema's columns and dtypes, ``text``/``flags`` hold no NA and
        the ids were checked, so neither a copy nor a second validation is
        needed. Anything else goes through the normal constructor.
        """
        self = object.__new__(cls)
        object.__setattr__(self, "docs", docs)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "problems", problems)
        return self

    # ------------------------------------------------------------------ building
    @classmethod
    def from_pandas(
        cls,
        units: pd.DataFrame | None = None,
        articles: pd.DataFrame | None = None,
        *,
        text: str = "text",
        doc_id: str = "doc_id",
        unit_id: str | None = None,
        parent_id: str | None = None,
        role: str | None = None,
        author: str | None = None,
        published: str | None = None,
        subject: str | None = None,
        default_role: str = "comment",
        doc_columns: Iterable[str] | Mapping[str, str] | None = None,
        article_columns: Mapping[str, str] | None = None,
        source: str = "<DataFrame>",
    ) -> Corpus:
        """Build a corpus from a user's own tables: comments (``units``), articles, or both.

        Name the columns of ``units`` with the keyword arguments (``text="body"``).
        Without ``unit_id`` ids are ``"{doc_id}:{n}"`` by row order within the
        document; without ``role`` every row is a ``comment`` (``default_role``).
        Numeric ids match whatever their dtype (:func:`threads.ids.id_strings`).
        Parents that point nowhere are attached to the top level and flagged
        (with a warning); loops are broken. ``outlet``, ``outlet_kind``,
        ``title``, ``url`` and ``language`` columns (or those in ``doc_columns``)
        move to ``docs``, one value per document. ``articles`` has one row per
        document (fields named by ``article_columns``): its title and text become
        ``title`` and ``body`` units. See :mod:`threads.from_pandas` and
        docs/corpus.md. The input tables are not modified.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"thread": ["t1", "t1", "t1"], "id": ["a", "b", "c"],
        ...                    "reply_to": [None, "a", "b"], "body": ["x", "y", "z"]})
        >>> c = Corpus.from_pandas(df, doc_id="thread", unit_id="id", parent_id="reply_to", text="body")
        >>> c.units["depth"].tolist()
        [1, 2, 3]
        >>> art = pd.DataFrame({"thread": ["t1"], "outlet": ["Daily A"], "text": ["One.\\n\\nTwo."]})
        >>> c = Corpus.from_pandas(df, art, doc_id="thread", unit_id="id", parent_id="reply_to", text="body")
        >>> c.units[["role", "depth"]].values.tolist()[:3], c.docs["outlet"].tolist()
        ([['body', 0], ['body', 0], ['comment', 1]], ['Daily A'])
        """
        from .from_pandas import build

        fields = {"text": text, "doc_id": doc_id, "unit_id": unit_id, "parent_id": parent_id,
                  "role": role, "author": author, "published": published, "subject": subject}
        return build(cls, units, articles, fields=fields, default_role=default_role,
                     doc_columns=doc_columns, article_columns=article_columns, source=source)

    # ------------------------------------------------------------------ views
    def select(self, roles: Iterable[str] | None = CONTENT_ROLES, *, doc_ids=None) -> pd.DataFrame:
        """Units of the given roles (default: title, body, comment), as a new table."""
        u = self.units
        mask = pd.Series(True, index=u.index)
        if roles is not None:
            roles = [roles] if isinstance(roles, str) else list(roles)
            unknown = set(roles) - set(ROLES)
            if unknown:
                raise CorpusError(f"select: unknown role(s) {sorted(unknown)}; roles are {', '.join(ROLES)}")
            mask &= u["role"].isin(roles)
        if doc_ids is not None:
            doc_ids = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
            mask &= u["doc_id"].isin(doc_ids)
        return u[mask].reset_index(drop=True)

    def with_docs(self, docs: pd.DataFrame) -> Corpus:
        """A new corpus with an updated docs table (e.g. added metadata)."""
        return Corpus(docs=docs, units=self.units, problems=self.problems)

    def summary(self) -> pd.DataFrame:
        """One row per document: units per role, comments, deepest reply, lost texts."""
        u = self.units
        counts = pd.crosstab(u["doc_id"], u["role"]).reindex(columns=list(ROLES), fill_value=0)
        counts.columns = [f"n_{r}" for r in counts.columns]
        comments = u[u["role"] == "comment"]
        deepest = comments.groupby("doc_id")["depth"].max()
        lost = comments[comments["flags"].str.contains("text_lost")].groupby("doc_id").size()
        out = self.docs[["doc_id", "outlet", "source_format"]].set_index("doc_id").join(counts)
        out["max_depth"] = deepest.reindex(out.index).fillna(0).astype(int)
        out["text_lost"] = lost.reindex(out.index).fillna(0).astype(int)
        for c in counts.columns:
            out[c] = out[c].fillna(0).astype(int)
        return out.reset_index()

    def audit(self) -> pd.DataFrame:
        """How much of each source went into units of each role, and how much into none.

        ``chars_<role>`` counts characters of unit text; ``source_chars`` is the
        length of the decoded source text (or of its visible text for markup
        and exports) and ``unaccounted_chars`` the non-whitespace characters of
        it that no unit covers (NA where the parser cannot tell, e.g. for a
        table built with :meth:`from_pandas`). ``replaced_chars`` counts the
        U+FFFD replacement characters in unit text: bytes that were not valid
        text (see the ``bad_chars`` flag).
        """
        u = self.units.assign(n=self.units["text"].fillna("").str.len())
        by_role = u.pivot_table(index="doc_id", columns="role", values="n", aggfunc="sum", fill_value=0)
        by_role = by_role.reindex(columns=list(ROLES), fill_value=0)
        by_role.columns = [f"chars_{r}" for r in by_role.columns]
        out = self.docs[["doc_id", "source_chars", "unaccounted_chars"]].set_index("doc_id").join(by_role)
        for c in by_role.columns:
            out[c] = out[c].fillna(0).astype(int)
        # U+FFFD in unit text: bytes that were not valid text, replaced (threads.badchars)
        replaced = u.assign(r=u["text"].fillna("").str.count("\ufffd")).groupby("doc_id")["r"].sum()
        out["replaced_chars"] = replaced.reindex(out.index).fillna(0).astype(int)
        return out.reset_index()

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        roles = self.units["role"].value_counts()
        parts = ", ".join(f"{roles.get(r, 0)} {r}" for r in ROLES if roles.get(r, 0))
        extra = f", {len(self.problems)} problems" if len(self.problems) else ""
        return f"<Corpus: {len(self.docs)} documents, {len(self.units)} units ({parts}){extra}>"

    def _repr_html_(self) -> str:
        return f"<p><b>{repr(self)[1:-1]}</b></p>" + self.summary().to_html(index=False)

    # ------------------------------------------------------------------ saving
    def save(self, directory: str | os.PathLike, format: str = "parquet") -> Path:
        """Write ``docs``, ``units`` and ``problems`` tables plus ``manifest.json``.

        ``format`` is ``parquet`` (default), ``csv`` or ``jsonl``. Returns the directory.
        """
        if format not in SAVE_FORMATS:
            raise CorpusError(f"save: format must be one of {', '.join(SAVE_FORMATS)}, not {format!r}")
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for name, table in (("docs", self.docs), ("units", self.units), ("problems", self.problems)):
            write_table(table, d / f"{name}.{format}", format)
        manifest = {"schema_version": SCHEMA_VERSION, "format": format,
                    "documents": len(self.docs), "units": len(self.units)}
        (d / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return d

    def to_excel(self, path: str | os.PathLike) -> Path:
        """Write the tables as sheets of one .xlsx workbook (``docs``, ``units``, ``problems`` if any).

        Times are written in UTC without a zone, in columns renamed ``<name>_utc``;
        see :mod:`threads.export` for what else changes. Needs openpyxl. Returns the path.
        """
        from .export import to_excel

        return to_excel(self, path)

    def to_stata(self, directory: str | os.PathLike, prefix: str = "") -> dict[str, Path]:
        """Write one Stata .dta file per table into ``directory`` (``{prefix}units.dta``, ...).

        Names are made valid for Stata (the original kept as the variable label),
        times are UTC, missing text is ``""``; see :mod:`threads.export`.
        Returns the path of each table's file, by table name.
        """
        from .export import to_stata

        return to_stata(self, directory, prefix)

    def to_convokit(self, path: str | os.PathLike, tags=None) -> Path:
        """Write a ConvoKit corpus folder (``utterances.jsonl``, ``speakers.json``,
        ``conversations.json``, ``corpus.json``, ``index.json``) that ``convokit.Corpus(filename=path)``
        loads: one conversation per document, reply-to links, UTC timestamps, and
        ``tags`` (a tagging result, a tags folder or table) as utterance metadata.
        :func:`threads.from_convokit` reads it back unchanged; see :mod:`threads.convokit`.
        """
        from .convokit import to_convokit

        return to_convokit(self, path, tags)

    def to_csv(self, path: str | os.PathLike, tags=None, roles: Iterable[str] | None = None) -> Path:
        """Write one tidy CSV for R and statistics packages: a row per unit (of ``roles``; default
        all) with its document's columns and, with ``tags``, ``tag_<category>`` columns; times in UTC
        (``*_utc``). The columns are in docs/corpus.md ("Tidy tables"); see :mod:`threads.tidy`.
        """
        from .tidy import to_csv

        return to_csv(self, path, tags, roles)

    def to_parquet(self, path: str | os.PathLike, tags=None, roles: Iterable[str] | None = None) -> Path:
        """The table of :meth:`to_csv` as one Parquet file (UTC timestamps, nullable integers)."""
        from .tidy import to_parquet

        return to_parquet(self, path, tags, roles)

    def to_refi_qda(self, path: str | os.PathLike, tags=None, codes=None, *,
                    roles: Iterable[str] | None = CONTENT_ROLES) -> Path:
        """Write a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA and QualCoder open:
        the units (of ``roles``) as text sources, ``codes`` (a codebook) as the code system, and
        ``tags`` (a tagging result, a tags folder or table) as coded segments at their evidence spans.
        :func:`threads.read_refi_qda` reads the codes people add back; see :mod:`threads.refi_qda`.
        """
        from .refi_qda import to_refi_qda

        return to_refi_qda(self, path, tags, codes, roles=roles)

    @classmethod
    def load(cls, directory: str | os.PathLike) -> Corpus:
        """Read a corpus written by :meth:`save` (any of its formats)."""
        d = Path(directory)
        if not d.is_dir():
            raise SchemaError(f"{d}: not a corpus directory (expected manifest.json, docs.*, units.*)")
        manifest_path = d / "manifest.json"
        if manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise SchemaError(f"{manifest_path}: not valid JSON ({exc})") from None
            fmt = manifest.get("format")
            version = manifest.get("schema_version")
        else:
            found = [f for f in SAVE_FORMATS if (d / f"units.{f}").exists()]
            if not found:
                raise SchemaError(f"{d}: no manifest.json and no units.parquet/csv/jsonl")
            fmt, version = found[0], None
        if fmt not in SAVE_FORMATS:
            raise SchemaError(f"{manifest_path}: unknown format {fmt!r}")
        tables = {}
        for name in ("docs", "units", "problems"):
            path = d / f"{name}.{fmt}"
            if not path.exists():
                if name == "problems":
                    tables[name] = pd.DataFrame(columns=PROBLEM_COLUMNS)
                    continue
                raise SchemaError(f"{path}: missing (the corpus directory is incomplete)")
            tables[name], file_version = read_table(path, fmt)
            version = version or file_version
        if version != SCHEMA_VERSION:
            raise SchemaError(
                f"{d}: written with schema {version!r}, but this threadframe reads {SCHEMA_VERSION!r}; "
                "re-parse the sources or convert the files with the threadframe version that wrote them")
        return cls(docs=tables["docs"], units=tables["units"], problems=tables["problems"])


def concat(corpora: Iterable[Corpus]) -> Corpus:
    """Join corpora into one (document and unit ids must not collide)."""
    corpora = list(corpora)
    if not corpora:
        raise CorpusError("concat: no corpora given")
    return Corpus(
        docs=pd.concat([c.docs for c in corpora], ignore_index=True),
        units=pd.concat([c.units for c in corpora], ignore_index=True),
        problems=pd.concat([c.problems for c in corpora], ignore_index=True),
    )


def _validate(docs: pd.DataFrame, units: pd.DataFrame) -> None:
    # plain Python sets: pandas' isin/duplicated on Arrow strings cost more on small tables
    doc_ids = docs["doc_id"].tolist()
    if docs["doc_id"].hasnans:
        raise CorpusError("docs: doc_id is empty in some rows")
    known_docs = set(doc_ids)
    if len(known_docs) != len(doc_ids):
        dup = docs["doc_id"][docs["doc_id"].duplicated()]
        raise CorpusError(f"docs: duplicate doc_id(s) {', '.join(map(repr, dup.unique()[:5]))}")
    if units["unit_id"].hasnans:
        raise CorpusError("units: unit_id is empty in some rows")
    if len(set(units["unit_id"].tolist())) != len(units):
        dup = units["unit_id"][units["unit_id"].duplicated()]
        raise CorpusError(f"units: duplicate unit_id(s) {', '.join(map(repr, dup.unique()[:5]))}")
    unit_docs = set(units["doc_id"].tolist())
    if not unit_docs <= known_docs:
        unknown = sorted(str(d) for d in unit_docs - known_docs if isinstance(d, str))
        raise CorpusError(f"units: doc_id(s) not in docs: {unknown[:5] or ['<empty>']}")
    bad_roles = set(units["role"].tolist()) - set(ROLES)
    if bad_roles:
        shown = sorted(str(r) for r in bad_roles if isinstance(r, str)) or ["<empty>"]
        raise CorpusError(f"units: unknown role(s) {shown}; roles are {', '.join(ROLES)}")


def read_corpus(directory: str | os.PathLike) -> Corpus:
    """Read a saved corpus directory (alias of :meth:`Corpus.load`)."""
    return Corpus.load(directory)
