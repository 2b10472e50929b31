"""RumourEval thread folders (SemEval-2017 task 8 / 2019 task 7), Twitter and Reddit.

A thread is a folder::

    <thread id>/structure.json          the reply tree: {"src": {"reply": {"reply2": []}, ...}}
    <thread id>/source-tweet/<id>.json  the source post (a tweet, or a Reddit Listing of one t3)
    <thread id>/replies/<id>.json       one file per reply (a tweet, or a Reddit t1/"more" thing)
    <thread id>/urls.dat, raw.json      ignored (raw.json repeats the Reddit thread)

The format claims ``structure.json`` and reads its sibling folders, so the
folder is ONE document: :func:`threads.read` on a thread folder, an event
folder or the whole data set collapses each thread folder to its
``structure.json`` (``options["folder_entry"]``, see :func:`thread_folder_entry`).
The source post is a ``body`` unit (a Reddit post: a ``title`` unit keyed by
the post id, plus a ``body`` unit for its selftext); each reply is a
``comment`` unit whose parent is the post it answers. ``platform_id`` is the
tweet / Reddit id, the key of RumourEval's answer files
(:func:`analysis.validation.rumoureval.read_rumoureval_key`). A reply that
``structure.json`` names but whose file is absent (deleted before the data
was collected) is kept as an empty unit flagged ``text_lost`` with a
``missing_reply`` problem row, so its replies keep their place in the tree.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..decode import DEFAULT_MAX_BYTES, decode_text, read_bytes
from ..errors import FormatError, InputError
from . import Format, register
from ._json import load_json
from ._thread import DELETED_TEXTS, DataGapWarning, ThreadBuilder

STRUCTURE = "structure.json"
SOURCE_DIR = "source-tweet"
REPLIES_DIR = "replies"
EXPECTED = ('RumourEval structure.json: {"<source id>": {"<reply id>": {...} or [], ...}} '
            "beside source-tweet/ and replies/ folders")
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def thread_folder_entry(folder: Path) -> Path | None:
    """``folder/structure.json`` when ``folder`` is a RumourEval thread folder, else None."""
    entry = folder / STRUCTURE
    return entry if entry.is_file() and (folder / SOURCE_DIR).is_dir() else None


def sniff(head: str, name: str) -> float:
    if name != STRUCTURE or head.lstrip()[:1] != "{":
        return 0.0
    return 0.9


def _load(path: Path, expected: str, structure: Path):
    """A sibling file of ``structure.json``; its errors name it, under the thread's entry file."""
    try:
        return _post_fields(load_json(decode_text(read_bytes(path, DEFAULT_MAX_BYTES), path), path, expected),
                            path)
    except InputError as exc:
        raise FormatError(structure, f"{path.parent.name}/{path.name}: {exc.problem}") from None


def _walk(tree: dict, root: str, path: Path) -> list[tuple[str, str]]:
    """(post id, parent id) for every reply, depth-first in the order structure.json lists them."""
    out: list[tuple[str, str]] = []
    stack: list[tuple[str, str, Any]] = [(str(k), root, v) for k, v in reversed(list(tree.items()))]
    while stack:
        pid, par, node = stack.pop()
        out.append((pid, par))
        if isinstance(node, list):
            if node:
                raise FormatError(path, f"the replies of {pid} are a non-empty list; expected {EXPECTED}")
            continue
        if not isinstance(node, dict):
            raise FormatError(path, f"the replies of {pid} are a JSON {type(node).__name__}; "
                                    f"expected {EXPECTED}")
        stack.extend((str(k), pid, v) for k, v in reversed(list(node.items())))
    return out


def _tweet_time(value):
    if isinstance(value, str):
        try:
            return datetime.strptime(value, _TWITTER_TIME)
        except ValueError:
            return value  # the builder flags it bad_date
    return value


