"""A corpus on disk: a Parquet dataset partitioned by document, read lazily.

``write_dataset(source, DIR)`` writes a :class:`~threads.Corpus`, Reddit dump
files or a stream of :class:`~threads.formats.reddit_dump.DumpBatch` as::

    DIR/manifest.json                 schema version, partitions, row counts
    DIR/docs/part-00000.parquet       the docs of partition 0
    DIR/units/part-00000.parquet      all units of those documents
    DIR/problems/part-00000.parquet   their problems
    DIR/problems/lines.parquet        lines of the input that could not be read

A document and all its units are always in one partition (the partition is
a stable hash of ``doc_id``), so every reply tree is whole in it and each
partition is a corpus of its own. Tables, columns and the schema version
are those of :meth:`Corpus.save`; each file also has two ordering columns
(``_k1``, ``_k2``) that put the partitions back in the order of the corpus
they came from, and that readers drop.

A stream is written in two passes with bounded memory: rows are spilled to
their partition as they are read, then each partition is assembled into
whole threads (:func:`threads.formats.reddit_dump.assemble`) and written.

``open_corpus(DIR)`` reads the manifest only; partitions, row batches, the
docs or the whole corpus are read when asked for.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .corpus import Corpus
from .errors import CorpusError, SchemaError
from .schema import PROBLEM_COLUMNS, SCHEMA_VERSION

TABLES = ("docs", "units", "problems")
KEYS = ("_k1", "_k2")
FORMAT = "parquet-dataset"
#: Hash buckets a stream is spilled to when ``partitions`` is not given; partitions are
#: consecutive buckets of about ``rows_per_partition`` units (the total is known only at the end).
BUCKETS = 256


def partition_of(doc_ids: pd.Series, partitions: int) -> np.ndarray:
    """The partition of each document: a hash of its id that is the same in every run."""
    hashed = pd.util.hash_pandas_object(doc_ids.astype("str").reset_index(drop=True), index=False)
    return (hashed.to_numpy() % np.uint64(partitions)).astype(np.int64)


def _part(k: int) -> str:
    return f"part-{k:05d}.parquet"


def _write(table: pd.DataFrame, path: Path, schema: pa.Schema | None = None) -> None:
    arrow = pa.Table.from_pandas(table, preserve_index=False, schema=schema)
    meta = dict(arrow.schema.metadata or {})
    meta[b"threadframe_schema"] = SCHEMA_VERSION.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(arrow.replace_schema_metadata(meta), path)


def _prepare(directory: str | os.PathLike, overwrite: bool) -> Path:
    d = Path(directory)
    if d.exists() and any(d.iterdir()):
        if not overwrite:
            raise CorpusError(f"{d}: not empty; write the dataset to a new folder (or pass overwrite=True)")
        if not (d / "manifest.json").exists():
            raise CorpusError(f"{d}: not empty and not a corpus dataset; refusing to overwrite it")
        for name in (*TABLES, "_spill", "manifest.json"):
            target = d / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    d.mkdir(parents=True, exist_ok=True)
    return d


def _manifest(d: Path, partitions: int, counts: dict[str, int], source: str) -> None:
    manifest = {"schema_version": SCHEMA_VERSION, "format": FORMAT, "partitions": partitions,
                "partition_key": "doc_id", "documents": counts["docs"], "units": counts["units"],
                "problems": counts["problems"], "source": source}
    (d / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- writing
def write_dataset(source, directory: str | os.PathLike, *, partitions: int | None = None,
                  rows_per_partition: int = 250_000, batch_rows: int = 100_000, strict: bool = False,
                  progress: bool = False, overwrite: bool = False) -> DatasetCorpus:
    """Write ``source`` as a Parquet dataset partitioned by document; returns it opened.

    ``source`` is a :class:`~threads.Corpus`, a Reddit dump file or folder of
    them (or a list), or an iterable of
    :class:`~threads.formats.reddit_dump.DumpBatch`. Without ``partitions``
    each partition holds about ``rows_per_partition`` units (whole documents,
    so it can hold more when one document is larger); with it, exactly that
    many partitions (some may be empty).
    """
    d = _prepare(directory, overwrite)
    if isinstance(source, Corpus):
        n = partitions or max(1, math.ceil(len(source.units) / rows_per_partition))
        _write_corpus(source, d, n)
        return open_corpus(d)
    from .formats.reddit_dump import dump_paths, iter_batches

    label = "<stream>"
    if isinstance(source, (str, os.PathLike)) or (
            isinstance(source, (list, tuple)) and all(isinstance(s, (str, os.PathLike)) for s in source)):
        given = [source] if isinstance(source, (str, os.PathLike)) else list(source)
        paths = [f for p in given for f in dump_paths(p)]
        if not paths:
            raise CorpusError(f"write_dataset: no dump files (*.zst, *.ndjson, *.jsonl) in {given[0]}")
        label = ", ".join(str(p) for p in given)
        source = iter_batches(paths, batch_rows=batch_rows, strict=strict, progress=progress)
    _write_stream(source, d, partitions or BUCKETS, partitions is not None, rows_per_partition, label, progress)
    return open_corpus(d)


def _write_corpus(corpus: Corpus, d: Path, n: int) -> None:
    counts = {t: 0 for t in TABLES}
    tables = {t: getattr(corpus, t) for t in TABLES}
    keyed = {t: tab.assign(_k1=np.int64(0), _k2=np.arange(len(tab), dtype="int64"))
             for t, tab in tables.items()}
    # one schema per table for all partitions (a column empty in one part keeps its type)
    schemas = {t: pa.Schema.from_pandas(tab, preserve_index=False) for t, tab in keyed.items()}
    where = {t: partition_of(tab["doc_id"], n) for t, tab in keyed.items()}
    lines = keyed["problems"]["doc_id"].isna().to_numpy()
    for k in range(n):
        for t in TABLES:
            rows = where[t] == k
            if t == "problems":
                rows &= ~lines
            part = keyed[t][rows]
            _write(part, d / t / _part(k), schemas[t])
            counts[t] += len(part)
    _write(keyed["problems"][lines], d / "problems" / "lines.parquet", schemas["problems"])
    counts["problems"] += int(lines.sum())
    _manifest(d, n, counts, "corpus")


def _groups(rows: list[int], target: int) -> list[list[int]]:
    """Consecutive buckets joined into partitions of about ``target`` units each."""
    groups: list[list[int]] = [[]]
    total = 0
    for k, n in enumerate(rows):
        if groups[-1] and total + n > target:
            groups.append([])
            total = 0
        groups[-1].append(k)
        total += n
    return groups


def _write_stream(batches: Iterable, d: Path, buckets: int, fixed: bool, target: int, label: str,
                  progress: bool) -> None:
    """Pass 1 spills each row to the bucket of its document (a stable hash); pass 2
    assembles partitions, each one bucket (``fixed``) or consecutive buckets up to ``target``
    units, one partition in memory at a time."""
    from .formats.reddit_dump import assemble

    spill = d / "_spill"
    spill.mkdir(parents=True, exist_ok=True)
    lines: list[pd.DataFrame] = []
    rows = [0] * buckets
    # spilled: table -> [(file, {bucket: (first record batch, count)})], one Arrow file per batch
    spilled: dict[str, list[tuple[Path, dict[int, tuple[int, int]]]]] = {"units": [], "docs": []}
    schemas: dict[str, pa.Schema] = {}
    for b, batch in enumerate(batches):
        for t in ("units", "docs"):
            table = getattr(batch, t)
            if not len(table):
                continue
            where = partition_of(table["doc_id"], buckets)
            order = np.argsort(where, kind="stable")
            ks, starts, sizes = np.unique(where[order], return_index=True, return_counts=True)
            if t == "units":
                for k, n in zip(ks.tolist(), sizes.tolist(), strict=True):
                    rows[k] += n
            arrow = pa.Table.from_pandas(table.iloc[order], preserve_index=False,
                                         schema=schemas.setdefault(t, _spill_schema(table)))
            path = spill / f"{t}-{b:06d}.arrow"
            index: dict[int, tuple[int, int]] = {}
            with pa.ipc.new_file(path, arrow.schema,
                                 options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
                written = 0
                for k, lo, n in zip(ks.tolist(), starts.tolist(), sizes.tolist(), strict=True):
                    pieces = arrow.slice(lo, n).to_batches()
                    for piece in pieces:
                        writer.write_batch(piece)
                    index[k] = (written, len(pieces))
                    written += len(pieces)
            spilled[t].append((path, index))
        if len(batch.problems):
            lines.append(batch.problems)
    groups = [[k] for k in range(buckets)] if fixed else _groups(rows, target)
    counts = {t: 0 for t in TABLES}
    steps: Iterable[int] = range(len(groups))
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="assembling threads", unit="partition")
    schemas = {}
    empty: list[int] = []
    for p in steps:
        parts = {t: _read_spill(spilled[t], groups[p]) for t in ("units", "docs")}
        if parts["units"] is None:
            empty.append(p)
            continue
        spilled_docs = parts["docs"] if parts["docs"] is not None else pd.DataFrame(
            {"doc_id": pd.Series(dtype="str"), "_seq": pd.Series(dtype="int64")})
        docs, units, problems = assemble(parts["units"], spilled_docs,
                                         pd.DataFrame(columns=list(PROBLEM_COLUMNS)))
        del parts, spilled_docs
        keys = list(KEYS)
        corpus = Corpus(docs=docs.drop(columns=keys), units=units.drop(columns=keys),
                        problems=problems.drop(columns=keys))
        for t, keyed in (("docs", docs), ("units", units), ("problems", problems)):
            table = getattr(corpus, t).assign(_k1=keyed["_k1"].to_numpy(), _k2=keyed["_k2"].to_numpy())
            schemas.setdefault(t, pa.Schema.from_pandas(table, preserve_index=False))
            _write(table, d / t / _part(p), schemas[t])
            counts[t] += len(table)
    for p in empty:  # a partition no document hashed to: empty files, so every partition has all tables
        for t in TABLES:
            _empty(d / t / _part(p), schemas.get(t))
    line_problems = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    line_problems = Corpus(docs=pd.DataFrame({"doc_id": pd.Series(dtype="str")}),
                           units=pd.DataFrame({"doc_id": pd.Series(dtype="str"),
                                               "unit_id": pd.Series(dtype="str"),
                                               "role": pd.Series(dtype="str")}),
                           problems=line_problems).problems
    _write(line_problems.assign(_k1=np.int64(-1), _k2=np.arange(len(line_problems), dtype="int64")),
           d / "problems" / "lines.parquet", schemas.get("problems"))
    counts["problems"] += len(line_problems)
    shutil.rmtree(spill, ignore_errors=True)
    _manifest(d, len(groups), counts, label)


def _spill_schema(table: pd.DataFrame) -> pa.Schema:
    """One Arrow type per spilled column whatever a batch held: integers, else text."""
    fields = []
    for col, dtype in table.dtypes.items():
        if str(dtype) in ("int64", "Int64"):
            fields.append(pa.field(str(col), pa.int64()))
        else:
            fields.append(pa.field(str(col), pa.large_string()))
    return pa.schema(fields)


def _read_spill(files: list[tuple[Path, dict[int, tuple[int, int]]]], buckets: list[int]) -> pd.DataFrame | None:
    """The spilled rows of ``buckets``, in stream order (batch by batch)."""
    pieces = []
    for path, index in files:
        wanted = [index[k] for k in buckets if k in index]
        if not wanted:
            continue
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            batches = [reader.get_batch(i) for first, n in wanted for i in range(first, first + n)]
            pieces.append(pa.Table.from_batches(batches, schema=reader.schema))
    if not pieces:
        return None
    return pa.concat_tables(pieces).to_pandas()


def _empty(path: Path, schema: pa.Schema | None) -> None:
    """An empty partition file (a partition no document hashed to), so every partition has all tables."""
    if schema is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"doc_id": pa.array([], pa.large_string())}), path)
    else:
        _write(schema.empty_table().to_pandas(), path, schema)


# ---------------------------------------------------------------- reading
@dataclass(frozen=True)
class DatasetCorpus:
    """A corpus dataset on disk (see :func:`open_corpus`); nothing is read until asked for."""

    path: Path
    manifest: dict

    @property
    def n_partitions(self) -> int:
        return int(self.manifest["partitions"])

    def __len__(self) -> int:
        return int(self.manifest["units"])

    def __repr__(self) -> str:
        m = self.manifest
        return (f"<DatasetCorpus {self.path}: {m['documents']} documents, {m['units']} units, "
                f"{m['problems']} problems in {m['partitions']} partitions>")

    def _files(self, table: str) -> list[Path]:
        files = [self.path / table / _part(k) for k in range(self.n_partitions)]
        if table == "problems":
            files.append(self.path / "problems" / "lines.parquet")
        return files

    def _read(self, path: Path, columns=None) -> pd.DataFrame:
        try:
            arrow = pq.read_table(path, columns=columns)
        except Exception as exc:  # pyarrow raises many types; name the file instead
            raise SchemaError(f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc})") from None
        return arrow.to_pandas()

    def _table(self, table: str, files: list[Path]) -> pd.DataFrame:
        frames = [self._read(f) for f in files]
        frames = [f for f in frames if len(f)] or frames[:1]
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if all(k in out.columns for k in KEYS):
            out = out.sort_values(list(KEYS), kind="stable")
        return out.drop(columns=[k for k in KEYS if k in out.columns]).reset_index(drop=True)

    def partition(self, k: int) -> Corpus:
        """Partition ``k`` as an in-memory Corpus: whole documents with all their units."""
        if not 0 <= k < self.n_partitions:
            raise CorpusError(f"{self.path}: no partition {k} (it has {self.n_partitions})")
        tables = {t: self._table(t, [self.path / t / _part(k)]) for t in TABLES}
        return Corpus(docs=tables["docs"], units=tables["units"], problems=tables["problems"])

    def iter_partitions(self, progress: bool = False) -> Iterator[Corpus]:
        """Each partition in turn as a Corpus (one in memory at a time)."""
        steps: Iterable[int] = range(self.n_partitions)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="partitions", unit="partition")
        for k in steps:
            yield self.partition(k)

    def iter_batches(self, table: str = "units", *, columns: list[str] | None = None,
                     batch_size: int = 65_536) -> Iterator[pd.DataFrame]:
        """Rows of ``table`` in batches of at most ``batch_size``, partition after partition.

        A batch never mixes partitions; within a partition rows come in corpus order.
        """
        if table not in TABLES:
            raise CorpusError(f"iter_batches: table must be one of {', '.join(TABLES)}, not {table!r}")
        for path in self._files(table):
            f = pq.ParquetFile(path)
            names = f.schema_arrow.names
            wanted = [c for c in (columns or names) if c in names and c not in KEYS]
            missing = [c for c in (columns or []) if c not in names]
            if missing:
                raise CorpusError(f"{path}: no column(s) {missing}; it has {', '.join(n for n in names if n not in KEYS)}")
            for batch in f.iter_batches(batch_size=batch_size, columns=wanted):
                yield batch.to_pandas()

    @property
    def docs(self) -> pd.DataFrame:
        """All documents (one row each: small next to the units), in corpus order."""
        return self._table("docs", self._files("docs"))

    @property
    def problems(self) -> pd.DataFrame:
        return self._table("problems", self._files("problems"))

    def to_corpus(self) -> Corpus:
        """The whole dataset as one in-memory Corpus, in the order of the corpus it was written from."""
        tables = {t: self._table(t, self._files(t)) for t in TABLES}
        return Corpus(docs=tables["docs"], units=tables["units"], problems=tables["problems"])


def is_dataset(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` holds a dataset written by :func:`write_dataset` (its manifest says so)."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def open_corpus(directory: str | os.PathLike) -> DatasetCorpus:
    """Open a dataset written by :func:`write_dataset` (reads its manifest only)."""
    d = Path(directory)
    manifest_path = d / "manifest.json"
    if not manifest_path.is_file():
        raise SchemaError(f"{d}: not a corpus dataset (no manifest.json); write one with threads.write_dataset")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{manifest_path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise SchemaError(f"{d}: a saved corpus of format {manifest.get('format')!r}, not a dataset; "
                          "read it with threads.read_corpus")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise SchemaError(
            f"{d}: written with schema {manifest.get('schema_version')!r}, but this threadframe reads "
            f"{SCHEMA_VERSION!r}; re-parse the sources")
    missing = [str(p) for t in TABLES for p in DatasetCorpus(d, manifest)._files(t) if not p.is_file()]
    if missing:
        raise SchemaError(f"{d}: incomplete dataset, missing {', '.join(missing[:3])}")
    return DatasetCorpus(d, manifest)
