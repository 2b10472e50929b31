"""``threads.read``: files and folders in, one Corpus out."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._folder import list_folder, special_kind
from .badchars import flag_bad_chars
from .corpus import Corpus, concat
from .decode import DEFAULT_MAX_BYTES, decode_text, read_bytes
from .errors import (
    CorpusError,
    FormatError,
    InputError,
    SkippedFileWarning,
    ThreadframeError,
)
from .formats import Format, registry
from .formats._folders import claim_folders

SNIFF_CHARS = 64 * 1024
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def make_doc_id(path: Path) -> str:
    """A readable, stable document id from a file name."""
    return _ID_UNSAFE.sub("-", path.stem).strip("-") or "doc"


def _skip(skipped: list[dict], path: Path, detail: str) -> None:
    skipped.append({"source_path": str(path), "doc_id": pd.NA, "unit_id": pd.NA,
                    "problem": "skipped", "detail": detail})
    warnings.warn(f"skipped {path}: {detail}", SkippedFileWarning, stacklevel=3)


def _why(exc: Exception) -> str:
    """What to list for a folder file whose parser failed."""
    if isinstance(exc, InputError):
        return exc.problem
    if isinstance(exc, ThreadframeError):
        return str(exc)
    # a parser bug must not abort a whole folder; the file is listed so it can be reported
    return f"the parser failed ({type(exc).__name__}: {exc}); please report this file"


def _parse_one(f: Format, text: str, path: Path, doc_id: str, taken: set[str]) -> Corpus:
    """Parse one file; its document ids must not be ``taken`` by an earlier file.

    A file can make several documents (``a-999`` for post 999 of ``a.json``),
    so it may collide with another file's id although the names differ; then
    it is parsed again under ``a-2``, ``a-3``, ... as same-named files are.
    """
    for n in range(1, 100):
        try:
            corpus = f.parse(text, path, doc_id if n == 1 else f"{doc_id}-{n}")
        except CorpusError as exc:  # a table check inside a parser: say which file broke it
            raise FormatError(path, f"{f.name}: {exc}") from exc
        ids = set(corpus.docs["doc_id"])
        if not ids & taken:
            taken.update(ids)
            return corpus
    raise FormatError(path, f"its document ids ({', '.join(sorted(ids & taken)[:5])}) are used by other files")


def _not_regular(p: Path) -> InputError | None:
    """An error for a path that exists but is neither a folder nor a regular file."""
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        return InputError(p, f"cannot be read: {exc.strerror or exc}")
    kind = special_kind(mode)
    if kind is not None or not p.is_file():
        return InputError(p, f"not a regular file (a {kind or 'special file'}); threads.read reads "
                             "files and folders")
    return None


def _markup_start(text: str) -> int:
    """Where the first element starts, after an XML/HTML prolog (declaration,
    comments, processing instructions, doctype); 0 when ``text`` is not markup."""
    pos = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    ends = {"<?": "?>", "<!--": "-->", "<!": ">"}
    while text.startswith("<", pos):
        opener = next((o for o in ends if text.startswith(o, pos)), None)
        if opener is None:
            return pos
        end = ends[opener]
        close = text.find(end, pos + len(opener))
        if opener == "<!" and "[" in text[pos:close]:  # a doctype's internal subset
            end = "]>"
            close = text.find(end, pos)
        if close < 0:
            return 0
        pos = close + len(end)
        pos += len(text[pos:]) - len(text[pos:].lstrip())
    return 0 if pos >= len(text) or text[pos] != "<" else pos


def detect_format(text: str, path: str | os.PathLike = "") -> Format:
    """The registered format most confident that ``text`` is its kind.

    Sniffers see the first 64 KB; for markup whose prolog (comments, a long
    doctype) is longer than half of that, they see the text from the root
    element on, so a big comment cannot hide an export's root.
    """
    head = text[:SNIFF_CHARS]
    start = _markup_start(text[: 16 * SNIFF_CHARS]) if text.lstrip("\ufeff \t\r\n")[:1] == "<" else 0
    if start > SNIFF_CHARS // 2:
        head = text[start:start + SNIFF_CHARS]
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
    follow_symlinks: bool = False,
) -> Corpus:
    """Parse files (or every file in folders) into one :class:`Corpus`.

    The format of each file is detected from its content; ``format=`` forces
    one (``threads.formats.registry()`` lists them). A single bad file raises
    an error naming it; inside a folder, bad files are skipped with a warning
    and listed in ``corpus.problems`` (problem ``skipped``), and so are
    entries that are not read: symlinks leaving the folder (followed only
    with ``follow_symlinks=True``), dangling or looping symlinks, FIFOs,
    sockets, devices and unreadable subfolders (see :mod:`threads._folder`).
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
    not_read = []
    for p in path_list:
        if p.is_dir():
            files, left = list_folder(p, follow_symlinks=follow_symlinks)
            files = claim_folders(p, files)  # e.g. a RumourEval thread folder: one entry file
            if not files and not left:
                raise InputError(p, "folder contains no files")
            not_read.extend(left)
            jobs.extend((f, True) for f in files)
        elif not p.exists():
            raise InputError(p, "no such file or directory")
        elif (err := _not_regular(p)) is not None:
            raise err
        else:
            jobs.append((p, False))

    seen_ids: dict[str, int] = {}
    taken: set[str] = set()  # document ids of the files parsed so far
    corpora: list[Corpus] = []
    skipped: list[dict] = []
    for entry in not_read:
        _skip(skipped, entry.path, entry.reason)
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
            corpora.append(_parse_one(f, text, path, doc_id, taken))
        except Exception as exc:
            if not in_folder:
                raise
            _skip(skipped, path, _why(exc))
    if pending and corpora:
        merged = concat(corpora)
        for f, text, path, in_folder in pending:
            try:
                merged = f.options["merge"](merged, text, path)
            except Exception as exc:
                if not in_folder:
                    raise
                _skip(skipped, path, _why(exc))
        corpora = [merged]
    elif pending:  # nothing to merge into: each format's parse explains what to do
        for f, text, path, in_folder in pending:
            try:
                corpora.append(_parse_one(f, text, path, make_doc_id(path), taken))
            except Exception as exc:
                if not in_folder:
                    raise
                _skip(skipped, path, _why(exc))
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
