"""Helpers for content sniffing and for saying what a wrong-platform file looks like."""

from __future__ import annotations

import re
from functools import lru_cache

SNIFF_CHARS = 64 * 1024


@lru_cache(maxsize=256)
def _key_pattern(key: str) -> re.Pattern:
    return re.compile(r'"' + re.escape(key) + r'"\s*:')


def has_keys(head: str, *keys: str) -> bool:
    """True if every ``key`` appears as a JSON object key in ``head``."""
    return all(_key_pattern(k).search(head) for k in keys)


def json_mismatch(data, text: str, path, own: str) -> str:
    """A short phrase saying what ``data`` is instead: another known format, or its top-level shape."""
    from . import registry  # late: the registry imports this module's users

    head = text[:SNIFF_CHARS]
    name = str(getattr(path, "name", path))
    scored = sorted(((f.sniff(head, name), f.name, f.description) for f in registry().values()
                     if f.name != own), reverse=True)
    if scored and scored[0][0] >= 0.5:
        return f"this looks like {scored[0][2]} (format {scored[0][1]!r})"
    if isinstance(data, dict):
        keys = ", ".join(k if len(k) <= 40 else k[:37] + "..." for k in list(map(str, data))[:6])
        keys += f" (+{len(data) - 6} more)" if len(data) > 6 else ""
        return f"found a JSON object with keys {keys or '(none)'}"
    if isinstance(data, list):
        return f"found a JSON array of {len(data)} item(s)"
    return f"found a JSON {type(data).__name__}"
