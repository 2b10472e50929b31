"""Tagging a corpus that lives on disk, partition by partition, in several processes.

``tag_dataset(DIR, codebook, out=TAGS)`` tags each partition of a dataset
written by :func:`threads.write_dataset` and writes one Parquet file per
partition and table::

    TAGS/manifest.json                    codebook, level, roles, row counts
    TAGS/tags.parquet/part-00000.parquet  (and evidence, stance, stance_evidence)

``pandas.read_parquet("TAGS/tags.parquet")`` reads a table back whole, as it
reads the single file that ``threadframe tag`` writes for a small corpus.
Memory is bounded by a partition (whole threads, so whataboutism's article
context is always at hand), times ``n_jobs``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.tagging.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from analysis.tagging.inputs import TaggingError
from analysis.tagging.multilingual import chooses_language
from threads.schema import CONTENT_ROLES

TABLES = ("tags", "evidence", "stance", "stance_evidence")


def tag_dataset(dataset, codebook: str | Codebook = DEFAULT_CODEBOOK, *, out: str | os.PathLike,
                level: str = "unit", roles: Iterable[str] | None = CONTENT_ROLES,
                batch_size: int = 10000, n_jobs: int = 1, progress: bool = False) -> Path:
    """Tag every partition of ``dataset`` (a path or :func:`threads.open_corpus`) into ``out``.

    ``n_jobs`` processes tag partitions side by side (``-1``: one per CPU);
    the tables are the same as with one, in the same order. Returns ``out``.
    """
    import threads

    ds = dataset if isinstance(dataset, threads.DatasetCorpus) else threads.open_corpus(dataset)
    cb = load_codebook(codebook)
    if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise TaggingError(f"tag_dataset: n_jobs must be a positive whole number or -1, not {n_jobs!r}")
    jobs = os.cpu_count() or 1 if n_jobs == -1 else n_jobs
    roles_ = None if roles is None else [roles] if isinstance(roles, str) else list(roles)
    out_dir = Path(out)
    for name in TABLES:
        (out_dir / f"{name}.parquet").mkdir(parents=True, exist_ok=True)
    # a built-in name travels as the name, so each partition's documents get their language's codebook
    given = codebook if chooses_language(codebook) else cb
    tasks = [(str(ds.path), k, given, level, roles_, batch_size, str(out_dir)) for k in range(ds.n_partitions)]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), desc=f"tagging ({cb.name})", unit="partition")
    counts = dict.fromkeys(TABLES, 0)
    try:
        if jobs == 1:
            results: Iterator[dict[str, int]] = map(_tag_partition, tasks)
        else:  # spawn, not fork: pyarrow's threads do not survive a fork
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks) or 1), mp_context=get_context("spawn"))
            results = pool.map(_tag_partition, tasks)
        try:
            for done in results:
                for name, n in done.items():
                    counts[name] += n
                if bar is not None:
                    bar.update(1)
        except BrokenProcessPool as exc:
            raise TaggingError(f"tag_dataset: a worker process died ({exc}); a worker needs the "
                               "memory of one partition, and a script run from standard input cannot "
                               "start workers: run it from a file or a notebook, or use n_jobs=1") from None
    finally:
        if jobs != 1:
            pool.shutdown(cancel_futures=True)
        if bar is not None:
            bar.close()
    manifest = {"codebook": cb.name, "codebook_version": cb.version, "level": level,
                "roles": roles_, "rows": counts, "corpus": str(ds.path), "partitions": ds.n_partitions}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out_dir


def _tag_partition(task) -> dict[str, int]:
    """Tag partition ``k`` and write its four tables (runs in a worker process)."""
    import threads
    from analysis.tagging.tagger import _empty_result, tag_batches

    path, k, codebook, level, roles, batch_size, out = task
    cb = load_codebook(codebook)
    corpus = threads.open_corpus(path).partition(k)

    def path_of(name: str) -> Path:
        return Path(out) / f"{name}.parquet" / f"part-{k:05d}.parquet"

    parts = tag_batches(corpus, codebook, level, roles=roles, batch_size=batch_size)
    counts = write_tag_tables(parts, path_of, cb, level)
    if counts is None:  # nothing to tag still gets its (empty) files: a missing file means a failure
        counts = write_tag_tables([_empty_result(cb, level)], path_of, cb, level)
    return counts or {}


def write_tag_tables(parts: Iterable, path_of: Callable[[str], Path], codebook: Codebook,
                     level: str) -> dict[str, int] | None:
    """Stream :class:`TagResult` batches into one Parquet file per table (``path_of(name)``),
    stamped with the codebook and level; rows written per table, or ``None`` when there
    was no batch (and so no file)."""
    meta = {b"threadframe_codebook": f"{codebook.name}@{codebook.version}".encode(),
            b"threadframe_level": level.encode()}
    writers: dict[str, pq.ParquetWriter] = {}
    counts = dict.fromkeys(TABLES, 0)
    try:
        for part in parts:
            for name in TABLES:
                table = pa.Table.from_pandas(getattr(part, name), preserve_index=False)
                if name not in writers:
                    schema = table.schema.with_metadata({**(table.schema.metadata or {}), **meta})
                    writers[name] = pq.ParquetWriter(path_of(name), schema)
                writers[name].write_table(table.cast(writers[name].schema))
                counts[name] += len(table)
    finally:
        for w in writers.values():
            w.close()
    return counts if writers else None
