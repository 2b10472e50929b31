"""Mastodon (and other servers with its API) statuses and their context.

Accepts what a script saving one thread writes: a status with its
``/api/v1/statuses/:id/context`` response (``{"status": {...}, "context":
{"ancestors": [...], "descendants": [...]}}``), the context response on its
own, or a JSON array of statuses. The thread's first status (the first
ancestor, else the status) is the article side (``body`` units from its
content HTML); every other status is a ``comment`` unit keyed by its id,
replying to ``in_reply_to_id`` (the root = top level). ``spoiler_text``
(a content warning) goes to ``subject``; ``private`` / ``direct``
visibility is flagged ``private``. A status the API returns after
deletion (source ``text``, no ``content``) is kept, flagged ``deleted``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text
from ._json import load_json
from ._sniff import has_keys, json_mismatch
from ._social import add_root, host, join_flags, obj
from ._thread import ThreadBuilder, as_text, json_kind

EXPECTED = ('Mastodon API JSON: a status with its context ({"status": ..., "context": {"ancestors": [...], '
            '"descendants": [...]}}), a context on its own, or an array of statuses')
_PRIVATE = ("private", "direct")


def sniff(head: str, name: str) -> float:
    start = head.lstrip()[:1]
    if start == "{" and has_keys(head, "ancestors", "descendants"):
        return 0.9
    if start in "{[" and has_keys(head, "in_reply_to_id", "spoiler_text", "account"):
        return 0.85
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, EXPECTED)
    statuses = _statuses(data, text, path)
    b = ThreadBuilder(path, "mastodon")
    seen: set[str] = set()
    rows: list[tuple[dict, str]] = []
    for st, ptr in statuses:
        if not isinstance(st, dict) or "id" not in st:
            b.problem(doc_id, None, "unreadable", f"{ptr}: expected a Mastodon status, found {json_kind(st)}; skipped")
            continue
        if str(st["id"]) in seen:  # the focal status can also appear in a saved context
            continue
        seen.add(str(st["id"]))
        rows.append((st, ptr))
    if not rows:
        raise FormatError(path, f"expected {EXPECTED}; the file holds no status")
    root, root_ptr = rows[0]
    rid = str(root["id"])
    author = _author(root.get("account"))
    b.doc(doc_id, outlet=host(root.get("url") or root.get("uri")), outlet_kind="social",
          url=root.get("url") or root.get("uri"), published=root.get("created_at"), author=author,
          language=root.get("language") if isinstance(root.get("language"), str) else None)
    if root.get("in_reply_to_id") is not None:
        b.problem(doc_id, None, "missing_parent",
                  f"{root_ptr}: the first status ({rid}) replies to {root['in_reply_to_id']}, which the file "
                  "does not contain (save the context's ancestors); it is read as the thread's start")
    for st, ptr in rows:
        sid = str(st["id"])
        body, flags, bad = _text(st, ptr)
        common: dict[str, Any] = {"author": _author(st.get("account")), "published": st.get("created_at"),
                                  "platform_id": sid, "subject": _cw(st)}
        if st is root:
            add_root(b, doc_id, sid, body, locator=f"{ptr}/content", flags=flags, **common)
            if bad:
                b.problem(doc_id, None, "bad_value", bad)
            continue
        parent = st.get("in_reply_to_id")
        parent_key = None if parent is None or str(parent) == rid else str(parent)
        uid = b.unit(doc_id, sid, "comment", body, parent_key=parent_key, locator=ptr, flags=flags, **common)
        if bad:
            b.problem(doc_id, uid, "bad_value", bad)
    return b.build()


def _statuses(data: Any, text: str, path: Path) -> list[tuple[Any, str]]:
    """The statuses in thread order (ancestors, the status, descendants) with their JSON pointers."""
    if isinstance(data, list):
        return [(s, f"/{i}") for i, s in enumerate(data)]
    if isinstance(data, dict):
        if "id" in data and "content" in data and "account" in data:  # one status
            return [(data, "")]
        context, base, status = data, "", None
        if "context" in data:
            context, base, status = data["context"], "/context", data.get("status")
        if isinstance(context, dict) and ("ancestors" in context or "descendants" in context):
            out: list[tuple[Any, str]] = []
            for part in ("ancestors", "descendants"):
                items = context.get(part, [])
                if not isinstance(items, list):
                    raise FormatError(path, f"{base}/{part}: expected an array of statuses, found "
                                            f"{json_kind(items)}; expected {EXPECTED}")
                out += [(s, f"{base}/{part}/{i}") for i, s in enumerate(items)]
                if part == "ancestors" and status is not None:
                    out.append((status, "/status"))
            return out
    raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(data, text, path, 'mastodon')}")


def _text(st: dict, ptr: str) -> tuple[str, str, str | None]:
    """(plain text, flags, bad-value detail) of a status."""
    vis = "private" if st.get("visibility") in _PRIVATE else ""
    if st.get("content") is None and isinstance(st.get("text"), str):
        # DELETE /api/v1/statuses/:id answers with the source text instead of content
        return st["text"], join_flags("deleted", vis), None
    raw, bad = as_text(st.get("content"), f"{ptr}/content")
    return html_to_text(raw), join_flags("text_lost" if bad else "", vis), bad


def _cw(st: dict) -> str | None:
    cw = st.get("spoiler_text")
    return cw if isinstance(cw, str) and cw else None


def _author(account: Any) -> str | None:
    """``user@instance``: names repeat across servers, and local accounts' ``acct`` omits the host."""
    acc = obj(account)
    acct = acc.get("acct") or acc.get("username")
    if not isinstance(acct, str) or not acct:
        return None
    if "@" in acct:
        return acct
    server = host(acc.get("url"))
    return f"{acct}@{server}" if server else acct


register(Format(
    name="mastodon",
    description="Mastodon API JSON (a status and its context: ancestors, descendants, in_reply_to_id)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
