"""``threads.read``: files and folders in, one Corpus out."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .badchars import flag_bad_chars
from .corpus import Corpus, concat
from .decode import DEFAULT_MAX_BYTES, decode_text, read_bytes
from .errors import FormatError, InputError, ThreadframeWarning
from .formats import Format, registry
from .formats._folders import claim_folders

SNIFF_CHARS = 64 * 1024
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class SkippedFileWarning(ThreadframeWarning):
    """A file inside a folder could not be read; it was skipped and reported."""


def make_doc_id(path: Path) -> str:
    """A readable, stable document id from a file name."""
    return _ID_UNSAFE.sub("-", path.stem).strip("-") or "doc"


def _skip(skipped: list[dict], path: Path, exc: InputError) -> None:
    skipped.append({"source_path": str(path), "doc_id": pd.NA, "unit_id": pd.NA,
                    "problem": "skipped", "detail": exc.problem})
    warnings.warn(f"skipped {path}: {exc.problem}", SkippedFileWarning, stacklevel=3)


def detect_format(text: str, path: str | os.PathLike = "") -> Format:
    """The registered format most confident that ``text`` is its kind."""
    head = text[:SNIFF_CHARS]
    name = Path(path).name
    scored = sorted(((f.sniff(head, name), f.name) for f in registry().values()), reverse=True)
    if not scored or scored[0][0] <= 0:
        raise FormatError(path, "format not recognised; pass format= (see threads.formats.registry())")
    return registry()[scored[0][1]]


def read(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    format: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = False,
) -> Corpus:
    """Parse files (or every file in folders) into one :class:`Corpus`.

    The format of each file is detected from its content; ``format=`` forces
    one (``threads.formats.registry()`` lists them). A single bad file raises
    an error naming it; inside a folder, bad files are skipped with a warning
    and listed in ``corpus.problems``.
    """
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    path_list = [Path(p) for p in given]
    if not path_list:
        raise InputError(None, "read: no paths given")
    fmt = None
    if format is not None:
        fmt = registry().get(format)
        if fmt is None:
            raise FormatError(None, f"unknown format {format!r}; known: {', '.join(sorted(registry()))}")

    jobs: list[tuple[Path, bool]] = []  # (file, came from a folder)
    for p in path_list:
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not any(
                part.startswith(".") for part in f.relative_to(p).parts))
            files = claim_folders(p, files)  # e.g. a RumourEval thread folder: one entry file
            if not files:
                raise InputError(p, "folder contains no files")
            jobs.extend((f, True) for f in files)
        elif not p.exists():
            raise InputError(p, "no such file or directory")
        else:
            jobs.append((p, False))

    seen_ids: dict[str, int] = {}
    corpora: list[Corpus] = []
    skipped: list[dict] = []
    pending: list[tuple[Format, str, Path, bool]] = []  # files merged into others (options["merge"])
    iterator = jobs
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(jobs, desc="parsing", unit="file")
    for path, in_folder in iterator:
        doc_id = make_doc_id(path)
        n = seen_ids.get(doc_id, 0)
        seen_ids[doc_id] = n + 1
        if n:
            doc_id = f"{doc_id}-{n + 1}"
        try:
            text = decode_text(read_bytes(path, max_bytes), path)
            f = fmt or detect_format(text, path)
            if f.options.get("merge"):  # e.g. Reddit morechildren: merged into its thread below
                pending.append((f, text, path, in_folder))
                continue
            corpora.append(f.parse(text, path, doc_id))
        except InputError as exc:
            if not in_folder:
                raise
            skipped.append({"source_path": str(path), "doc_id": pd.NA, "unit_id": pd.NA,
                            "problem": "skipped", "detail": exc.problem})
            warnings.warn(f"skipped {path}: {exc.problem}", SkippedFileWarning, stacklevel=2)
    if pending and corpora:
        merged = concat(corpora)
        for f, text, path, in_folder in pending:
            try:
                merged = f.options["merge"](merged, text, path)
            except InputError as exc:
                if not in_folder:
                    raise
                _skip(skipped, path, exc)
        corpora = [merged]
    elif pending:  # nothing to merge into: each format's parse explains what to do
        for f, text, path, in_folder in pending:
            try:
                corpora.append(f.parse(text, path, make_doc_id(path)))
            except InputError as exc:
                if not in_folder:
                    raise
                _skip(skipped, path, exc)
    if not corpora:
        raise InputError(path_list[0] if len(path_list) == 1 else None,
                         f"no readable files ({len(skipped)} skipped: "
                         + "; ".join(f"{s['source_path']}: {s['detail']}" for s in skipped[:5]) + ")")
    # one file: its parser built the Corpus for this call alone, so it needs no second pass
    corpus = corpora[0] if len(corpora) == 1 else concat(corpora)
    corpus = flag_bad_chars(corpus)  # units whose text holds U+FFFD (docs/parsing-text.md, Bad input)
    if skipped:
        corpus = Corpus(docs=corpus.docs, units=corpus.units,
                        problems=pd.concat([corpus.problems, pd.DataFrame(skipped)], ignore_index=True))
    return corpus
