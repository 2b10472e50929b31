"""A corpus as a REFI-QDA project (``.qdpx``), for NVivo, ATLAS.ti, MAXQDA and QualCoder.

A ``.qdpx`` is a zip of ``project.qde`` (XML in the REFI-QDA Project schema,
``urn:QDA-XML:project:1.0``) and ``Sources/`` with the texts.
:func:`to_refi_qda` (``Corpus.to_refi_qda``) writes:

- each unit (default: roles title, body, comment) as a ``TextSource`` named
  by its ``unit_id``, its text in ``Sources/<guid>.txt``; its document,
  role, author, time, outlet, depth and parent as variables;
- each document as a ``Case`` holding its units;
- the code system: one code per category, with the category's definition
  as its description (``codes=``: a codebook, or anything with category
  names and descriptions);
- the automated coding (``tags=``) as coded segments (``PlainTextSelection``
  with ``startPosition``/``endPosition`` in characters of the unit's text),
  made by the user ``threadframe``: each cue match of a category present in
  the unit, or the whole unit where a present category has no span (a model's tag);
- with a stance table in ``tags``, a code group ``stance`` with the codes
  ``stance:critical`` and ``stance:supportive``, each on the whole unit.

GUIDs are derived from the ids (uuid5), so the same corpus gives the same
GUIDs on every export. :func:`threads.read_refi_qda` reads the codes people
added back (see :mod:`threads._qdpx_read`).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._tags import tag_tables
from .errors import CorpusError, ThreadframeWarning
from .schema import CONTENT_ROLES

if TYPE_CHECKING:
    from .corpus import Corpus

NS = "urn:QDA-XML:project:1.0"
SCHEMA_LOCATION = f"{NS} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
#: The user that made the automated coding.
AUTO_CODER = "threadframe"
_GUID_NS = uuid.UUID("6f6c1a52-3a8e-4d6c-9a55-1b7c0e0f7a17")
_GUID_NS_BYTES = _GUID_NS.bytes  # a property that builds the bytes on every access
#: Characters XML 1.0 cannot hold (in names and descriptions; the source files keep them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Variables of each source: (name, type, units column).
VARIABLES = (("document", "Text", "doc_id"), ("role", "Text", "role"), ("author", "Text", "author"),
             ("published", "DateTime", "published"), ("outlet", "Text", "outlet"),
             ("depth", "Integer", "depth"), ("parent", "Text", "parent_id"))

ET.register_namespace("", NS)


def guid(kind: str, key: str) -> str:
    """A stable GUID for ``key`` of ``kind`` (code, source, selection, ...): ``uuid5``, upper case.

    Computed as uuid5 does (SHA-1 of namespace and name, version and variant
    bits set) without building ``UUID`` objects, which cost most of the export.
    """
    b = bytearray(hashlib.sha1(_GUID_NS_BYTES + f"{kind}\x1f{key}".encode()).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _clean(text) -> str:
    return _XML_ILLEGAL.sub("", "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text))


def code_system(codes, fallback: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``(name, description)`` per category of ``codes`` (duck-typed), else of ``fallback``.

    ``codes`` may be a codebook (``.specs`` of categories with ``name`` and
    ``definition``/``label``, or ``.categories`` names with ``codes[name]``),
    a mapping of names to descriptions, or an iterable of names.
    """
    if codes is None:
        return [(str(c), "") for c in fallback]
    if isinstance(codes, Mapping):
        return [(str(k), "" if v is None else str(v)) for k, v in codes.items()]
    specs = getattr(codes, "specs", None)
    if specs is not None:
        return [(str(s.name), str(getattr(s, "definition", "") or getattr(s, "label", "") or "")) for s in specs]
    names = getattr(codes, "categories", None)
    if names is not None:
        out = []
        for n in names:
            try:
                item = codes[n]
            except (KeyError, TypeError, IndexError):
                item = None
            out.append((str(n), str(getattr(item, "definition", "") or getattr(item, "description", "") or "")))
        return out
    if isinstance(codes, Iterable) and not isinstance(codes, (str, bytes)):
        return [(str(c), "") for c in codes]
    raise CorpusError(f"codes: expected a codebook, a mapping of names to descriptions or a list of names, "
                      f"not {type(codes).__name__}")


