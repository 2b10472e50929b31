"""Article pages with comment sections -> corpus tables, in one pass over the tree.

The page is walked once with ``lxml.etree.iterwalk`` (iterative, so a thread
thousands of replies deep does not hit Python's recursion limit) keeping a
stack of frames. Each frame knows which region it is in (the post's content
container, its title, a byline, boilerplate, a comment and which part of it),
and text is collected per block element. Comments are recognised by markup
families listed in a profile (``threads/profiles/html-*.yaml``): ids like
``comment-N``, comment classes, and the Drupal habit of an anchor before the
comment and replies in a wrapper after it. A reply's parent is the comment
whose element encloses it (or precedes its reply wrapper).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from ..errors import FormatError, UnplacedTextWarning
from ._html import (
    HtmlProfile,
    clean,
    looks_truncated,
    offset_of,
    page_metadata,
    parse_html,
    parse_when,
    require_lxml,
    require_trafilatura,
    tokens_of,
    warn_truncated,
)

SKIP_TAGS = frozenset("head script style noscript template svg select option button iframe object "
                      "canvas map math textarea".split())
BLOCK_TAGS = frozenset("address article aside blockquote body center dd details dialog div dl dt "
                       "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main "
                       "nav ol p pre section summary table tbody thead tfoot td th tr ul caption "
                       "legend".split())
COMMENT_ROOT_TAGS = frozenset(("article", "div", "li", "section"))
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
# Minimum text a content container needs to count as the post's body.
MIN_CONTENT_CHARS = 200


@dataclass
class _Comment:
    idx: int
    key: str | None
    parent: int | None
    depth: int
    locator: str
    order: int
    pingback: bool = False
    content: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    author: tuple[int, str] | None = None
    when: tuple[int, str] | None = None


class _Frame:
    __slots__ = ("el", "tag", "parent", "idx_in_parent", "child_counts", "buf", "links", "owns_block",
                 "label", "comment", "cpart", "skip", "ctx", "in_link", "last_closed", "pending_anchor",
                 "anchor_key", "comment_root", "order", "segments")

    def __init__(self):
        self.child_counts: dict = {}
        self.buf: list[str] | None = None
        self.links = 0
        self.owns_block = False
        self.last_closed = None
        self.pending_anchor = None
        self.anchor_key = None
        self.comment_root = False
        self.segments = 0


def _locator(frame: _Frame) -> str:
    """An XPath to the frame's element, anchored at the nearest ancestor with an id."""
    steps = []
    f = frame
    while f is not None and f.tag is not None:
        el_id = f.el.get("id")
        if el_id and '"' not in el_id:
            steps.append(f'//*[@id="{el_id}"]')
            break
        steps.append(f"{f.tag}[{f.idx_in_parent}]")
        f = f.parent
    else:
        steps.append("")
    return "/".join(reversed(steps))


def _text_of(el) -> str:
    return clean("".join(el.itertext()))


@dataclass
class _Segment:
    text: str
    links: int
    label: str | None
    comment: int | None
    cpart: str | None
    locator: str
    order: int
    key: str


