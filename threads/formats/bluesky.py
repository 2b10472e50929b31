"""Bluesky (AT Protocol) threads: ``app.bsky.feed.getPostThread`` and exported post records.

A getPostThread response (``{"thread": threadViewPost}``) nests the focal
post's ``parent`` chain upwards and its ``replies`` downwards. The topmost
post is the article side (``body`` units from ``record.text``); every other
post is a ``comment`` unit keyed by the record key of its ``at://`` URI
(``platform_id`` the full URI), under the post it replies to. The API's
placeholders are kept as units with no text: ``#blockedPost`` flagged
``blocked``, ``#notFoundPost`` flagged ``not_found`` (deleted, or hidden
from the viewer). A post whose ``replyCount`` is more than the replies the
file holds (the API's ``depth`` limit) gets a ``more_stub`` unit.

Exported records (``com.atproto.repo.getRecord`` / ``listRecords``
responses, or an array of ``{"uri", "value"}`` records) are grouped into one
document per thread (``value.reply.root``); a record replies to
``value.reply.parent``. Parents the export lacks (other people's posts) are
repaired as orphans, never guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._json import child_pointer, load_json
from ._sniff import has_keys, json_mismatch
from ._social import add_root, obj
from ._thread import ThreadBuilder, as_text, json_kind

EXPECTED = ('Bluesky JSON: an app.bsky.feed.getPostThread response ({"thread": {"post": ..., "replies": '
            '[...]}}) or app.bsky.feed.post records ({"uri": ..., "value": ...}, {"records": [...]} or an array)')
_POST = "app.bsky.feed.post"
_PLACEHOLDERS = {"app.bsky.feed.defs#blockedPost": "blocked", "app.bsky.feed.defs#notFoundPost": "not_found"}


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] not in "{[":
        return 0.0
    if has_keys(head, "thread") and "app.bsky.feed.defs#" in head:
        return 0.95
    if has_keys(head, "uri", "value") and f'"{_POST}"' in head:
        return 0.9
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, EXPECTED)
    if isinstance(data, dict) and "thread" in data:
        return _thread(data["thread"], path, doc_id)
    records = _records(data, text, path)
    return _from_records(records, data, path, doc_id)


# ------------------------------------------------------------------ getPostThread
def _rkey(uri: Any) -> str:
    return uri.rsplit("/", 1)[-1] if isinstance(uri, str) and uri else "?"


def _kind(node: Any) -> str | None:
    """"post", "blocked", "not_found", or None when ``node`` is none of the thread view types."""
    if not isinstance(node, dict):
        return None
    t = node.get("$type") if isinstance(node.get("$type"), str) else None
    if t in _PLACEHOLDERS or node.get("blocked") is True or node.get("notFound") is True:
        return (_PLACEHOLDERS.get(t) if t else None) or ("blocked" if node.get("blocked") else "not_found")
    return "post" if isinstance(node.get("post"), dict) else None


def _thread(top: Any, path: Path, doc_id: str) -> Corpus:
    if _kind(top) is None:
        raise FormatError(path, f"/thread: expected a Bluesky thread view (threadViewPost, blockedPost or "
                                f"notFoundPost), found {json_kind(top)}; expected {EXPECTED}")
    # climb the parent chain: its topmost post is the thread's start
    chain = [(top, "/thread")]
    while isinstance(chain[-1][0], dict) and isinstance(chain[-1][0].get("parent"), dict):
        chain.append((chain[-1][0]["parent"], child_pointer(chain[-1][1], None, "/parent")))
    chain.reverse()
    b = ThreadBuilder(path, "bluesky")
    root, root_ptr = chain[0]
    kind = _kind(root)
    post = obj(root.get("post")) if kind == "post" else {}
    uri = post.get("uri") or root.get("uri")
    handle = _author(post.get("author") or root.get("author"))
    b.doc(doc_id, outlet="Bluesky", outlet_kind="social", author=handle, published=_time(post),
          url=_web_url(handle, uri), language=_lang(post))
    rkey = _rkey(uri)
    common: dict[str, Any] = {"author": handle, "published": _time(post), "platform_id": uri}
    if kind == "post":
        body, bad = _text(post, f"{root_ptr}/post/record/text")
        add_root(b, doc_id, rkey, body, locator=f"{root_ptr}/post/record/text", **common)
        if bad:
            b.problem(doc_id, None, "bad_value", bad)
        if obj(obj(post.get("record")).get("reply")).get("parent"):
            b.problem(doc_id, None, "missing_parent", f"{root_ptr}: the first post replies to "
                      f"{obj(post['record']['reply']['parent']).get('uri')}, which the file does not contain "
                      "(ask getPostThread for a larger parentHeight); it is read as the thread's start")
    else:
        b.unit(doc_id, f"{rkey}@0", "body", "", locator=root_ptr, flags=kind or "", **common)
    _walk(b, doc_id, rkey, chain[1:], chain[0])  # the chain below the root, then the replies
    return b.build()


def _walk(b: ThreadBuilder, doc_id: str, root_key: str, chain: list, root_entry: tuple) -> None:
    """Units for the parent chain below the root (each under the one above), then all replies."""
    parent_key = root_key
    todo: list[tuple[Any, str, str]] = []
    if not chain:  # the root is the focal post: its replies hang under it
        todo = _children(b, doc_id, root_entry[0], root_entry[1], root_key)
    for node, ptr in chain:
        key = _unit(b, doc_id, node, ptr, parent_key, root_key)
        parent_key = key
    if chain:
        todo = _children(b, doc_id, chain[-1][0], chain[-1][1], parent_key)
    while todo:
        node, ptr, parent = todo.pop()
        key = _unit(b, doc_id, node, ptr, parent, root_key)
        todo += _children(b, doc_id, node, ptr, key)


def _children(b: ThreadBuilder, doc_id: str, node: Any, ptr: str, key: str) -> list[tuple[Any, str, str]]:
    """The replies under ``node`` (reversed, for a stack) plus a more_stub when replyCount says more exist."""
    if not isinstance(node, dict):
        return []
    replies = b.items(doc_id, node.get("replies"), f"{ptr}/replies")
    count = obj(node.get("post")).get("replyCount")
    if isinstance(count, int) and not isinstance(count, bool) and count > len(replies):
        gap = count - len(replies)
        uid = b.unit(doc_id, f"more:{key}", "meta", f"[{gap} more {'reply' if gap == 1 else 'replies'} not loaded]",
                     parent_key=key, flags="more_stub", locator=f"{ptr}/post/replyCount", visible="")
        b.problem(doc_id, uid, "more_stub", f"{gap} repl{'y' if gap == 1 else 'ies'} to {key} not in this file "
                  "(getPostThread stops at its depth limit; fetch the thread of that post)")
    return [(r, child_pointer(ptr, key, f"/replies/{i}"), key) for i, r in reversed(list(enumerate(replies)))]


def _unit(b: ThreadBuilder, doc_id: str, node: Any, ptr: str, parent: str, root_key: str) -> str:
    kind = _kind(node)
    parent_key = None if parent == root_key else parent
    if kind is None:
        b.problem(doc_id, None, "unreadable", f"{ptr}: not a Bluesky thread view ({json_kind(node)}); skipped")
        return parent
    if kind != "post":
        key = _rkey(node.get("uri"))
        author = _author(node.get("author"))
        b.unit(doc_id, key, "comment", "", parent_key=parent_key, author=author, locator=ptr,
               platform_id=node.get("uri"), flags=kind)
        return key
    post = node["post"]
    key = _rkey(post.get("uri"))
    body, bad = _text(post, f"{ptr}/post/record/text")
    uid = b.unit(doc_id, key, "comment", body, parent_key=parent_key, author=_author(post.get("author")),
                 published=_time(post), locator=ptr, platform_id=post.get("uri"),
                 flags="text_lost" if bad else "")
    if bad:
        b.problem(doc_id, uid, "bad_value", bad)
    return key


def _text(post: dict, where: str) -> tuple[str, str | None]:
    return as_text(obj(post.get("record") or post.get("value")).get("text"), where)


def _time(post: dict) -> Any:
    record = obj(post.get("record") or post.get("value"))
    return record.get("createdAt") or post.get("indexedAt")


def _lang(post: dict) -> str | None:
    langs = obj(post.get("record")).get("langs")
    return langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None


def _author(author: Any) -> str | None:
    a = obj(author)
    return a.get("handle") or a.get("did") or None


def _web_url(handle: str | None, uri: Any) -> str | None:
    if not (handle and isinstance(uri, str) and f"/{_POST}/" in uri):
        return None
    return f"https://bsky.app/profile/{handle}/post/{_rkey(uri)}"


# ------------------------------------------------------------------ exported records
def _records(data: Any, text: str, path: Path) -> list[tuple[Any, str]]:
    if isinstance(data, dict) and "records" in data:
        if not isinstance(data["records"], list):
            raise FormatError(path, f"/records: expected an array of records, found {json_kind(data['records'])}; "
                                    f"expected {EXPECTED}")
        return [(r, f"/records/{i}") for i, r in enumerate(data["records"])]
    if isinstance(data, dict) and "uri" in data and "value" in data:
        return [(data, "")]
    if isinstance(data, list) and any(isinstance(r, dict) and "value" in r for r in data):
        return [(r, f"/{i}") for i, r in enumerate(data)]
    raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(data, text, path, 'bluesky')}")


def _from_records(records: list, data: Any, path: Path, doc_id: str) -> Corpus:
    b = ThreadBuilder(path, "bluesky")
    posts = []
    for r, p in records:
        kind = obj(r.get("value")).get("$type", _POST) if isinstance(r, dict) and isinstance(r.get("value"), dict) \
            else None
        if kind == _POST:
            posts.append((r, p))
        else:  # likes, follows, ... share listRecords pages with posts
            what = f"a {kind} record" if isinstance(kind, str) else json_kind(r)
            b.problem(None, None, "unreadable", f"{p}: {what}, not an {_POST} record; skipped")
    uris = {_str(r.get("uri")) for r, _ in posts}
    roots = list(dict.fromkeys(_root_uri(r) for r, _ in posts))
    doc_of = {u: doc_id if len(roots) == 1 else f"{doc_id}-{_rkey(u)}" for u in roots}
    for r, ptr in posts:
        value, uri = r["value"], _str(r.get("uri"))
        root = _root_uri(r)
        did = doc_of[root]
        author = uri.split("/")[2] if isinstance(uri, str) and uri.startswith("at://") else None
        common: dict[str, Any] = {"author": author, "published": value.get("createdAt"), "platform_id": uri}
        body, bad = as_text(value.get("text"), f"{ptr}/value/text")
        if did not in b.docs:
            b.doc(did, outlet="Bluesky", outlet_kind="social")
            if root != uri and root not in uris:
                b.problem(did, None, "missing_thread", f"{ptr}: the thread's first post {root} is not in the file")
        if uri == root:
            b.docs[did].update(author=author, published=value.get("createdAt"))
            add_root(b, did, _rkey(uri), body, locator=f"{ptr}/value/text", **common)
        else:
            parent = obj(obj(value.get("reply")).get("parent")).get("uri")
            parent_key = None if parent in (None, root) else _rkey(parent)
            b.unit(did, _rkey(uri), "comment", body, parent_key=parent_key, locator=ptr,
                   flags="text_lost" if bad else "", **common)
        if bad:
            b.problem(did, None, "bad_value", bad)
    if isinstance(data, dict) and data.get("cursor"):
        b.problem(None, None, "more_pages", f"the listRecords page has a cursor ({data['cursor']!r}): more records "
                  "exist than this file holds")
    return b.build()


def _root_uri(record: dict) -> str | None:
    return _str(obj(obj(obj(record.get("value")).get("reply")).get("root")).get("uri")) or _str(record.get("uri"))


def _str(value: Any) -> str | None:
    """An id field's value if it is text (anything else: no id)."""
    return value if isinstance(value, str) and value else None


register(Format(
    name="bluesky",
    description="Bluesky JSON (app.bsky.feed.getPostThread thread, or app.bsky.feed.post records)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
