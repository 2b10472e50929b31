"""Loading JSON exports safely: clear errors, and no recursion limit on deep threads.

``json.loads`` recurses once per nesting level, so a reply chain a few
thousand levels deep (a Reddit ``replies`` chain nests five JSON levels per
reply) raises ``RecursionError``. Raising the recursion limit is not safe (the
C decoder can overflow the C stack instead), so on ``RecursionError`` we parse
again with a small iterative decoder: linear time, an explicit stack, the same
result as ``json.loads``.
"""

from __future__ import annotations

import json
import re
import warnings
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from ..badchars import replace_surrogates
from ..errors import EncodingWarning_, FormatError

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = (("null", None), ("true", True), ("false", False),
             ("NaN", float("nan")), ("Infinity", float("inf")), ("-Infinity", float("-inf")))


#: A surrogate escape (``\\ud800``); only text with one can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def load_json(text: str, path: str | Path, expected: str):
    """Parse ``text`` as JSON; a :class:`FormatError` names the file, the place and ``expected``.

    Lone surrogates (``"\\ud800"`` with no partner: not text, and unsavable)
    become U+FFFD with an :class:`~threads.errors.EncodingWarning_`; the units
    holding them are flagged ``bad_chars`` by :func:`threads.read`.
    """
    try:
        try:
            data = json.loads(text)
        except RecursionError:
            data = loads_iterative(text)
    except JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        hint = " (the file looks truncated)" if truncated else ""
        raise FormatError(path, f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno}){hint}; "
                                f"expected {expected}") from None
    if _SURROGATE_ESCAPE.search(text):  # cheap test first: a walk over every string only when needed
        data, n = replace_surrogates(data)
        if n:
            warnings.warn(f"{path}: {n} lone surrogate{'s' if n != 1 else ''} replaced with U+FFFD",
                          EncodingWarning_, stacklevel=3)
    return data


def _ws(s: str, idx: int) -> int:
    """Index of the first non-whitespace character at or after ``idx``."""
    m = _WS.match(s, idx)
    return m.end() if m else idx


def loads_iterative(s: str) -> Any:
    """``json.loads`` without recursion: an explicit stack of open containers."""
    stack: list[list] = []  # [container, pending key or None]
    value: Any
    idx = _ws(s, 0)
    while True:
        # --- read one value (or open a container) at idx
        ch = s[idx:idx + 1]
        if ch == "{":
            idx = _ws(s, idx + 1)
            if s[idx:idx + 1] == "}":
                value, idx = {}, idx + 1
            else:
                key, idx = _read_key(s, idx)
                stack.append([{}, key])
                continue
        elif ch == "[":
            idx = _ws(s, idx + 1)
            if s[idx:idx + 1] == "]":
                value, idx = [], idx + 1
            else:
                stack.append([[], None])
                continue
        elif ch == '"':
            value, idx = scanstring(s, idx + 1)
        else:
            value, idx = _read_scalar(s, idx)
        # --- attach the finished value; close containers as far as they end here
        while True:
            if not stack:
                end = _ws(s, idx)
                if end != len(s):
                    raise JSONDecodeError("Extra data", s, end)
                return value
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                container.append(value)
                closer = "]"
            else:
                container[frame[1]] = value
                closer = "}"
            idx = _ws(s, idx)
            ch = s[idx:idx + 1]
            if ch == ",":
                idx = _ws(s, idx + 1)
                if closer == "}":
                    frame[1], idx = _read_key(s, idx)
                break
            if ch == closer:
                idx += 1
                value = stack.pop()[0]
                continue
            raise JSONDecodeError(f"Expecting ',' delimiter or '{closer}'", s, idx)


def _read_key(s: str, idx: int) -> tuple[str, int]:
    if s[idx:idx + 1] != '"':
        raise JSONDecodeError("Expecting property name enclosed in double quotes", s, idx)
    key, idx = scanstring(s, idx + 1)
    idx = _ws(s, idx)
    if s[idx:idx + 1] != ":":
        raise JSONDecodeError("Expecting ':' delimiter", s, idx)
    return key, _ws(s, idx + 1)


def _read_scalar(s: str, idx: int):
    m = _NUMBER.match(s, idx)
    if m and not s.startswith("-Infinity", idx):
        integer, frac, exp = m.groups()
        if frac or exp:
            return float(integer + (frac or "") + (exp or "")), m.end()
        return int(integer), m.end()
    for word, value in _LITERALS:
        if s.startswith(word, idx):
            return value, idx + len(word)
    raise JSONDecodeError("Expecting value", s, idx)


def child_pointer(parent_pointer: str, anchor: str | None, suffix: str, limit: int = 2000) -> str:
    """JSON pointer of a nested object, kept short in very deep threads.

    Up to ``limit`` characters this is an absolute RFC 6901 pointer. Deeper
    (thousands of nested replies) an absolute pointer would grow with the
    depth, making the table quadratic in size, so the pointer restarts from
    the parent object, named by its platform id before a ``#``:
    ``t1_abc#/data/replies/data/children/0``.
    """
    if anchor is not None and len(parent_pointer) + len(suffix) > limit:
        return f"{anchor}#{suffix}"
    return parent_pointer + suffix


def escape_pointer(token: str) -> str:
    """Escape one JSON-pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")
