"""Reddit thread JSON (the ``.json`` of a comments page) and ``morechildren`` responses.

A thread file is a two-element array of Listings: the post (``t3``) and the
comment forest (``t1`` with nested ``replies``, plus ``more`` stubs).

* the post becomes the article: a ``title`` unit, ``body`` units (one per
  paragraph of ``selftext``, markdown as written) and, for link posts, a
  ``meta`` unit holding the link target (``subject == "link"``);
* every ``t1`` is a ``comment`` unit (``platform_id`` = its fullname, e.g.
  ``t1_cklhv0f``; ``parent_id`` from its ``parent_id``: ``t3_`` = top level);
* ``[deleted]`` / ``[removed]`` comments keep their row with empty text and
  the flag ``deleted`` / ``removed``, so their replies keep their parent;
* each ``more`` stub becomes a ``meta`` unit flagged ``more_stub`` under the
  unit whose replies are missing, text ``[load more comments (N replies)]``
  (or ``[continue this thread]``), ``platform_id`` = the missing children's
  fullnames, space-separated; plus a ``more_stub`` row in ``Corpus.problems``.

A ``morechildren`` response (``{"json": {"data": {"things": [...]}}}``) is
merged into the thread it belongs to by :func:`merge_morechildren`, which
``threads.read([thread, morechildren])`` calls for you.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ..decode import read_text
from ..errors import FormatError
from ..schema import PROBLEM_COLUMNS
from ..tree import repair_reply_tree
from . import Format, register
from ._htmltext import paragraphs
from ._json import child_pointer, load_json
from ._sniff import SNIFF_CHARS, has_keys, json_mismatch
from ._thread import (
    UNIT_FIELDS,
    ThreadBuilder,
    as_text,
    covered_by_doc,
    fix_stub_depths,
    short,
)

EXPECTED = "a Reddit thread (.json of a comments page: a 2-element array of Listings, post then comments)"
EXPECTED_MORE = 'a Reddit morechildren response ({"json": {"data": {"things": [...]}}})'
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}
_ESCAPED = re.compile(r'"(?:body|selftext)_html"\s*:\s*"(?:&|\\u0026)lt;')


def sniff(head: str, name: str) -> float:
    start = head.lstrip()[:1]
    if start == "[" and has_keys(head, "kind", "data") and '"Listing"' in head and '"t3"' in head:
        return 0.95
    return 0.0


def sniff_more(head: str, name: str) -> float:
    if head.lstrip()[:1] == "{" and has_keys(head, "json", "things") and '"kind"' in head:
        return 0.95
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, EXPECTED)
    post, forest = _thread_parts(data, text, path)
    unescape = text_decoder(text)
    b = ThreadBuilder(path, "reddit")
    fullname = str(post.get("name") or f"t3_{post.get('id')}")
    author = _author(post.get("author"))
    published = post.get("created_utc")  # the builder reads (and flags) it: threads.times
    permalink = post.get("permalink")
    base = "/0/data/children/0/data"
    title, bad_title = as_text(post.get("title"), f"{base}/title")
    title = unescape(title)
    b.doc(doc_id, outlet=f"r/{post['subreddit']}" if post.get("subreddit") else None, outlet_kind="forum",
          title=title or None, published=published, author=author,
          url=f"https://www.reddit.com{permalink}" if permalink else post.get("url"))
    common: dict[str, Any] = {"author": author, "published": published, "platform_id": fullname}
    uid = b.unit(doc_id, f"{fullname}:title", "title", title, locator=f"{base}/title",
                 flags="text_lost" if bad_title else "", **common)
    if bad_title:
        b.problem(doc_id, uid, "bad_value", bad_title)
    selftext, bad_body = as_text(post.get("selftext"), f"{base}/selftext")
    selftext = unescape(selftext)
    if bad_body or selftext.strip() in _GONE:
        uid = b.unit(doc_id, f"{fullname}:body", "body", "", locator=f"{base}/selftext",
                     flags="text_lost" if bad_body else _GONE[selftext.strip()], visible=selftext, **common)
        if bad_body:
            b.problem(doc_id, uid, "bad_value", bad_body)
    else:
        b.account(doc_id, selftext)
        for start, end, para in paragraphs(selftext):
            b.unit(doc_id, f"{fullname}:body@{start}", "body", para, start=start, end=end,
                   locator=f"{base}/selftext", visible="", **common)
    if not post.get("is_self", True) and post.get("url"):
        b.unit(doc_id, f"{fullname}:link", "meta", post["url"], subject="link", locator=f"{base}/url",
               visible="", **common)
    walk(b, doc_id, forest, "/1/data/children", fullname, unescape=unescape)
    return b.build()


def _thread_parts(data, text: str, path) -> tuple[dict, list]:
    try:
        post = data[0]["data"]["children"][0]
        forest = data[1]["data"]["children"]
        ok = (isinstance(data, list) and len(data) == 2 and post.get("kind") == "t3"
              and isinstance(forest, list))
    except (KeyError, IndexError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise FormatError(path, f"expected {EXPECTED}; {json_mismatch(data, text, path, 'reddit')}")
    if not isinstance(post.get("data"), dict):
        raise FormatError(path, f"/0/data/children/0: the post (t3) has no \"data\" object; expected {EXPECTED}")
    return post["data"], forest


def walk(b: ThreadBuilder, doc_id: str, things: list, pointer: str, post_fullname: str,
         anchor_file: str | None = None, unescape=lambda s: s) -> None:
    """Add every ``t1`` and ``more`` under ``things`` (pre-order, explicit stack, no recursion)."""
    prefix = f"{anchor_file}#" if anchor_file else ""
    stack: list[tuple[Any, str, str | None]] = [(thing, f"{prefix}{pointer}/{i}", None) for i, thing in reversed(list(enumerate(things)))]
    while stack:
        thing, ptr, nesting_parent = stack.pop()
        kind = thing.get("kind") if isinstance(thing, dict) else None
        data = thing.get("data") if isinstance(thing, dict) else None
        if not isinstance(data, dict):
            b.problem(doc_id, None, "unreadable", f"{ptr}: not a Reddit thing (no kind/data); skipped")
            continue
        parent = str(data.get("parent_id") or nesting_parent or post_fullname)
        parent_key = None if parent.startswith("t3_") else parent
        if kind == "t1":
            fullname = str(data.get("name") or f"t1_{data.get('id')}")
            body, bad = as_text(data.get("body"), f"{ptr}/data/body")
            body = unescape(body)
            flag = "text_lost" if bad else _GONE.get(body.strip(), "")
            uid = b.unit(doc_id, fullname, "comment", "" if flag else body, parent_key=parent_key,
                         author=_author(data.get("author")), published=data.get("created_utc"),
                         locator=ptr, platform_id=fullname, flags=flag, visible=body)
            if bad:
                b.problem(doc_id, uid, "bad_value", bad)
            replies = data.get("replies")
            listing = replies.get("data") if isinstance(replies, dict) else None
            if isinstance(listing, dict):
                children = b.items(doc_id, listing.get("children"), f"{ptr}/data/replies/data/children")
            else:
                children = []
                if isinstance(replies, dict):
                    b.problem(doc_id, uid, "bad_value", f"{ptr}/data/replies: a Listing without a \"data\" "
                              "object; its replies were not read")
            for i, child in reversed(list(enumerate(children))):
                child_ptr = child_pointer(ptr, fullname, f"/data/replies/data/children/{i}")
                stack.append((child, child_ptr, fullname))
        elif kind == "more":
            _add_stub(b, doc_id, data, parent, parent_key, ptr)
        else:
            b.problem(doc_id, None, "unreadable", f"{ptr}: unexpected kind {kind!r}; skipped")


def _add_stub(b: ThreadBuilder, doc_id: str, data: dict, parent: str, parent_key, ptr: str) -> None:
    children = [str(c) for c in b.items(doc_id, data.get("children"), f"{ptr}/data/children")]
    count = data.get("count") or 0
    if children:
        text = f"[load more comments ({count} {'reply' if count == 1 else 'replies'})]"
        key = f"more:{parent}:{children[0]}"
        detail = f"{count} {'reply' if count == 1 else 'replies'} under {parent} are not in this export (missing children: {short(children)})"
    else:  # Reddit's "continue this thread": the nesting limit of the page was reached
        text = "[continue this thread]"
        key = f"more:{parent}:continue"
        detail = f"replies under {parent} continue on another page (nesting limit of the export)"
    unit_id = b.unit(doc_id, key, "meta", text, parent_key=parent_key, locator=ptr,
                     platform_id=" ".join(f"t1_{c}" for c in children) or None, flags="more_stub",
                     visible="")
    b.problem(doc_id, unit_id, "more_stub", detail)


def text_decoder(text: str):
    """Undo the HTML escaping of Reddit's default JSON, or nothing for ``raw_json=1`` files.

    Without ``raw_json=1`` Reddit writes ``&``, ``<`` and ``>`` in titles and
    bodies as ``&amp;``, ``&lt;`` and ``&gt;``; its ``*_html`` fields then
    start with ``&lt;``, which tells the two apart. Only those three are
    undone (``&amp;`` last), so text a user typed as ``&nbsp;`` survives.
    """
    if not _ESCAPED.search(text[:SNIFF_CHARS]):
        return lambda s: s

    def unescape(s):
        if not s or "&" not in s:
            return s
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    return unescape


def _author(name) -> str | None:
    return None if name in (None, "", "[deleted]", "[removed]") else str(name)


# ---------------------------------------------------------------------- morechildren
def parse_more(text: str, path: Path, doc_id: str) -> Corpus:
    _more_things(load_json(text, path, EXPECTED_MORE), text, path)  # wrong shape: say what it is
    raise FormatError(path, (
        "a Reddit morechildren response holds only comments and is merged into its thread: "
        "threads.read([thread_json, this_file]) or "
        "threads.formats.reddit.merge_morechildren(corpus, this_file)"))


def merge_morechildren(corpus: Corpus, *paths: str | os.PathLike) -> Corpus:
    """Merge ``morechildren`` responses into the Reddit thread they belong to.

    The thread is found by the post's fullname (``link_id`` of the comments).
    Loaded comments are placed under their parents, in the position of the
    stub they replace; a stub whose children are all loaded is removed (with
    its ``problems`` row), a partly loaded one keeps the ids still missing.
    Locators of merged units name their file: ``file.json#/json/data/things/3``.
    Returns a new Corpus; ``corpus`` is not modified.

    >>> import threads                                      # doctest: +SKIP
    >>> c = threads.read("thread.json")                     # doctest: +SKIP
    >>> c = merge_morechildren(c, "morechildren.json")      # doctest: +SKIP
    """
    for p in paths:
        corpus = merge_morechildren_text(corpus, read_text(p), Path(p))
    return corpus


def _more_things(data, text: str, path) -> list:
    try:
        things = data["json"]["data"]["things"]
        errors = data["json"].get("errors") or []
        ok = isinstance(things, list)
    except (KeyError, TypeError, AttributeError, IndexError):
        ok, errors = False, []
    if not ok:
        raise FormatError(path, f"expected {EXPECTED_MORE}; {json_mismatch(data, text, path, 'reddit-morechildren')}")
    if errors:
        raise FormatError(path, f"the morechildren response reports errors: {errors}")
    return things


def merge_morechildren_text(corpus: Corpus, text: str, path: Path) -> Corpus:
    things = _more_things(load_json(text, path, EXPECTED_MORE), text, path)
    if not things:
        return corpus
    datas = [t.get("data") for t in things if isinstance(t, dict)]
    links = {str(d["link_id"]) for d in datas if isinstance(d, dict) and d.get("link_id") is not None}
    if len(links) != 1:
        raise FormatError(path, f"expected comments of one thread, found link ids {sorted(links) or 'none'}")
    link = links.pop()
    u = corpus.units
    hit = u[(u["role"] == "title") & (u["platform_id"] == link)]
    if hit.empty:
        raise FormatError(path, (
            f"morechildren response for post {link}, but no thread with that post was read; "
            "read the thread file together with it: threads.read([thread_json, this_file])"))
    doc_id = hit["doc_id"].iloc[0]

    b = ThreadBuilder(path, "reddit")
    walk(b, doc_id, things, "/json/data/things", link, anchor_file=path.name, unescape=text_decoder(text))
    new = pd.DataFrame(b.units, columns=UNIT_FIELDS)
    doc_units = u[u["doc_id"] == doc_id]
    present = set(doc_units["unit_id"])
    duplicate = new["unit_id"].isin(present)
    new = new[~duplicate]
    loaded = set(new["platform_id"].dropna())
    new_parents = set(new["parent_id"].dropna())

    # resolve the stubs the loaded comments stand in for
    keep = doc_units.copy()
    resolved: set[str] = set()
    anchor_pos: dict[str, int] = {}  # loaded platform id -> position of the stub it replaces
    for idx, row in keep[keep["flags"].str.contains("more_stub")].iterrows():
        missing = row["platform_id"].split() if pd.notna(row["platform_id"]) else []
        if missing:
            hits = [m for m in missing if m in loaded]
            for m in hits:
                anchor_pos[m] = row["position"]
            if not hits:
                continue
            remaining = [m for m in missing if m not in loaded]
            if not remaining:
                resolved.add(row["unit_id"])
            else:
                keep.loc[idx, "platform_id"] = " ".join(remaining)
                keep.loc[idx, "text"] = f"[load more comments (at least {len(remaining)} replies)]"
        elif pd.notna(row["parent_id"]) and row["parent_id"] in new_parents:
            resolved.add(row["unit_id"])
    keep = keep[~keep["unit_id"].isin(resolved)]

    # order: loaded comments take the place of their stub, replies follow their parents
    last = int(doc_units["position"].max()) + 1 if len(doc_units) else 0
    keys = {uid: (int(p), 0, 0) for uid, p in zip(keep["unit_id"], keep["position"], strict=True)}
    for i, (uid, pid) in enumerate(zip(new["unit_id"], new["platform_id"], strict=True)):
        keys[uid] = (int(anchor_pos.get(pid, last)), 1, i)
    merged = pd.concat([keep.drop(columns=["depth"]), new], ignore_index=True)
    merged["position"] = _preorder(merged, keys)
    merged = merged.sort_values("position", kind="stable")
    merged, repairs = repair_reply_tree(merged)
    merged = fix_stub_depths(merged)

    problems = corpus.problems[~corpus.problems["unit_id"].isin(resolved)]
    extra = b.problems + [{"source_path": str(path), **r} for r in repairs]
    if duplicate.any():
        extra.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA, "problem": "duplicate_id",
                      "detail": f"{int(duplicate.sum())} comments were already in the thread; kept once"})
    docs = corpus.docs.copy()
    row = docs["doc_id"] == doc_id
    added = int(covered_by_doc(new).sum()) if len(new) else 0
    shown, shown_nonspace = b.visible_totals()
    docs.loc[row, "source_chars"] = docs.loc[row, "source_chars"].fillna(0) + shown
    docs.loc[row, "unaccounted_chars"] = (docs.loc[row, "unaccounted_chars"].fillna(0)
                                          + max(0, shown_nonspace - added))
    doc_order = {d: i for i, d in enumerate(docs["doc_id"])}
    units = pd.concat([u[u["doc_id"] != doc_id], merged], ignore_index=True).sort_values(
        "doc_id", key=lambda s: s.map(doc_order), kind="stable")
    return Corpus(docs=docs, units=units,
                  problems=pd.concat([problems, pd.DataFrame(extra, columns=PROBLEM_COLUMNS)],
                                     ignore_index=True))


def _preorder(units: pd.DataFrame, keys: dict) -> np.ndarray:
    """Positions by a pre-order walk: roots, then each unit's replies, siblings ordered by ``keys``."""
    ids = units["unit_id"].tolist()
    present = set(ids)
    children: dict[str | None, list[str]] = {}
    for uid, parent in zip(ids, units["parent_id"], strict=True):
        parent = parent if isinstance(parent, str) and parent in present else None
        children.setdefault(parent, []).append(uid)
    for kids in children.values():
        kids.sort(key=lambda k: keys[k])
    order: dict[str, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        uid = stack.pop()
        if uid in order:
            continue
        order[uid] = len(order)
        stack.extend(reversed(children.get(uid, [])))
    for uid in ids:  # units on a loop are not reachable from a root; keep them, at the end
        order.setdefault(uid, len(order))
    return np.array([order[uid] for uid in ids])


register(Format(
    name="reddit",
    description="Reddit thread JSON (.json of a comments page): post, comments, more stubs",
    sniff=sniff, parse=parse, extensions=(".json",),
))
register(Format(
    name="reddit-morechildren",
    description="Reddit morechildren response: merged into its thread read in the same call",
    sniff=sniff_more, parse=parse_more, extensions=(".json",),
    options={"merge": merge_morechildren_text},
))