def _selections(tables, texts: dict[str, str], known: set[str]) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per unit: ``(start, end, category, name)`` of each coded segment (see the module doc)."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    if tables is None:
        return out
    present = {(u, c) for u, cats in tables.present().items() for c in cats if c in known}
    spans: set[tuple[str, str]] = set()
    bad = []
    ev = tables.evidence
    if len(ev):
        matched = ev["matched"] if "matched" in ev else ev.get("cue", pd.Series([""] * len(ev)))
        for u, c, s, e, m in zip(ev["unit_id"], ev["category"], ev["start"], ev["end"], matched, strict=True):
            if (u, c) not in present or u not in texts:
                continue
            s, e = int(s), int(e)
            if not 0 <= s < e <= len(texts[u]):
                bad.append(u)
                continue
            spans.add((u, c))
            out.setdefault(u, []).append((s, e, c, _clean(m)))
    for u, c in sorted(present - spans):
        if u in texts:
            out.setdefault(u, []).append((0, len(texts[u]), c, c))
    if bad:
        warnings.warn(f"to_refi_qda: {len(bad)} evidence span(s) lie outside their unit's text (units "
                      f"{', '.join(sorted(set(bad))[:5])}); left out. Were the tags made from another version "
                      "of the corpus?", ThreadframeWarning, stacklevel=3)
    return out


#: Codes for the stance of a unit (whole-unit segments; neutral units get none).
STANCE_CODES = ("stance:critical", "stance:supportive")


def _stance_selections(tables, texts: dict[str, str]) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per unit: a whole-unit segment coded ``stance:critical`` or ``stance:supportive``."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    if tables is None or not len(tables.stance):
        return out
    for u, side in zip(tables.stance["unit_id"].tolist(), tables.stance["stance"].tolist(), strict=True):
        code = f"stance:{side}"
        if code in STANCE_CODES and u in texts:
            out.setdefault(u, []).append((0, len(texts[u]), code, code))
    return out


