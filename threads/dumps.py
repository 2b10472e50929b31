"""Lines of a dump file, read as a stream: one JSON object per line, zstandard-compressed or plain.

Platform dumps (Pushshift and Arctic Shift Reddit files, ``RS_2023-01.zst``,
``RC_2023-01.zst``) are too large to hold in memory: they are decompressed
as a stream, one bounded chunk at a time, with the large window these files
were compressed with (``max_window_size=2**31``). What cannot be read is
reported as :class:`LineProblem` rows and the stream goes on, so one broken
line never costs the file:

* a line that is not JSON, or not a JSON object: ``bad_line``;
* a last line without its newline that does not parse (the file was cut
  off while it was written or copied): ``truncated``;
* compressed data that is corrupt or ends inside a frame: ``corrupt_data``,
  naming the last complete line; what was read before it is kept (after a
  broken frame nothing later can be found reliably, so the stream ends there).

``strict=True`` raises an :class:`~threads.errors.InputError` naming the file
and line instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .errors import InputError

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: zstandard window these dumps need (Pushshift compressed with --long=31).
MAX_WINDOW = 2**31
_CHUNK = 1 << 20
_IN_CHUNK = 1 << 18  # compressed bytes per step: bounds what a broken frame can take along


class Line(NamedTuple):  # a tuple: one is made per line, so it is cheap to make
    """One JSON object of a dump: the file, its 1-based line number and the object."""

    path: Path
    number: int
    record: dict


class LineProblem(NamedTuple):
    """A line (or the rest of a file) that could not be read."""

    path: Path
    number: int
    problem: str
    detail: str


def _chunks(path: Path, fh) -> Iterator[bytes]:
    """Decompressed bytes of ``fh`` in chunks; zstandard when the file starts with its magic.

    One decompressor per frame, fed a bounded piece at a time, so what came
    before a broken frame is handed on before the error, and a file that ends
    inside a frame (which a streaming reader takes for a clean end) is caught.
    """
    head = fh.read(4)
    fh.seek(0)
    if head != ZSTD_MAGIC:
        while chunk := fh.read(_CHUNK):
            yield chunk
        return
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a dependency, but name it if it is missing
        raise InputError(path, "a zstandard-compressed file; install the 'zstandard' package") from None
    dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
    frame, inside = dctx.decompressobj(), False
    while data := fh.read(_IN_CHUNK):
        while data:
            try:
                out = frame.decompress(data)
            except zstandard.ZstdError as exc:
                raise _Corrupt(str(exc)) from None
            if out:
                yield out
            if frame.eof:  # the frame ended inside this piece: the rest starts the next one
                data, frame, inside = frame.unused_data, dctx.decompressobj(), False
            else:
                data, inside = b"", True
    if inside:
        raise _Corrupt("the compressed data ends inside a frame (the file is cut off)")


class _Corrupt(Exception):
    """Compressed data that cannot be decompressed (internal: becomes a LineProblem)."""


def _parse(path: Path, number: int, raw: bytes, last: bool) -> Line | LineProblem | None:
    text = raw.strip()
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        if last:
            return LineProblem(path, number, "truncated",
                               f"line {number}: the last line is cut off ({len(raw)} bytes, no newline, "
                               f"not complete JSON: {exc}); the file was probably truncated")
        shown = text[:60].decode("utf-8", "replace")
        return LineProblem(path, number, "bad_line", f"line {number}: not JSON ({exc}): {shown!r}")
    if not isinstance(record, dict):
        return LineProblem(path, number, "bad_line",
                           f"line {number}: a JSON {type(record).__name__}, not an object; skipped")
    return Line(path, number, record)


def iter_lines(path: str | os.PathLike, *, strict: bool = False) -> Iterator[Line | LineProblem]:
    """The JSON objects of a dump file, one :class:`Line` each, and a
    :class:`LineProblem` for each line (or stretch of file) that cannot be read.

    Memory stays bounded by the longest line plus one decompressed chunk.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "no such file" if not p.exists() else "not a regular file")
    number = 0

    def problem(item: LineProblem) -> LineProblem:
        if strict:
            raise InputError(p, item.detail)
        return item

    with open(p, "rb") as fh:
        rest = b""
        try:
            for chunk in _chunks(p, fh):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for raw in lines:
                    number += 1
                    item = _parse(p, number, raw, last=False)
                    if isinstance(item, LineProblem):
                        item = problem(item)
                    if item is not None:
                        yield item
        except _Corrupt as exc:
            yield problem(LineProblem(
                p, number + 1, "corrupt_data",
                f"compressed data is corrupt after line {number} ({exc}); the {number} lines before it "
                "were read, the rest of the file could not be"))
            return
        except OSError as exc:
            raise InputError(p, f"cannot be read after line {number}: {exc.strerror or exc}") from None
        if rest.strip():
            number += 1
            item = _parse(p, number, rest, last=True)
            if isinstance(item, LineProblem):
                item = problem(item)
            if item is not None:
                yield item