def _post_fields(data: Any, file: Path) -> dict:
    """author, published, text, title, platform, kind of one post file (tweet or Reddit thing)."""
    if not isinstance(data, dict):
        raise FormatError(file, f"expected a tweet or a Reddit thing (a JSON object); found a JSON "
                                f"{type(data).__name__}")
    if data.get("kind") == "Listing":  # a Reddit source post: a listing of one t3
        children = (data.get("data") or {}).get("children") or []
        if not children or not isinstance(children[0], dict):
            raise FormatError(file, "a Reddit listing with no post in it")
        data = children[0]
    if "kind" in data and isinstance(data.get("data"), dict):  # Reddit t1 / t3 / more
        d = data["data"]
        kind = data["kind"]
        text = d.get("body") if kind == "t1" else d.get("selftext")
        return {"platform": "reddit", "kind": kind, "id": d.get("id"), "author": d.get("author"),
                "published": d.get("created_utc"), "text": text or "", "title": d.get("title"),
                "url": ("https://www.reddit.com" + d["permalink"]) if d.get("permalink") else None,
                "outlet": f"r/{d['subreddit']}" if d.get("subreddit") else None}
    if "text" in data or "full_text" in data:
        user = data.get("user") or {}
        name = user.get("screen_name")
        tid = data.get("id_str") or data.get("id")
        return {"platform": "twitter", "kind": "tweet", "id": tid, "author": name,
                "published": _tweet_time(data.get("created_at")),
                "text": data.get("full_text") or data.get("text") or "", "title": None,
                "url": f"https://twitter.com/{name}/status/{tid}" if name and tid else None, "outlet": "Twitter"}
    raise FormatError(file, "neither a tweet (no 'text') nor a Reddit thing (no 'kind' and 'data')")


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    path = Path(path)
    tree = load_json(text, path, EXPECTED)
    if not isinstance(tree, dict) or not tree:
        raise FormatError(path, f"expected an object naming the source post; expected {EXPECTED}")
    folder = path.parent
    # the source: the key named like the folder, else the one with a source-tweet file
    keys = list(tree)  # JSON object keys are strings
    root = folder.name if folder.name in tree else next(
        (k for k in keys if (folder / SOURCE_DIR / f"{k}.json").is_file()), keys[0])
    replies = tree[root]
    if not isinstance(replies, dict) and replies != []:
        raise FormatError(path, f"the replies of {root} are a JSON {type(replies).__name__}; expected {EXPECTED}")
    # other top-level keys (some RumourEval threads have them): replies whose parent the file does not give
    loose = {k: v for k, v in tree.items() if k != root}
    src_file = folder / SOURCE_DIR / f"{root}.json"
    if not src_file.is_file():
        raise InputError(src_file, f"the source post {root} that {path.name} names is missing")
    src = _load(src_file, "a tweet or a Reddit listing", path)
    edges = _walk(replies, root, path) if isinstance(replies, dict) else []
    if loose:
        edges += _walk(loose, root, path)
    did = root  # the thread id: RumourEval's keys name posts, and threads by their source id
    b = ThreadBuilder(path, f"rumoureval-{src['platform']}")
    b.doc(did, outlet=src["outlet"], outlet_kind="social", title=src["title"] or src["text"][:80],
          url=src["url"], published=src["published"], author=src["author"])
    common = {"author": src["author"], "published": src["published"]}
    loc = f"{SOURCE_DIR}/{src_file.name}"
    if src["platform"] == "reddit":
        b.unit(did, root, "title", src["title"] or "", locator=loc, platform_id=root, **common)
        if src["text"]:
            b.unit(did, f"{root}:body", "body", src["text"], parent_key=root, locator=loc, **common)
    else:
        b.unit(did, root, "body", src["text"], locator=loc, platform_id=root, **common)
    missing: list[str] = []
    for pid in loose:
        b.problem(did, f"{did}:{pid}", "detached_reply", f"{path.name} lists {pid} beside the source post, "
                  f"not under it; attached as a reply to the source {root}")
    for pid, parent in edges:
        file = folder / REPLIES_DIR / f"{pid}.json"
        loc = f"{REPLIES_DIR}/{pid}.json"
        if not file.is_file():
            missing.append(pid)
            uid = b.unit(did, pid, "comment", "", parent_key=parent, locator=loc, platform_id=pid,
                         flags="text_lost")
            b.problem(did, uid, "missing_reply", f"{path.name} names reply {pid} but {loc} is absent; "
                      "kept as an empty unit flagged text_lost")
            continue
        post = _load(file, "a tweet or a Reddit comment", path)
        if post["kind"] == "more":
            uid = b.unit(did, pid, "meta", "[more replies not loaded]", parent_key=parent, locator=loc,
                         platform_id=pid, flags="more_stub", visible="")
            b.problem(did, uid, "more_stub", f"{loc} is a Reddit 'more' placeholder, not a comment")
            continue
        flags = "deleted" if post["text"].strip() in DELETED_TEXTS else ""
        b.unit(did, pid, "comment", "" if flags else post["text"], parent_key=parent, author=post["author"],
               published=post["published"], locator=loc, platform_id=pid, flags=flags, visible=post["text"])
    if missing:
        warnings.warn(f"{path}: {len(missing)} repl{'y' if len(missing) == 1 else 'ies'} named but absent "
                      f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}); kept as empty "
                      "units flagged text_lost", DataGapWarning, stacklevel=2)
    return b.build()


register(Format(
    name="rumoureval",
    description="RumourEval thread folder (structure.json + source-tweet/ + replies/, Twitter or Reddit)",
    sniff=sniff, parse=parse, extensions=(".json",),
    options={"folder_entry": thread_folder_entry},
))
