"""Shared pieces of the social-platform readers (YouTube, Bluesky, Mastodon).

On these platforms a thread starts with one post (a video's description is
not in the comment exports, so for YouTube there is no root post); the
readers make that root post the article side of the document (``body``
units, one per paragraph) and every reply a ``comment`` unit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._htmltext import paragraphs
from ._thread import ThreadBuilder


def add_root(b: ThreadBuilder, doc_id: str, key: str, text: str, *, locator: str,
             flags: str = "", **common: Any) -> None:
    """The thread's first post as ``body`` units (one per paragraph; one empty unit if it has no text)."""
    b.account(doc_id, text)
    paras = paragraphs(text)
    for start, end, para in paras:
        b.unit(doc_id, f"{key}@{start}", "body", para, start=start, end=end, locator=locator,
               flags=flags, visible="", **common)
    if not paras:
        b.unit(doc_id, f"{key}@0", "body", "", locator=locator, flags=flags, visible="", **common)


def host(url: Any) -> str | None:
    """The host name of a URL (None when it is not one)."""
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def obj(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def join_flags(*flags: str | None) -> str:
    return ";".join(dict.fromkeys(f for f in flags if f))
