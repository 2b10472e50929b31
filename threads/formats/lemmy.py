"""Lemmy post and comment JSON (API v3).

Accepts a ``GetPostResponse`` (``{"post_view": ...}``), a
``GetCommentsResponse`` (``{"comments": [...]}``, each comment view carrying
its ``post``) or both merged in one object (``{"post_view": ..., "comments":
[...]}``), the shape a scraper saving one thread naturally writes. Each post
is a document (``title``, ``body`` paragraphs from its markdown, a ``meta``
link unit for its ``url``); each comment a ``comment`` unit keyed by its id,
placed in the tree by its ``path`` (``"0.12.34"``: 0 is the post, 34 the
comment itself, 12 its parent). ``deleted`` / ``removed`` comments are kept
and flagged. Authors are ``name@instance`` (from ``actor_id``), since names
repeat across federated instances. Replies that ``counts`` say exist but the
file lacks (the API pages comments) become ``more_stub`` meta units.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import paragraphs
from ._json import load_json
from ._sniff import has_keys, json_mismatch
from ._thread import DELETED_TEXTS, ThreadBuilder, as_text, json_kind

_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
_PATH = re.compile(r"0(?:\.\d+)+").fullmatch
EXPECTED = ('Lemmy API JSON: a post ({"post_view": ...}), its comments ({"comments": [...]} '
            "with path fields), or both in one object")


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] != "{":
        return 0.0
    if has_keys(head, "post_view") and has_keys(head, "post"):
        return 0.9
    if has_keys(head, "comments", "comment", "path", "creator"):
        return 0.9
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, EXPECTED)
    post_view = data.get("post_view") if isinstance(data, dict) else None
    comments = data.get("comments", []) if isinstance(data, dict) else None
    if not isinstance(comments, list) or (post_view is None and not comments) or (
            post_view is not None and not isinstance(post_view, dict)):
        raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(data, text, path, 'lemmy')}")
    # the posts: from post_view, else from the post each comment view carries
    posts: dict[str, dict] = {}
    if post_view:
        post = post_view.get("post") or {}
        if not isinstance(post, dict):
            raise FormatError(path, f"/post_view/post: expected a Lemmy post object, found {json_kind(post)}; "
                                    f"expected {EXPECTED}")
        posts[str(post.get("id"))] = {"view": post_view, "ptr": "/post_view"}
    for i, view in enumerate(comments):
        p = view.get("post") if isinstance(view, dict) else None
        if isinstance(p, dict) and str(p.get("id")) not in posts:
            posts[str(p.get("id"))] = {"view": {"post": p, "community": view.get("community")},
                                       "ptr": f"/comments/{i}"}
    b = ThreadBuilder(path, "lemmy")
    doc_of = {}
    for post_id, entry in posts.items():
        did = doc_id if len(posts) == 1 else f"{doc_id}-{post_id}"
        doc_of[post_id] = did
        _add_post(b, did, entry["view"], entry["ptr"])
    loaded: dict[str, list[str]] = {}  # parent comment id (or "0") -> loaded reply ids
    child_count: dict[str, int] = {}
    for i, view in enumerate(comments):
        ptr = f"/comments/{i}"
        c = view.get("comment") if isinstance(view, dict) else None
        if not isinstance(c, dict) or "id" not in c:
            b.problem(None, None, "unreadable", f"{ptr}: not a Lemmy comment view; skipped")
            continue
        cid = str(c["id"])
        found = doc_of.get(str(c.get("post_id")))
        if found is not None:
            did = found
        else:
            did = f"{doc_id}-{c.get('post_id')}"
            if did not in b.docs:
                b.doc(did)
                b.gap(did, "missing_thread", f"comment {cid} belongs to post {c.get('post_id')}, "
                      "which the file does not contain; kept in a document of its own")
            doc_of[str(c.get("post_id"))] = did
        raw_path, bad_path = c.get("path"), None
        if raw_path is None:
            raw_path = f"0.{cid}"
        elif not (isinstance(raw_path, str) and _PATH(raw_path)):
            # without a readable path the comment's parent is unknown: top level, flagged, never guessed
            bad_path = (f"{ptr}/comment/path: expected a path of comment ids such as \"0.12.{cid}\", found "
                        f"{json_kind(raw_path)}; placed at the top level (flag orphan)")
            raw_path = f"0.{cid}"
        parts = raw_path.split(".")
        parent = parts[-2] if len(parts) > 2 else None
        content, bad_text = as_text(c.get("content"), f"{ptr}/comment/content")
        flags = [f for f in ("deleted", "removed") if c.get(f)]
        text_ = "" if flags and content.strip() in DELETED_TEXTS else content
        flags += ["text_lost"] if bad_text else []
        flags += ["orphan"] if bad_path else []
        uid = b.unit(did, cid, "comment", text_, parent_key=parent, author=_author(view.get("creator")),
                     published=_utc(c.get("published")), locator=f"{ptr}/comment", platform_id=cid,
                     flags=";".join(flags), visible=content)
        for note in (bad_path, bad_text):
            if note:
                b.problem(did, uid, "bad_value", note)
        loaded.setdefault(f"{did}|{parent or '0'}", []).append(cid)
        counts = _obj(view.get("counts"))
        if isinstance(counts.get("child_count"), int):
            child_count[f"{did}|{cid}"] = counts["child_count"]
    _add_stubs(b, posts, doc_of, loaded, child_count)
    return b.build()


def _add_post(b: ThreadBuilder, did: str, view: dict, ptr: str) -> None:
    post = view.get("post") or {}
    pid = str(post.get("id"))
    author = _author(view.get("creator"))
    community = _obj(view.get("community"))
    host = _host(community.get("actor_id"))
    outlet = f"!{community['name']}@{host}" if community.get("name") and host else community.get("name")
    published = _utc(post.get("published"))
    b.doc(did, outlet=outlet, outlet_kind="forum", title=post.get("name"), url=post.get("ap_id"),
          published=published, author=author)
    common: dict[str, Any] = {"author": author, "published": published, "platform_id": pid}
    if post.get("name"):
        b.unit(did, f"post-{pid}:title", "title", post["name"], locator=f"{ptr}/post/name", **common)
    body, bad = as_text(post.get("body"), f"{ptr}/post/body")
    flags = ";".join(f for f in ("deleted", "removed") if post.get(f))
    if bad:
        uid = b.unit(did, f"post-{pid}:body@0", "body", "", locator=f"{ptr}/post/body",
                     flags=";".join([flags, "text_lost"]).strip(";"), **common)
        b.problem(did, uid, "bad_value", bad)
    b.account(did, body)
    for start, end, para in paragraphs(body):
        b.unit(did, f"post-{pid}:body@{start}", "body", para, start=start, end=end,
               locator=f"{ptr}/post/body", flags=flags, visible="", **common)
    if post.get("url"):
        b.unit(did, f"post-{pid}:link", "meta", post["url"], subject="link", locator=f"{ptr}/post/url",
               visible="", **common)


def _add_stubs(b, posts, doc_of, loaded, child_count) -> None:
    """Replies the counts promise but the file lacks, placed as deep as the counts allow.

    ``child_count`` counts all descendants, so a comment's own gap is its
    count minus its loaded replies and minus what those replies report; what
    the post's comment count leaves over after that is a top-level gap.
    """
    placed: dict[str, int] = {}
    for key, total in child_count.items():
        did, cid = key.split("|", 1)
        kids = loaded.get(f"{did}|{cid}", [])
        gap = total - len(kids) - sum(child_count.get(f"{did}|{k}", 0) for k in kids)
        if gap > 0:
            uid = b.unit(did, f"more:{cid}", "meta", f"[{gap} more {_replies(gap)} not loaded]",
                         parent_key=cid, flags="more_stub", visible="")
            b.problem(did, uid, "more_stub", f"{gap} {_replies(gap)} under comment {cid} not in this file")
            placed[did] = placed.get(did, 0) + gap
    for post_id, entry in posts.items():
        did = doc_of[post_id]
        total = _obj(entry["view"].get("counts")).get("comments")
        if not isinstance(total, int):
            continue
        n_loaded = sum(len(v) for k, v in loaded.items() if k.startswith(f"{did}|"))
        gap = total - n_loaded - placed.get(did, 0)
        if gap > 0:
            uid = b.unit(did, "more:post", "meta", f"[{gap} more {'comment' if gap == 1 else 'comments'} not loaded]",
                         flags="more_stub", visible="")
            b.problem(did, uid, "more_stub", f"{gap} comment(s) of post {post_id} not in this file "
                      "(the API pages comments; fetch the other pages)")


def _obj(value) -> dict:
    """``value`` if it is a JSON object, else an empty one (optional parts of a view)."""
    return value if isinstance(value, dict) else {}


def _host(actor_id) -> str | None:
    """The instance of an ``actor_id`` URL (None when it is not a URL)."""
    if not isinstance(actor_id, str):
        return None
    try:
        return urlsplit(actor_id).hostname
    except ValueError:  # e.g. "http://[bad"
        return None


def _replies(n: int) -> str:
    return "reply" if n == 1 else "replies"


def _author(creator) -> str | None:
    if not isinstance(creator, dict) or not creator.get("name"):
        return None
    host = _host(creator.get("actor_id"))
    return f"{creator['name']}@{host}" if host else creator["name"]


def _utc(value):
    # Lemmy before 0.19 writes UTC times without an offset; say so, so nothing reads them as local
    if isinstance(value, str) and value[:1].isdigit() and not _OFFSET.search(value):
        return value + "Z"
    return value


register(Format(
    name="lemmy",
    description="Lemmy API JSON (post_view and/or comments with path)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
