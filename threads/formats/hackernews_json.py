"""Hacker News items from the Algolia API (``/api/v1/items/<id>``): nested ``children``.

The story is the article (``title`` unit, ``body`` paragraphs from its
``text`` for Ask/Show HN, a ``meta`` link unit for its ``url``); every
comment is a ``comment`` unit keyed by its item id, text converted from
HTML. Items the API returns without author and text are deleted or dead
comments: kept as placeholders flagged ``deleted``. Poll options become
``meta`` units (``subject == "poll option"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text, paragraphs
from ._json import child_pointer, load_json
from ._sniff import has_keys, json_mismatch
from ._thread import ThreadBuilder, as_text

EXPECTED = "a Hacker News item from the Algolia API (an object with id, type, created_at and nested children)"
_ARTICLE_TYPES = ("story", "poll", "job")


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] == "{" and has_keys(head, "created_at_i", "children") and (
            has_keys(head, "story_id") or has_keys(head, "type")):
        return 0.9
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    root = load_json(text, path, EXPECTED)
    if not (isinstance(root, dict) and "id" in root and isinstance(root.get("children", []), list)
            and ("created_at" in root or "created_at_i" in root) and "type" in root):
        raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(root, text, path, 'hackernews-json')}")
    b = ThreadBuilder(path, "hackernews-json")
    rid = str(root["id"])
    is_article = root.get("type") in _ARTICLE_TYPES
    story = rid if is_article else str(root.get("story_id") or rid)
    b.doc(doc_id, outlet="Hacker News", outlet_kind="forum", title=root.get("title"),
          url=f"https://news.ycombinator.com/item?id={story}",
          published=_time(root) if is_article else None, author=root.get("author") if is_article else None)
    stack: list[tuple[Any, str, str | None]]
    if is_article:
        common: dict[str, Any] = {"author": root.get("author"), "published": _time(root), "platform_id": rid}
        if root.get("title"):
            b.unit(doc_id, f"{rid}:title", "title", root["title"], locator="/title", **common)
        raw, bad = as_text(root.get("text"), "/text")
        body = html_to_text(raw)
        if bad:
            b.problem(doc_id, None, "bad_value", bad)
        b.account(doc_id, body)
        for start, end, para in paragraphs(body):
            b.unit(doc_id, f"{rid}:body@{start}", "body", para, start=start, end=end, locator="/text",
                   visible="", **common)
        if root.get("url"):
            b.unit(doc_id, f"{rid}:link", "meta", root["url"], subject="link", locator="/url", visible="",
                   **common)
        for i, opt in enumerate(b.items(doc_id, root.get("options"), "/options")):
            if isinstance(opt, dict):
                b.unit(doc_id, str(opt.get("id", f"option{i}")), "meta", html_to_text(opt.get("text")),
                       subject="poll option", locator=f"/options/{i}", platform_id=str(opt.get("id")),
                       parent_key=None)
        stack = [(c, f"/children/{i}", rid)
                 for i, c in reversed(list(enumerate(b.items(doc_id, root.get("children"), "/children"))))]
    else:  # the file is a comment subtree: the root is a top-level comment of an unseen story
        stack = [(root, "", None)]
    while stack:
        item, ptr, nesting_parent = stack.pop()
        if not isinstance(item, dict) or "id" not in item:
            b.problem(doc_id, None, "unreadable", f"{ptr or '/'}: not a Hacker News item; skipped")
            continue
        iid = str(item["id"])
        parent = str(item["parent_id"]) if item.get("parent_id") is not None else nesting_parent
        parent_key = None if parent in (None, story) or (nesting_parent is None) else parent
        gone = item.get("author") is None and not item.get("text")
        raw, bad = as_text(item.get("text"), f"{ptr}/text")
        uid = b.unit(doc_id, iid, "comment", html_to_text(raw), parent_key=parent_key,
                     author=item.get("author"), published=_time(item), locator=ptr or "/", platform_id=iid,
                     flags="text_lost" if bad else "deleted" if gone else "")
        if bad:
            b.problem(doc_id, uid, "bad_value", bad)
        for i, child in reversed(list(enumerate(b.items(doc_id, item.get("children"), f"{ptr}/children")))):
            stack.append((child, child_pointer(ptr, iid, f"/children/{i}"), iid))
    return b.build()


def _time(item: dict):
    return item.get("created_at") or item.get("created_at_i")  # read (and flagged) by the builder


register(Format(
    name="hackernews-json",
    description="Hacker News item JSON from the Algolia API (nested children)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
