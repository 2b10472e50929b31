"""Parsing XML exports with entity expansion and external entities disabled."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import FormatError


def parse_xml(text: str, path: str | Path, expected: str) -> ET.Element:
    """The root element of ``text``, parsed by defusedxml.

    Entity declarations (billion laughs, quadratic blow-up) and external
    entities or DTDs are refused with a :class:`FormatError` naming the file;
    so is malformed or truncated XML.
    """
    # expat refuses a str that still declares a non-UTF-8 encoding; the text is decoded already
    if text.startswith("<?xml"):
        end = text.find("?>")
        if end != -1:
            text = " " * (end + 2) + text[end + 2:]  # keep offsets so line/column stay right
    try:
        return safe_et.fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        if getattr(exc, "sysid", None) or getattr(exc, "pubid", None):
            raise FormatError(path, (
                f"refused: the XML declares an external entity ({exc.name!r} -> {exc.sysid or exc.pubid}); "
                "external entities are disabled so a file cannot make threadframe read other files "
                "or the network")) from None
        raise FormatError(path, (
            f"refused: the XML declares entities ({exc.name!r}); entity expansion is disabled "
            "because it allows 'billion laughs' attacks. Real exports do not need entities.")) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as exc:
        raise FormatError(path, f"refused: the XML references external content ({exc}); "
                                "external entities are disabled") from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        last_line = text.rstrip().count("\n") + 1
        truncated = line >= last_line or "no element found" in str(exc) or "unclosed token" in str(exc)
        hint = " (the file looks truncated)" if truncated else ""
        raise FormatError(path, f"not well-formed XML at line {line} column {col}{hint}; "
                                f"expected {expected}") from None


def local(tag: str) -> str:
    """A tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]


def child_text(el: ET.Element | None, name: str, ns: str = "") -> str | None:
    """Text of the first child ``name`` (in namespace ``ns``), stripped; None if absent or empty."""
    if el is None:
        return None
    child = el.find(f"{{{ns}}}{name}" if ns else name)
    if child is None:
        return None
    # markup written as XML elements instead of CDATA still counts: keep all the text inside
    value = (all_text(child) if len(child) else child.text or "").strip()
    return value or None


def all_text(el: ET.Element) -> str:
    """All text inside ``el`` in document order (``itertext`` without its recursion)."""
    parts: list[str] = []
    stack: list[tuple[ET.Element, bool]] = [(el, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(parts)