def to_refi_qda(corpus: Corpus, path: str | os.PathLike, tags=None, codes=None, *,
                roles: Iterable[str] | None = CONTENT_ROLES) -> Path:
    """Write ``corpus`` as a REFI-QDA project ``path`` (a ``.qdpx`` zip); see the module doc."""
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise CorpusError(f"{path}: to_refi_qda writes a REFI-QDA project; give a name ending in .qdpx")
    units = corpus.select(roles)
    if units.empty:
        raise CorpusError(f"{path}: the corpus has no units of roles {', '.join(roles or [])} to export")
    outlets = dict(zip(corpus.docs["doc_id"], corpus.docs["outlet"], strict=True))
    units = units.assign(outlet=units["doc_id"].map(outlets))
    tables = tag_tables(tags, units["unit_id"])
    system = code_system(codes, tables.categories if tables else ())
    names = [n for n, _ in system]
    if len(set(names)) != len(names):
        raise CorpusError(f"codes: category names repeat ({', '.join(sorted({n for n in names if names.count(n) > 1}))})")
    left_out = sorted(set(tables.categories) - set(names)) if tables else []
    if left_out:
        warnings.warn(f"to_refi_qda: the tags' categories {', '.join(left_out)} are not in the code system "
                      "(codes=); their segments are left out", ThreadframeWarning, stacklevel=3)
    texts = {str(u): (t if isinstance(t, str) else "") for u, t in zip(units["unit_id"], units["text"], strict=True)}
    selections = _selections(tables, texts, set(names))
    stances = _stance_selections(tables, texts)
    with_stance = tables is not None and len(tables.stance) > 0  # the codes, even where no unit has a side
    for u, whole in stances.items():
        selections.setdefault(u, []).extend(whole)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = guid("user", AUTO_CODER)
    project = ET.Element(_q("Project"), {
        "name": _clean(path.stem), "origin": "threadframe", "creatingUserGUID": user, "creationDateTime": now,
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation": SCHEMA_LOCATION})
    ET.SubElement(ET.SubElement(project, _q("Users")), _q("User"), {"guid": user, "name": AUTO_CODER})
    if system or with_stance:
        codes_el = ET.SubElement(ET.SubElement(project, _q("CodeBook")), _q("Codes"))
        for name, description in system:
            code = ET.SubElement(codes_el, _q("Code"), {"guid": guid("code", name), "name": _clean(name),
                                                        "isCodable": "true"})
            if description:
                ET.SubElement(code, _q("Description")).text = _clean(description)
        if with_stance:  # a group (not codable itself) with a code per side
            group = ET.SubElement(codes_el, _q("Code"), {"guid": guid("code", "stance"), "name": "stance",
                                                         "isCodable": "false"})
            ET.SubElement(group, _q("Description")).text = "the unit's stance, as the tagger read it"
            for name in STANCE_CODES:
                ET.SubElement(group, _q("Code"), {"guid": guid("code", name), "name": name, "isCodable": "true"})
    variables = ET.SubElement(project, _q("Variables"))
    for name, kind, _ in VARIABLES:
        ET.SubElement(variables, _q("Variable"), {"guid": guid("variable", name), "name": name,
                                                  "typeOfVariable": kind})
    cases = ET.SubElement(project, _q("Cases"))
    by_doc = units.groupby("doc_id", sort=False)["unit_id"].apply(list)
    titles = dict(zip(corpus.docs["doc_id"], corpus.docs["title"], strict=True))
    for doc_id, ids in by_doc.items():
        case = ET.SubElement(cases, _q("Case"), {"guid": guid("case", str(doc_id)), "name": _clean(doc_id)})
        if isinstance(titles.get(doc_id), str):
            ET.SubElement(case, _q("Description")).text = _clean(titles[doc_id])
        for u in ids:
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": guid("source", str(u))})
    sources = ET.SubElement(project, _q("Sources"))
    files: dict[str, str] = {}
    for row in units.to_dict("records"):
        uid = str(row["unit_id"])
        sg = guid("source", uid)
        files[f"Sources/{sg}.txt"] = texts[uid]
        src = ET.SubElement(sources, _q("TextSource"), {"guid": sg, "name": _clean(uid),
                                                        "plainTextPath": f"internal://{sg}.txt"})
        for n, (start, end, category, label) in enumerate(sorted(selections.get(uid, []))):
            sel = ET.SubElement(src, _q("PlainTextSelection"), {
                "guid": guid("selection", f"{uid}\x1f{n}\x1f{category}"), "name": label or category,
                "startPosition": str(start), "endPosition": str(end), "creatingUser": user,
                "creationDateTime": now})
            coding = ET.SubElement(sel, _q("Coding"), {"guid": guid("coding", f"{uid}\x1f{n}\x1f{category}"),
                                                       "creatingUser": user, "creationDateTime": now})
            ET.SubElement(coding, _q("CodeRef"), {"targetGUID": guid("code", category)})
        for name, kind, col in VARIABLES:
            _variable(src, name, kind, row[col])
    ET.indent(project)
    # "unicode" then encode: ElementTree's own utf-8 path resets a codec on every write (slow)
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(project, encoding="unicode")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return path


def _variable(src: ET.Element, name: str, kind: str, value) -> None:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return
    vv = ET.SubElement(src, _q("VariableValue"))
    ET.SubElement(vv, _q("VariableRef"), {"targetGUID": guid("variable", name)})
    if kind == "DateTime":
        text = pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        text = _clean(str(int(value)) if kind == "Integer" else value)
    ET.SubElement(vv, _q({"DateTime": "DateTimeValue", "Integer": "IntegerValue"}.get(kind, "TextValue"))).text = text