class PageWalker:
    """One pass over a parsed page: text blocks with their regions, and the comments."""

    def __init__(self, root, profile: HtmlProfile):
        self.root = root
        self.p = profile
        self.comments: list[_Comment] = []
        self.segments: list[_Segment] = []
        self.by_key: dict[str, int] = {}
        self.comment_area_seen = False
        self.order = 0

    # -------------------------------------------------- finding the post's regions
    def find_regions(self, etree) -> dict:
        """The content container, title, lead and article scope (one pass over the tree)."""
        p = self.p
        tiers: list[list] = [[] for _ in p.content_tiers]
        titles, leads, h1s = [], [], []
        for el in self.root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag == "h1":
                h1s.append(el)
            if not (el.get("class") or el.get("id") or el.get("itemprop")):
                continue
            toks = tokens_of(el)
            for i, rx in enumerate(p.content_tiers):
                if any(rx.search(t) for t in toks):
                    tiers[i].append(el)
                    break
            if p.match("title", toks) and tag in ("h1", "h2", "div", "span", "header"):
                titles.append(el)
            if p.match("lead", toks):
                leads.append(el)
        content = None
        for cands in tiers:
            cands = [c for c in cands if not self._in_comment_markup(c)]
            best, best_len = None, 0
            for c in cands:
                n = len(clean(c.text_content()))
                if n > best_len:
                    best, best_len = c, n
            if best is not None and best_len >= MIN_CONTENT_CHARS:
                content = best
                break
        scope = None
        if content is not None:
            a = content.getparent()
            while a is not None and a.tag not in ("article", "main", "body"):
                a = a.getparent()
            scope = a if a is not None and a.tag != "body" else content.getparent()
        def inside(el, anc):
            if anc is None:
                return False
            for a in el.iterancestors():
                if a is anc:
                    return True
            return False
        title = next((t for t in titles if inside(t, scope)), None)
        if title is None:
            title = next((h for h in h1s if scope is None or inside(h, scope)), None)
        if title is None and h1s:
            title = h1s[0]
        if title is None and titles:
            title = titles[0]
        lead_set = {id(x) for x in leads if content is not None and inside(x, scope)
                    and not inside(x, content) and x is not content}
        return {"content": content, "scope": scope, "title": title, "leads": lead_set}

    def _in_comment_markup(self, el) -> bool:
        for a in el.iterancestors():
            toks = tokens_of(a)
            if self.p.match("comment_area", toks) or (a.get("id") and self.p.comment_key(a.get("id"))):
                return True
        return False

    # -------------------------------------------------- the walk
    def walk(self, regions: dict, etree) -> None:
        p = self.p
        content = regions["content"]
        scope = regions["scope"]
        title = regions["title"]
        leads = regions["leads"]
        chrome_tags = p.tags.get("chrome_tags", frozenset())
        subject_tags = p.tags.get("subject_tags", frozenset())
        comment_tags = p.tags.get("comment_tags", frozenset())

        top = _Frame()
        top.el, top.tag, top.parent, top.idx_in_parent = None, None, None, 0
        top.label, top.comment, top.cpart, top.skip, top.ctx, top.in_link = None, None, None, False, None, False
        top.buf, top.owns_block, top.order = [], True, 0
        stack = [top]
        for ev, el in etree.iterwalk(self.root, events=("start", "end", "comment")):
            f = stack[-1]
            if ev == "comment":
                if el.tail and not f.skip:
                    self._add(f, el.tail)
                continue
            if ev == "start":
                tag = el.tag if isinstance(el.tag, str) else ""
                tag = tag.lower()
                g = _Frame()
                g.el, g.tag, g.parent = el, tag or "node()", f
                n = f.child_counts.get(tag, 0) + 1
                f.child_counts[tag] = n
                g.idx_in_parent = n
                g.label, g.comment, g.cpart, g.ctx = f.label, f.comment, f.cpart, f.ctx
                g.in_link = f.in_link
                g.skip = f.skip or tag in SKIP_TAGS or el.get("hidden") is not None and tag != "html"
                self.order += 1
                g.order = self.order
                anchor, f.pending_anchor = f.pending_anchor, None
                stack.append(g)
                if g.skip:
                    continue
                toks = tokens_of(el) if (el.get("class") or el.get("id") or el.get("itemprop")
                                         or el.get("property")) else ()
                # ---- comments
                key = None
                el_id = el.get("id")
                is_comment = False
                if el_id:
                    key = p.comment_key(el_id)
                if (key is not None and tag == "a" and len(el) == 0 and not (el.text or "").strip()):
                    g.anchor_key = key  # Drupal: <a id="comment-N"></a> then the comment
                    key = None
                elif key is not None:
                    is_comment = True
                elif anchor is not None and tag in COMMENT_ROOT_TAGS:
                    key, is_comment = anchor, True
                elif (toks and tag in comment_tags and p.match("comment_class", toks)
                      and g.cpart not in ("chrome",)):
                    is_comment = True
                if is_comment and g.comment is not None and (
                        key is not None and self.comments[g.comment].key == key):
                    is_comment = False  # an inner wrapper of the same comment (div-comment-N)
                if is_comment and g.comment is not None and key is None:
                    # a class-only match inside a comment is a reply only inside a list
                    is_comment = f.tag in ("ol", "ul")
                if is_comment:
                    parent = g.ctx
                    depth = self.comments[parent].depth + 1 if parent is not None else 1
                    c = _Comment(idx=len(self.comments), key=key, parent=parent, depth=depth,
                                 locator=_locator(g), order=g.order,
                                 pingback=bool(toks) and p.match("pingback_class", toks))
                    self.comments.append(c)
                    if key is not None:
                        self.by_key.setdefault(key, c.idx)
                    g.comment = g.ctx = c.idx
                    g.cpart = "content"
                    g.comment_root = True
                    g.label = "comment"
                elif g.comment is not None:
                    if toks and p.match("replies_after", toks) and f.last_closed is not None:
                        g.ctx = f.last_closed
                        g.cpart = "replies"
                    elif g.cpart in ("content", "subject"):
                        if tag in ("ol", "ul") and toks and any(t == "children" for t in toks):
                            g.cpart = "replies"
                        elif tag in chrome_tags or (toks and p.match("chrome", toks)):
                            g.cpart = "chrome"
                        elif tag in subject_tags or (toks and p.match("subject", toks)):
                            g.cpart = "subject"
                    if g.cpart != "replies":
                        c = self.comments[g.comment]
                        if toks and p.match("author", toks):
                            prio = self._prio("author", toks)
                            if c.author is None or prio < c.author[0]:
                                name = _text_of(el)
                                if name:
                                    c.author = (prio, name)
                        self._date_candidate(el, tag, c)
                else:
                    if toks and p.match("replies_after", toks) and f.last_closed is not None:
                        g.ctx = f.last_closed
                        g.cpart = "replies"
                        g.comment = None
                    # ---- the article side
                    if el is content:
                        g.label = "content"
                    elif el is title:
                        g.label = "title"
                    elif id(el) in leads:
                        g.label = "lead"
                    elif el is scope and g.label is None:
                        g.label = "scope"
                    elif toks or tag == "figcaption":
                        lab = g.label
                        if lab in ("content", "lead"):
                            if tag == "figcaption" or p.match("caption", toks):
                                g.label = "meta"
                            elif p.match("boilerplate", toks):
                                g.label = "boiler"
                        elif lab == "scope":
                            if p.match("meta", toks):
                                g.label = "meta"
                            elif p.match("boilerplate", toks):
                                g.label = "boiler"
                        if lab not in ("content", "lead", "title", "meta") and p.match("comment_area", toks):
                            g.label = "comments-area"
                            self.comment_area_seen = True
                if tag == "a":
                    g.in_link = True
                if tag in BLOCK_TAGS or g.comment_root:
                    self._flush_upto(f)
                    g.buf, g.owns_block = [], True
                elif tag == "br":
                    self._add(g, "\n")
                if el.text:
                    self._add(g, el.text)
            else:  # end
                g = stack.pop()
                f = stack[-1]
                if g.skip:
                    if el.tail and not f.skip:
                        self._add(f, el.tail)
                    continue
                if g.owns_block:
                    self._flush(g)
                if g.comment_root:
                    f.last_closed = g.comment
                if g.anchor_key is not None:
                    f.pending_anchor = g.anchor_key
                if el.tail:
                    self._add(f, el.tail)
        self._flush(top)

    def _prio(self, kind: str, toks) -> int:
        for i, pat in enumerate(self.p.raw.get(kind, [])):
            rx = re.compile(pat.lower())
            if any(rx.search(t) for t in toks):
                return i
        return 99

    @staticmethod
    def _date_candidate(el, tag: str, c: _Comment) -> None:
        cand = None
        if tag == "time" and el.get("datetime"):
            cand = (0, el.get("datetime"))
        elif el.get("content") and re.search(r"date|created|published",
                                            (el.get("property") or "") + (el.get("itemprop") or ""), re.I):
            cand = (1, el.get("content"))
        elif el.get("data-comment-timestamp"):
            cand = (2, el.get("data-comment-timestamp"))
        elif tag == "abbr" and el.get("title") and re.match(r"\d{4}-\d\d-\d\d", el.get("title")):
            cand = (1, el.get("title"))
        if cand and (c.when is None or cand[0] < c.when[0]):
            c.when = cand

    # -------------------------------------------------- text buffers
    @staticmethod
    def _block_of(f: _Frame) -> _Frame:
        while not f.owns_block:
            f = f.parent
        return f

    def _add(self, f: _Frame, text: str) -> None:
        b = self._block_of(f)
        b.buf.append(text)
        if f.in_link:
            b.links += len(text.strip())

    def _flush_upto(self, f: _Frame) -> None:
        """A nested block starts: what the enclosing block holds so far is a segment."""
        self._flush(self._block_of(f))

    def _flush(self, b: _Frame) -> None:
        if not b.buf:
            return
        raw = "".join(b.buf)
        b.buf = []
        links, b.links = b.links, 0
        text = "\n".join(_WS.sub(" ", line).strip() for line in raw.split("\n"))
        text = re.sub(r"\n{2,}", "\n", text).strip()
        if not text:
            return
        b.segments += 1
        key = f"n{b.order}" + (f"~{b.segments}" if b.segments > 1 else "")
        self.segments.append(_Segment(text=text, links=links, label=b.label, comment=b.comment,
                                      cpart=b.cpart, locator=_locator(b), order=b.order, key=key))
        if b.comment is not None:
            c = self.comments[b.comment]
            part = b.cpart if b.cpart in ("subject", "chrome") else "content"
            getattr(c, part).append(text)


