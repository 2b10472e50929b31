"""YouTube comments: Data API ``commentThreads`` / ``comments`` JSON and youtube-comment-downloader JSONL.

YouTube replies are flat: every reply belongs to one top-level comment,
whoever it answers. The readers keep exactly that (a reply's ``parent_id``
is its top-level comment, depth 2). A reply that opens with an ``@handle``
mention (how YouTube shows "replying to") gets the handle in the units'
extra ``reply_to`` column; it is not turned into a deeper tree, since a
handle names a person, not one of their replies. The video itself is not in
these exports: documents have no ``body`` units, only comments.

Data API (``youtube#commentThreadListResponse``, ``youtube#commentListResponse``,
a single thread, or a JSON array of such pages): one document per
``videoId``; ``textOriginal`` is the text (else ``textDisplay`` converted
from HTML), ``publishedAt`` the time, ``authorDisplayName`` the author.
``totalReplyCount`` above the replies the thread carries (the API sends at
most five) gives a ``more_stub`` unit; a ``nextPageToken`` on the last page
a ``more_pages`` problem. ``moderationStatus`` ``heldForReview`` /
``likelySpam`` / ``rejected`` flag ``unapproved`` / ``spam`` / ``removed``;
a thread with ``isPublic: false`` is flagged ``private``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text
from ._json import load_json
from ._sniff import has_keys, json_mismatch
from ._social import join_flags, obj
from ._thread import ThreadBuilder, as_text, json_kind

EXPECTED = ("YouTube Data API JSON: a commentThreads or comments list response ({\"items\": [...]}), "
            "one comment thread, or an array of such pages")
EXPECTED_JSONL = "youtube-comment-downloader JSON Lines (one object per line with cid, text, time, author)"
_MODERATION = {"heldForReview": "unapproved", "likelySpam": "spam", "rejected": "removed"}
_MENTION = re.compile(r"\s*(@[\w.\-]{2,})")
_KINDS = ("youtube#commentThread", "youtube#comment")


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] in "{[" and any(f'"{k}"' in head for k in _KINDS) and has_keys(head, "snippet"):
        return 0.95
    return 0.0


def sniff_jsonl(head: str, name: str) -> float:
    line = head.lstrip("\ufeff").lstrip().split("\n", 1)[0]
    if line[:1] == "{" and has_keys(line, "cid", "text", "time", "author") and (
            has_keys(line, "votes") or has_keys(line, "channel")):
        return 0.9  # above the generic JSONL table reader (0.6)
    return 0.0


# ------------------------------------------------------------------ Data API
def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, EXPECTED)
    pages = data if isinstance(data, list) else [data]
    items: list[tuple[Any, str]] = []
    last_token = None
    for i, page in enumerate(pages):
        base = f"/{i}" if isinstance(data, list) else ""
        if isinstance(page, dict) and page.get("kind") in _KINDS:
            items.append((page, base or "/"))
            continue
        if not (isinstance(page, dict) and "items" in page):
            raise FormatError(path, f"{base or '/'}: expected {EXPECTED}; "
                                    f"{json_mismatch(page, text, path, 'youtube')}")
        if not isinstance(page["items"], list):
            raise FormatError(path, f"{base}/items: expected an array of comment threads or comments, found "
                                    f"{json_kind(page['items'])}; expected {EXPECTED}")
        items += [(it, f"{base}/items/{j}") for j, it in enumerate(page["items"])]
        last_token = page.get("nextPageToken")
    b = ThreadBuilder(path, "youtube")
    videos = list(dict.fromkeys(_video(it) for it, _ in items))
    doc_of = {v: doc_id if len(videos) == 1 else f"{doc_id}-{v}" for v in videos}
    for v, did in doc_of.items():
        b.doc(did, outlet="YouTube", outlet_kind="video",
              url=f"https://www.youtube.com/watch?v={v}" if v else None)
    mentions: dict[str, str] = {}
    for it, ptr in items:
        if not isinstance(it, dict) or "id" not in it:
            b.problem(None, None, "unreadable", f"{ptr}: not a YouTube comment or thread ({json_kind(it)}); skipped")
            continue
        did = doc_of[_video(it)]
        if it.get("kind") == "youtube#comment":  # comments.list: replies name their top-level comment
            parent = obj(it.get("snippet")).get("parentId")
            _comment(b, did, it, ptr, parent, "", mentions)
            continue
        snip = obj(it.get("snippet"))
        flags = "" if snip.get("isPublic", True) is not False else "private"
        top = snip.get("topLevelComment")
        top_key = str(obj(top).get("id") or it["id"])
        _comment(b, did, top, f"{ptr}/snippet/topLevelComment", None, flags, mentions)
        replies = b.items(did, obj(it.get("replies")).get("comments"), f"{ptr}/replies/comments")
        for j, reply in enumerate(replies):
            _comment(b, did, reply, f"{ptr}/replies/comments/{j}", top_key, flags, mentions)
        total = snip.get("totalReplyCount")
        if isinstance(total, int) and not isinstance(total, bool) and total > len(replies):
            gap = total - len(replies)
            uid = b.unit(did, f"more:{top_key}", "meta", f"[{gap} more {'reply' if gap == 1 else 'replies'} not loaded]",
                         parent_key=top_key, flags="more_stub", locator=f"{ptr}/snippet/totalReplyCount", visible="")
            b.problem(did, uid, "more_stub", f"{gap} repl{'y' if gap == 1 else 'ies'} to comment {top_key} not in this "
                      "file (commentThreads sends at most 5; fetch comments.list?parentId=...)")
    if last_token:
        b.problem(None, None, "more_pages", f"the last page has a nextPageToken ({last_token!r}): more comments exist "
                  "than this file holds")
    return _with_mentions(b.build(), mentions)


def _video(item: Any) -> str:
    snip = obj(obj(item).get("snippet"))
    top = obj(obj(snip.get("topLevelComment")).get("snippet"))
    return str(snip.get("videoId") or top.get("videoId") or "")


def _comment(b: ThreadBuilder, did: str, c: Any, ptr: str, parent: Any, flags: str, mentions: dict) -> None:
    if not isinstance(c, dict) or "id" not in c:
        b.problem(did, None, "unreadable", f"{ptr}: not a YouTube comment ({json_kind(c)}); skipped")
        return
    snip = obj(c.get("snippet"))
    if isinstance(snip.get("textOriginal"), str):
        body, bad = snip["textOriginal"], None
    else:
        raw, bad = as_text(snip.get("textDisplay"), f"{ptr}/snippet/textDisplay")
        body = html_to_text(raw)
    cid = str(c["id"])
    uid = b.unit(did, cid, "comment", body, parent_key=str(parent) if parent else None,
                 author=snip.get("authorDisplayName") or None, published=snip.get("publishedAt"), locator=ptr,
                 platform_id=cid, flags=join_flags(flags, _MODERATION.get(str(snip.get("moderationStatus"))),
                                                   "text_lost" if bad else ""))
    if bad:
        b.problem(did, uid, "bad_value", bad)
    _mention(mentions, uid, parent, body)


def _mention(mentions: dict, uid: str, parent: Any, body: str) -> None:
    m = _MENTION.match(body) if parent else None
    if m:
        mentions[uid] = m.group(1)


def _with_mentions(corpus: Corpus, mentions: dict[str, str]) -> Corpus:
    """Add the ``reply_to`` column: the ``@handle`` a reply opens with (NA for none)."""
    corpus.units["reply_to"] = corpus.units["unit_id"].map(mentions).astype("str")
    return corpus


# ------------------------------------------------------------------ youtube-comment-downloader JSONL
def parse_jsonl(text: str, path: Path, doc_id: str) -> Corpus:
    b = ThreadBuilder(path, "youtube-jsonl")
    b.doc(doc_id, outlet="YouTube", outlet_kind="video")
    mentions: dict[str, str] = {}
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        rec = load_json(line, f"{path}, line {n}", EXPECTED_JSONL)
        if not isinstance(rec, dict) or "cid" not in rec:
            raise FormatError(path, f"line {n}: expected {EXPECTED_JSONL}, found "
                                    f"{json_kind(rec) if not isinstance(rec, dict) else 'an object without cid'}")
        cid = str(rec["cid"])
        parent = cid.split(".", 1)[0] if "." in cid else None
        if rec.get("reply") is True and parent is None:
            b.problem(doc_id, None, "bad_value", f"line {n}: reply {cid!r} has no 'parent.child' id; "
                      "placed at the top level")
        body, bad = as_text(rec.get("text"), f"line {n}/text")
        uid = b.unit(doc_id, cid, "comment", body, parent_key=parent, author=rec.get("author") or None,
                     published=rec.get("time_parsed"), locator=f"line {n}", platform_id=cid,
                     flags="text_lost" if bad else "")
        if bad:
            b.problem(doc_id, uid, "bad_value", bad)
        _mention(mentions, uid, parent, body)
    return _with_mentions(b.build(), mentions)


register(Format(
    name="youtube",
    description="YouTube Data API JSON (commentThreads / comments list responses)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
register(Format(
    name="youtube-jsonl",
    description="youtube-comment-downloader JSON Lines (cid, text, time, author, votes)",
    sniff=sniff_jsonl, parse=parse_jsonl, extensions=(".jsonl", ".json"),
))
