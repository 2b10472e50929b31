"""Reading bytes from disk into text, with clear errors for bad files."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .errors import EncodingWarning_, InputError

#: Refuse files larger than this unless the caller raises the limit.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


def read_bytes(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file's bytes, naming the file in every error."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file or directory")
    if p.is_dir():
        raise InputError(p, "is a directory (pass its files, or use threads.read on it)")
    size = p.stat().st_size
    if size == 0:
        raise InputError(p, "file is empty")
    if size > max_bytes:
        raise InputError(p, f"file is {size:,} bytes, over the limit of {max_bytes:,} (raise max_bytes to read it)")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot be read: {exc.strerror or exc}") from None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_CONTROL_CHARS = {c: None for c in range(32) if c not in (9, 10, 12, 13, 27)}

#: File signatures of common binaries, for files whose first bytes look like text (a stored zip).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a zip archive"), (b"PK\x05\x06", "a zip archive"), (b"\x1f\x8b", "a gzip file"),
    (b"BZh", "a bzip2 file"), (b"\xfd7zXZ\x00", "an xz file"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd file"), (b"\x7fELF", "an ELF executable"), (b"%PDF-", "a PDF"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"\xca\xfe\xba\xbe", "a compiled Java class"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
)


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: many control bytes (NUL included) or a binary signature.

    UTF-16 (with or without a byte-order mark) is text: :func:`decode_text`
    recognises it before asking.
    """
    return _binary_reason(data) is not None


def _binary_reason(data: bytes) -> str | None:
    head = data[:8192]
    # bytes.translate deletes the allowed bytes in C (a Python loop over 8 KB took 0.2 ms a file)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) * 0.05:
        return "NUL or control bytes"
    for magic, kind in _SIGNATURES:
        # "BZh" can start a text: a bzip2 file goes on with a block size digit and its block magic
        if head.startswith(magic) and (magic != b"BZh" or (head[3:4].isdigit() and head[4:10] == b"1AY&SY")):
            return kind
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the head has the byte pattern of ASCII-heavy UTF-16, else None.

    ASCII in UTF-16 is every other byte NUL: at odd offsets (little-endian) or
    even ones (big-endian). At least half the code units must follow that
    pattern and at most 5% the other way round.
    """
    head = data[:8192]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0:2 * pairs:2].count(0), head[1:2 * pairs:2].count(0)
    if odd >= pairs / 2 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs / 2 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _mostly_controls(text: str) -> bool:
    head = text[:4096]
    return len(head) - len(head.translate(_CONTROL_CHARS)) > len(head) * 0.05


#: What stands in for bytes that are not valid text (invalid UTF-8, stray NULs, lone surrogates).
REPLACEMENT = "\ufffd"


def _utf8_counts(data: bytes, repaired: str) -> tuple[int, int]:
    """(invalid byte sequences, valid multi-byte characters) of ``data`` read as UTF-8.

    ``repaired`` is ``data`` decoded with ``errors="replace"`` (one U+FFFD per
    invalid sequence); U+FFFD characters the bytes themselves spell out are
    neither bad nor counted as evidence of UTF-8.
    """
    replacements = repaired.count(REPLACEMENT)
    bad = replacements - data.count(REPLACEMENT.encode())
    non_ascii = len(repaired) - len(repaired.encode("ascii", errors="ignore"))
    return bad, non_ascii - replacements


def decode_text(data: bytes, source: str | os.PathLike | None = None) -> str:
    """Decode bytes as UTF-8 (BOM allowed); repair or fall back to cp1252/latin-1 with a warning.

    Bytes that are not valid UTF-8 are replaced with U+FFFD when valid
    multi-byte UTF-8 characters outnumber the invalid sequences (a UTF-8 file
    with a few broken bytes); otherwise the file is a legacy one and is
    decoded as cp1252 (else latin-1).

    UTF-16 is recognised by its byte-order mark or, without one, by the NUL
    bytes between ASCII characters. Stray NUL characters become U+FFFD (with
    a warning). Binary content raises :class:`InputError`; the text is
    returned exactly as decoded (newlines are not normalised, so character
    offsets match).
    """
    if not data.strip():
        raise InputError(source, "file is empty" if not data else "file contains only whitespace")
    return _replace_nuls(_decode(data, source), source)


def _replace_nuls(text: str, source) -> str:
    """Stray NUL characters are bad characters, not the end of the text: U+FFFD, with a warning."""
    n = text.count("\x00")
    if n:
        warnings.warn(f"{source}: {n} NUL character{'s' if n != 1 else ''} replaced with U+FFFD",
                      EncodingWarning_, stacklevel=3)
        text = text.replace("\x00", REPLACEMENT)
    return text


def _decode(data: bytes, source) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                                     f"(bad bytes at offset {exc.start})") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(source, f"looks like UTF-16 (no byte-order mark) but is not valid UTF-16 "
                                     f"(bad bytes at offset {exc.start})") from None
        if not _mostly_controls(text):
            return text
    reason = _binary_reason(data)
    if reason is not None:
        raise InputError(source, f"looks like a binary file, not text ({reason})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        pos = exc.start
    repaired = data.decode("utf-8-sig", errors="replace")
    bad, good = _utf8_counts(data, repaired)
    if good > bad:  # broken UTF-8, not a legacy file: replace only the bad bytes
        warnings.warn(
            f"{source}: not valid UTF-8: {bad} invalid byte sequence{'s' if bad != 1 else ''} "
            f"(first at offset {pos}) replaced with U+FFFD; the rest decoded as UTF-8",
            EncodingWarning_,
            stacklevel=3,
        )
        return repaired
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        warnings.warn(
            f"{source}: not valid UTF-8 (first bad byte at offset {pos}); decoded as {enc}",
            EncodingWarning_,
            stacklevel=3,
        )
        return text
    raise InputError(source, "could not be decoded")  # pragma: no cover - latin-1 decodes anything


def read_text(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode a text file (see :func:`decode_text`)."""
    return decode_text(read_bytes(path, max_bytes), path)