# ---------------------------------------------------------------- assembling
def _norm(s: str) -> str:
    return " ".join(s.split()).lower()


def build_page_corpus(text: str, path: Path, doc_id: str, profile: HtmlProfile,
                      source_format: str, use_trafilatura_meta: bool = False) -> Corpus:
    """Parse an article page with its comments into a Corpus (see module docstring)."""
    lhtml, etree = require_lxml()
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    root = parse_html(text, path)
    walker = PageWalker(root, profile)
    regions = walker.find_regions(etree)
    meta = page_metadata(root) if root.find("head") is not None else {}
    walker.walk(regions, etree)
    problems: list[dict] = []

    traf_text = None
    if regions["content"] is None:
        traf_text = _trafilatura_body(text, path)
    if use_trafilatura_meta and not all(meta.get(k) for k in ("title", "author", "published")):
        meta = _fill_meta_from_trafilatura(text, meta)

    tz = offset_of(meta.get("published")) or UTC
    rows: list[dict] = []
    # ---- article side
    title_done = False
    for s in walker.segments:
        if s.comment is not None:
            continue
        role = _article_role(s, profile, traf_text)
        if role == "title":
            if title_done:
                role = "meta"
            title_done = True
        rows.append({"unit_id": f"{doc_id}:{s.key}", "role": role, "order": (s.order, 0),
                     "text": s.text, "locator": s.locator, "depth": 0})
    if not title_done and meta.get("title"):
        rows.append({"unit_id": f"{doc_id}:title", "role": "title", "order": (0, 0),
                     "text": meta["title"], "locator": "/html/head", "depth": 0})
    # ---- comments
    uid_of: dict[int, str] = {}
    for c in walker.comments:
        pid = f"comment-{c.key}" if c.key is not None else None
        uid = f"{doc_id}:{pid}" if pid else f"{doc_id}:c{c.order}"
        uid_of[c.idx] = uid
        author = c.author[1] if c.author else None
        when_raw = c.when[1] if c.when else None
        chrome = " | ".join(c.chrome)
        if author is None or when_raw is None:
            for rx in profile.author_text:
                m = rx.search(chrome)
                if m:
                    author = author or clean(m.group("author")).rstrip(",:")
                    when_raw = when_raw or m.group("date")
                    break
        published = parse_when(when_raw, tz) if when_raw else None
        if published is None and chrome:
            published = parse_when(chrome, tz)
        if author:
            author = re.sub(r"\s*(?:says|sagt|dit|dice|schreibt|wrote|schrieb)\s*:?\s*$", "", author,
                            flags=re.I).strip(" ,:|") or None
        flags = []
        if c.pingback:
            flags.append("pingback")
        body = "\n\n".join(c.content)
        if not body:
            flags.append("text_lost")
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid,
                             "problem": "text_lost", "detail": "comment has no text in the page"})
        rows.append({"unit_id": uid, "role": "comment", "order": (c.order, 1), "text": body,
                     "locator": c.locator, "depth": c.depth, "author": author, "published": published,
                     "subject": " ".join(c.subject) or None, "platform_id": pid,
                     "parent": c.parent, "flags": ";".join(flags)})
        if chrome:
            rows.append({"unit_id": f"{uid}:meta", "role": "meta", "order": (c.order, 2),
                         "text": chrome, "locator": c.locator, "depth": 0})
    for r in rows:
        par = r.pop("parent", None)
        r["parent_id"] = uid_of.get(par) if par is not None else None
    rows.sort(key=lambda r: r["order"])
    for i, r in enumerate(rows):
        r["position"] = i
        del r["order"]
        r["doc_id"] = doc_id

    truncated = looks_truncated(text)
    if truncated:
        what = ("the comment list is cut off" if walker.comments or walker.comment_area_seen
                else "the article may be incomplete")
        warn_truncated(path, what)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "truncated", "detail": f"page ends before </html>; {what}"})
    if walker.comment_area_seen and not walker.comments:
        warnings.warn(f"{path}: the page has a comment section but no comment markup this parser "
                      "knows; its text is kept as boilerplate", UnplacedTextWarning, stacklevel=3)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "unplaced_comments",
                         "detail": "comment section found, comments not recognised"})

    visible = sum(len(s.text) for s in walker.segments)
    units = pd.DataFrame(rows)
    accounted = sum(len(re.sub(r"\s", "", t)) for t in units["text"]) if len(units) else 0
    nonspace_visible = sum(len(re.sub(r"\s", "", s.text)) for s in walker.segments)
    docs = pd.DataFrame([{
        "doc_id": doc_id, "title": meta.get("title"), "url": meta.get("url"),
        "published": parse_when(meta.get("published")) if meta.get("published") else None,
        "author": meta.get("author"), "language": meta.get("language"),
        "outlet": _outlet(meta.get("url")), "outlet_kind": "news_site",
        "source_format": source_format, "source_path": str(path),
        "source_chars": visible, "unaccounted_chars": max(0, nonspace_visible - accounted)}])
    if not len(units):
        units = pd.DataFrame(columns=["doc_id", "unit_id", "role"])
    return Corpus(docs=docs, units=units, problems=pd.DataFrame(problems))


