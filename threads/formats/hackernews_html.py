"""Hacker News item pages (``news.ycombinator.com/item?id=...`` saved as HTML).

HN prints its comment tree flat: one ``tr.athing.comtr`` row per comment with
the depth in ``td.ind[indent]`` (older pages: the spacer image's width, 40 px
a level). The reply tree is rebuilt with a stack of the open ancestors, one
pass, no recursion. Times come from ``span.age[title]`` (UTC on HN).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from ..errors import FormatError, ReplyTreeWarning
from . import Format, register
from ._html import (
    clean,
    looks_like_html,
    looks_truncated,
    parse_html,
    parse_when,
    require_lxml,
    text_content,
    warn_truncated,
)
from ._tables import corpus_from_records, unique_id

_DEAD = re.compile(r"\[(deleted|flagged|dead)\]", re.I)


def sniff(head: str, name: str) -> float:
    if not looks_like_html(head):
        return 0.0
    if "athing" in head and ("news.ycombinator.com" in head or "hnuser" in head or "comtr" in head):
        return 0.95
    return 0.0


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _first(el, cls: str, tag: str = "*"):
    for x in el.iter(tag):
        c = x.get("class")
        if c is not None and cls in c.split():  # no set per element: this may scan the page
            return x
    return None


_PARTS = frozenset(("ind", "hnuser", "age", "commtext", "comhead", "titleline", "title"))


def _parts(row) -> dict:
    """The first element of each class HN uses, in one pass over a row."""
    found: dict = {}
    for x in row.iter():
        cls = x.get("class")
        if cls:
            for tok in cls.split():
                if tok in _PARTS and tok not in found:
                    found[tok] = x
    return found


def _comment_text(node) -> str:
    """``.commtext``: text before the first <p>, then one paragraph per <p>."""
    if node is None:
        return ""
    paras = [node.text or ""]
    for child in node:
        if not isinstance(child.tag, str):
            paras[-1] += child.tail or ""
            continue
        if child.tag == "p":
            paras.append(text_content(child))
            if child.tail:
                paras.append(child.tail)
        elif "reply" in _classes(child):
            continue
        else:
            paras[-1] += text_content(child) + (child.tail or "")
    return "\n\n".join(p for p in (clean(x) for x in paras) if p)


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    doc, rows, problems = extract(text, path, doc_id)
    return corpus_from_records(doc, rows, problems)


def extract(text: str, path: Path, doc_id: str) -> tuple[dict, list[dict], list[dict]]:
    """The item's document record, unit records (story, comments with parents) and problems."""
    require_lxml()
    root = parse_html(text, path)
    rows: list[dict] = []
    problems: list[dict] = []
    title = author = published = url = None
    visible = 0
    stack: list[str] = []  # unit ids of the open ancestors, index = depth - 1
    n_comments = 0
    used: set[str] = set()
    for tr in root.iter("tr"):
        cls = _classes(tr)
        if "athing" not in cls:
            continue
        if "comtr" not in cls:
            if title is None:  # the story (or Ask HN post) itself
                tl = _first(tr, "titleline")
                if tl is None:
                    tl = _first(tr, "title")
                title = clean(text_content(tl)) if tl is not None else None
                link = tl.find(".//a") if tl is not None else None
                url = link.get("href") if link is not None else None
                sub = tr.getnext()
                if sub is not None:
                    u = _first(sub, "hnuser")
                    author = clean(text_content(u)) if u is not None else None
                    age = _first(sub, "age")
                    published = parse_when((age.get("title") or "").split(" ")[0]) if age is not None else None
                if title:
                    rows.append({"unit_id": f"{doc_id}:title", "role": "title", "text": title, "depth": 0,
                                 "author": author, "published": published,
                                 "locator": f'//tr[@id="{tr.get("id")}"]', "platform_id": tr.get("id")})
                    visible += len(title)
                top = _first(root, "toptext")
                if top is not None:
                    body = _comment_text(top)
                    if body:
                        rows.append({"unit_id": f"{doc_id}:body", "role": "body", "text": body, "depth": 0,
                                     "author": author, "published": published,
                                     "locator": '//*[@class="toptext"]', "platform_id": tr.get("id")})
                        visible += len(body)
            continue
        n_comments += 1
        cid = tr.get("id") or f"row{n_comments}"
        parts = _parts(tr)
        ind = parts.get("ind")
        level = 0
        if ind is not None:
            if (ind.get("indent") or "").isdigit():
                level = int(ind.get("indent"))
            else:
                img = ind.find(".//img")
                w = img.get("width") if img is not None else None
                level = int(w) // 40 if w and w.isdigit() else 0
        depth = level + 1
        del stack[level:]
        parent = stack[-1] if stack else None
        uid = unique_id(f"{doc_id}:{cid}", used, problems, path, doc_id, f'//tr[@id="{cid}"]')
        stack.append(uid)
        u = parts.get("hnuser")
        age = parts.get("age")
        body = _comment_text(parts.get("commtext"))
        flags = []
        if parent is None and depth > 1:  # the page starts inside a thread: its parent is not here
            flags.append("orphan")
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid, "problem": "orphan",
                             "detail": f"indented to depth {depth} but no parent comment on this page; "
                                       "attached to the document top level"})
        head = parts.get("comhead")
        dead = _DEAD.search(text_content(head) if head is not None else "") or (
            _DEAD.search(body) if body and len(body) < 20 else None)
        if dead:
            flags.append("deleted" if dead.group(1).lower() == "deleted" else "removed")
        if not body:
            flags.append("text_lost")
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid,
                             "problem": "text_lost", "detail": "comment shows no text on the page"})
        visible += len(body)
        rows.append({"unit_id": uid, "role": "comment", "text": body, "depth": depth, "parent_id": parent,
                     "author": clean(text_content(u)) if u is not None else None,
                     "published": parse_when((age.get("title") or "").split(" ")[0]) if age is not None else None,
                     "locator": f'//tr[@id="{cid}"]', "platform_id": cid, "flags": ";".join(flags)})
    if title is None and not n_comments:
        raise FormatError(path, "no Hacker News item found (expected tr.athing rows)")
    if _first(root, "morelink", "a") is not None:
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA, "problem": "more_stub",
                         "detail": "the thread continues on another page (More link); only this page was read"})
    if looks_truncated(text):
        warn_truncated(path, "the comment list is cut off")
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "truncated", "detail": "page ends before </html>"})
    for i, r in enumerate(rows):
        r["position"] = i
        r["doc_id"] = doc_id
    doc = {"doc_id": doc_id, "title": title, "url": url, "author": author,
           "published": published, "outlet": "news.ycombinator.com",
           "outlet_kind": "forum", "language": root.get("lang") or "en",
           "source_format": "hackernews_html", "source_path": str(path),
           "source_chars": visible, "unaccounted_chars": pd.NA}
    orphans = sum(1 for p in problems if p["problem"] == "orphan")
    if orphans:  # the same warning and flag as every other reply-tree repair
        warnings.warn(f"{path}: reply tree repaired: {orphans} orphan (rows kept and flagged; "
                      "see Corpus.problems)", ReplyTreeWarning, stacklevel=2)
    return doc, rows, problems


register(Format(
    name="hackernews_html",
    description="Hacker News item page: story and comments, tree rebuilt from the indent",
    sniff=sniff,
    parse=parse,
    extensions=(".html", ".htm"),
    extra="html",
))
