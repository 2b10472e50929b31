"""Discourse topic JSON (``/t/<slug>/<id>.json``): ``post_stream.posts``.

Post 1 is the article (``title`` from the topic, ``body`` paragraphs from its
``cooked`` HTML); later posts are comments keyed by their post id, replying
to the post named by ``reply_to_post_number`` (none, or 1, = top level).
Moderator and system notices (``post_type`` 2 and 3, e.g. "This topic is now
pinned") are ``meta`` units. Deleted posts keep their row, flagged
``deleted`` (text emptied when it is only Discourse's "post withdrawn"
notice); hidden (community-flagged) posts are flagged ``removed``. Post ids
in ``post_stream.stream`` that the file does not include (Discourse sends
the first 20) become one ``more_stub`` meta unit and a problem row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text, paragraphs
from ._json import load_json
from ._sniff import has_keys, json_mismatch
from ._thread import ThreadBuilder, as_text, json_kind, short

EXPECTED = "a Discourse topic JSON (an object with post_stream.posts)"
_NOTICE_TYPES = (2, 3)  # moderator_action, small_action
_WITHDRAWN = ("(post withdrawn by author", "(post deleted by author")


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] == "{" and has_keys(head, "post_stream"):
        return 0.95 if has_keys(head, "post_number") or has_keys(head, "posts") else 0.6
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    topic = load_json(text, path, EXPECTED)
    stream = topic.get("post_stream") if isinstance(topic, dict) else None
    posts = stream.get("posts") if isinstance(stream, dict) else None
    if not isinstance(posts, list):
        raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(topic, text, path, 'discourse')}")
    b = ThreadBuilder(path, "discourse")
    first = next((p for p in posts if isinstance(p, dict) and p.get("post_number") == 1), None)
    slug, tid = topic.get("slug"), topic.get("id")
    b.doc(doc_id, outlet_kind="forum", title=topic.get("title"), published=topic.get("created_at"),
          author=first.get("username") if first else None,
          url=f"/t/{slug}/{tid}" if slug and tid is not None else None)
    if topic.get("title"):
        b.unit(doc_id, f"topic-{tid}:title", "title", topic["title"], locator="/title",
               platform_id=str(tid), author=first.get("username") if first else None,
               published=topic.get("created_at"))
    by_number = {p["post_number"]: str(p.get("id")) for p in posts
                 if isinstance(p, dict) and _is_number(p.get("post_number"))}
    for i, post in enumerate(posts):
        ptr = f"/post_stream/posts/{i}"
        if not isinstance(post, dict) or "id" not in post:
            b.problem(doc_id, None, "unreadable", f"{ptr}: not a Discourse post; skipped")
            continue
        pid = str(post["id"])
        cooked, bad = as_text(post.get("cooked"), f"{ptr}/cooked")
        text_ = html_to_text(cooked)
        flags = ["text_lost"] if bad else []
        if post.get("user_deleted") or post.get("deleted_at"):
            flags.append("deleted")
            if text_.startswith(_WITHDRAWN):
                b.account(doc_id, text_)
                text_ = ""
        if post.get("hidden"):
            flags.append("removed")
        common: dict[str, Any] = {"author": post.get("username"), "published": post.get("created_at"), "platform_id": pid,
                  "flags": ";".join(flags)}
        if post is first:
            b.account(doc_id, text_)
            for start, end, para in paragraphs(text_):
                b.unit(doc_id, f"{pid}@{start}", "body", para, start=start, end=end,
                       locator=f"{ptr}/cooked", visible="", **common)
            if not text_:
                uid = b.unit(doc_id, f"{pid}@0", "body", "", locator=f"{ptr}/cooked", **common)
                if bad:
                    b.problem(doc_id, uid, "bad_value", bad)
            continue
        if post.get("post_type") in _NOTICE_TYPES:
            uid = b.unit(doc_id, pid, "meta", text_, subject=post.get("action_code"), locator=ptr, **common)
            if bad:
                b.problem(doc_id, uid, "bad_value", bad)
            continue
        reply_to = post.get("reply_to_post_number")
        if reply_to is not None and not _is_number(reply_to):
            bad_reply = (f"{ptr}/reply_to_post_number: expected a post number, found {json_kind(reply_to)}; "
                         "placed at the top level (flag orphan)")
            common["flags"] = ";".join([*flags, "orphan"])
            reply_to = None
        else:
            bad_reply = None
        # a post number the file does not hold is kept and repaired (orphan) with a warning
        parent_key = None if reply_to in (None, 1) else by_number.get(reply_to, f"#{reply_to}")
        uid = b.unit(doc_id, pid, "comment", text_, parent_key=parent_key, locator=ptr, **common)
        for detail in (bad, bad_reply):
            if detail:
                b.problem(doc_id, uid, "bad_value", detail)
    ids = b.items(doc_id, stream.get("stream"), "/post_stream/stream") if isinstance(stream, dict) else []
    loaded = set(by_number.values())  # built once: per id it made the topic quadratic (issue 15)
    missing = [str(x) for x in ids if str(x) not in loaded]
    if missing:
        uid = b.unit(doc_id, "more:stream", "meta", f"[{len(missing)} more posts not loaded]",
                     locator="/post_stream/stream", platform_id=" ".join(missing), flags="more_stub",
                     visible="")
        b.problem(doc_id, uid, "more_stub",
                  f"{len(missing)} posts of the topic are not in this file (post ids: {short(missing)})")
    return b.build()


def _is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


register(Format(
    name="discourse",
    description="Discourse topic JSON (post_stream.posts, reply_to_post_number)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