def _outlet(url: str | None) -> str | None:
    if not url:
        return None
    m = re.match(r"[a-z]+://(?:www\.)?([^/:]+)", url, re.I)
    return m.group(1).lower() if m else None


def _article_role(s: _Segment, profile: HtmlProfile, traf_text: str | None) -> str:
    lab = s.label
    if lab == "title":
        return "title"
    if lab == "meta":
        return "meta"
    if lab in ("boiler", "comments-area", "comment"):
        return "boilerplate"
    if profile.boilerplate_text is not None and len(s.text) < 600 and profile.boilerplate_text.search(s.text):
        return "boilerplate"
    if lab in ("content", "lead"):
        if len(s.text) < 300 and s.links > 0.4 * len(s.text):
            return "boilerplate"  # a link list or a pointer to another article
        return "body"
    if traf_text is not None and len(s.text) >= 2 and _norm(s.text) in traf_text:
        if len(s.text) < 300 and s.links > 0.4 * len(s.text):
            return "boilerplate"
        return "body"
    return "boilerplate"


def _trafilatura_body(text: str, path) -> str:
    """The page's main text as trafilatura sees it (comments left out), normalised."""
    trafilatura = require_trafilatura()
    try:
        out = trafilatura.extract(text, include_comments=False, include_tables=True,
                                  favor_precision=True) or ""
    except Exception as exc:  # trafilatura raises many kinds; name the file instead
        raise FormatError(path, f"article extraction failed ({type(exc).__name__}: {exc})") from None
    return _norm(out)


def _fill_meta_from_trafilatura(text: str, meta: dict) -> dict:
    trafilatura = require_trafilatura()
    try:
        from trafilatura.metadata import extract_metadata

        m = extract_metadata(text)
    except Exception:  # metadata is optional: the page's own head already filled what it could
        return meta
    if m is None:
        return meta
    out = dict(meta)
    del trafilatura
    for key, attr in (("title", "title"), ("author", "author"), ("published", "date"),
                      ("url", "url"), ("language", "language")):
        if not out.get(key) and getattr(m, attr, None):
            out[key] = getattr(m, attr)
    return out
