"""Codes people added in NVivo, ATLAS.ti, MAXQDA or QualCoder, read back from a REFI-QDA project.

:func:`read_refi_qda` reads a ``.qdpx`` (or a bare ``project.qde``) and
returns its coded segments; :meth:`QdaCoding.coding_sheet` turns them into
the long table ``analysis.reliability_report`` takes (``coder``,
``unit_id``, ``category``, ``code``: 1 where the coder coded the category
anywhere in the unit, else 0), the shape ``analysis.read_coding_sheets``
returns too. A unit is a text source, named by its ``unit_id`` in projects
:func:`threads.refi_qda.to_refi_qda` wrote (and by its name in any other).

The file is treated as hostile: the zip is read in memory and never
extracted; a member whose name leaves the archive (``../``, an absolute or
drive path), more than :data:`MAX_MEMBERS` members, a ``project.qde``
larger than ``max_bytes`` once inflated (read in chunks, whatever the zip
header claims) or inflating more than :data:`MAX_RATIO` times is refused.
The XML is parsed with entity declarations and external references
refused (defusedxml; no file or network access).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from .decode import DEFAULT_MAX_BYTES
from .errors import FormatError, InputError
from .formats._xml import parse_xml
from .refi_qda import AUTO_CODER, NS

MAX_MEMBERS = 100_000
MAX_RATIO = 200
SEGMENT_COLUMNS = ["unit_id", "coder", "category", "start", "end", "text"]
SHEET_COLUMNS = ["coder", "unit_id", "category", "code"]
EXPECTED = "a REFI-QDA project (.qdpx: a zip with project.qde in the urn:QDA-XML:project:1.0 schema)"


@dataclass(frozen=True, repr=False)
class QdaCoding:
    """The coding in a REFI-QDA project.

    ``segments``: one row per coded segment (``unit_id``, ``coder``,
    ``category``, ``start``, ``end``, ``text``; a code on a whole source has
    start 0 and end its length); ``units``: the source names in project
    order; ``categories``: the codable codes; ``coders``: every user's name.
    """

    segments: pd.DataFrame
    units: tuple[str, ...]
    categories: tuple[str, ...]
    coders: tuple[str, ...]
    source: str

    def coding_sheet(self, *, scope: str = "all", include_auto: bool = False) -> pd.DataFrame:
        """``coder``, ``unit_id``, ``category``, ``code`` (1/0) for reliability.

        ``scope="all"``: every coder who coded anything is taken to have read
        every unit, so a category they did not code in a unit is 0 (how
        presence/absence coding of a whole project is compared);
        ``scope="coded"``: only the units where the coder applied some code.
        The automated coding (user ``threadframe``) is left out unless
        ``include_auto=True`` (to compare it with the people's).
        """
        if scope not in ("all", "coded"):
            raise ValueError(f"coding_sheet: scope must be 'all' or 'coded', not {scope!r}")
        seg = self.segments if include_auto else self.segments[self.segments["coder"] != AUTO_CODER]
        coded = set(zip(seg["coder"], seg["unit_id"], seg["category"], strict=True))
        rows = []
        for coder in dict.fromkeys(seg["coder"]):
            units = self.units if scope == "all" else tuple(dict.fromkeys(seg.loc[seg["coder"] == coder, "unit_id"]))
            for u in units:
                for c in self.categories:
                    rows.append((coder, u, c, int((coder, u, c) in coded)))
        return pd.DataFrame(rows, columns=SHEET_COLUMNS).astype({"code": "int64"})

    def __repr__(self) -> str:
        return (f"<QdaCoding {self.source}: {len(self.segments)} coded segments, {len(self.units)} units, "
                f"{len(self.categories)} codes, coders {', '.join(self.coders) or 'none'}>")


def _member_ok(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not (p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]))


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, max_bytes: int) -> bytes:
    limit = min(max_bytes, max(info.compress_size, 1) * MAX_RATIO + 64 * 1024)
    chunks, total = [], 0
    with z.open(info) as f:  # read in chunks: the header's file_size may lie
        while chunk := f.read(1 << 20):
            total += len(chunk)
            if total > limit:
                why = ("more than max_bytes" if limit == max_bytes else
                       f"inflates more than {MAX_RATIO} times (a zip bomb?)")
                raise FormatError(path, f"refused: {info.filename} {why}")
            chunks.append(chunk)
    return b"".join(chunks)


def _project_xml(path: Path, max_bytes: int) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` and a reader of the sources (by internal name)."""
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.suffix.lower() == ".qde":
        with open(path, "rb") as f:
            return f.read(max_bytes + 1), {}
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(path, f"not a zip archive ({exc}); expected {EXPECTED}") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise FormatError(path, f"refused: {len(infos):,} members (more than {MAX_MEMBERS:,})")
        bad = [i.filename for i in infos if not _member_ok(i.filename)]
        if bad:
            raise FormatError(path, f"refused: member name(s) leave the archive ({', '.join(bad[:3])})")
        qde = next((i for i in infos if i.filename.lower() == "project.qde"), None)
        if qde is None:
            raise FormatError(path, f"no project.qde in the archive; expected {EXPECTED}")
        try:
            xml = _read_member(z, qde, path, max_bytes)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FormatError(path, f"project.qde cannot be read ({exc}); the archive looks damaged") from None
        sources = {}
        for i in infos:
            # by base name: programs disagree on the folder ("Sources/", "sources/", none)
            folder, _, base = i.filename.rpartition("/")
            if folder.lower() in ("sources", "") and base.lower().endswith(".txt") and i.file_size < max_bytes:
                try:
                    sources[base] = _read_member(z, i, path, max_bytes)
                except (zipfile.BadZipFile, OSError, EOFError):
                    continue  # only the selected text of a segment needs the source
        return xml, sources


def read_refi_qda(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> QdaCoding:
    """The coded segments of the REFI-QDA project at ``path`` (see the module doc)."""
    path = Path(path)
    xml, sources = _project_xml(path, max_bytes)
    if len(xml) > max_bytes:
        raise FormatError(path, "refused: project.qde is larger than max_bytes")
    try:
        text = xml.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"project.qde is not UTF-8 ({exc})") from None
    root = parse_xml(text, path, EXPECTED)
    if root.tag != f"{{{NS}}}Project":
        raise FormatError(path, f"the root element is {root.tag!r}, not Project in {NS}; expected {EXPECTED}")
    q = f"{{{NS}}}"
    users = {u.get("guid", ""): u.get("name") or u.get("guid") or "" for u in root.iter(f"{q}User")}
    default_user = root.get("creatingUserGUID", "")
    codes, codable = {}, []
    for c in root.iter(f"{q}Code"):
        codes[c.get("guid", "")] = c.get("name", "")
        if c.get("isCodable", "true").lower() in ("true", "1"):
            codable.append(c.get("name", ""))
    units: list[str] = []
    rows = []
    for src in root.iter(f"{q}TextSource"):
        name = src.get("name") or src.get("guid") or ""
        units.append(name)
        body = _source_text(src, sources)
        whole = [(0, len(body) if body is not None else 0, src)]
        parts = [(int(s.get("startPosition", 0)), int(s.get("endPosition", 0)), s)
                 for s in src.findall(f"{q}PlainTextSelection")]
        for start, end, el in parts + whole:
            for coding in el.findall(f"{q}Coding"):
                ref = coding.find(f"{q}CodeRef")
                target = ref.get("targetGUID", "") if ref is not None else ""
                if target not in codes:
                    raise FormatError(path, f"a coding in source {name!r} refers to code {target!r}, "
                                            "which the code book lacks")
                who = coding.get("creatingUser") or el.get("creatingUser") or default_user
                rows.append((name, users.get(who, who or "unknown"), codes[target], start, end,
                             body[start:end] if body is not None else None))
    segments = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    coders = tuple(dict.fromkeys(users.values()))
    # two sources may share a name: a unit counts once
    return QdaCoding(segments=segments, units=tuple(dict.fromkeys(units)),
                     categories=tuple(dict.fromkeys(codable)), coders=coders, source=str(path))


def _source_text(src, sources: dict[str, bytes]) -> str | None:
    inline = src.find(f"{{{NS}}}PlainTextContent")
    if inline is not None:
        return inline.text or ""
    ref = src.get("plainTextPath", "")
    data = sources.get(ref[len("internal://"):].rpartition("/")[2]) if ref.startswith("internal://") else None
    return None if data is None else data.decode("utf-8", errors="replace")
