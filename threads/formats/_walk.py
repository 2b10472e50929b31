"""The walk over an article page: regions, text blocks and comments, in one pass.

The page is walked once with ``lxml.etree.iterwalk`` (iterative, so a thread
thousands of replies deep does not hit Python's recursion limit) keeping a
stack of frames. Each frame knows which region it is in (the post's content
container, its title, a byline, boilerplate, a comment and which part of it),
and text is collected per block element. Comments are recognised by markup
families listed in a profile (``threads/profiles/html/*.yaml``): ids like
``comment-N``, comment classes, and the Drupal habit of an anchor before the
comment and replies in a wrapper after it. A reply's parent is the comment
whose element encloses it (or precedes its reply wrapper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._html import HtmlProfile, clean, spaced_text, text_content

SKIP_TAGS = frozenset(["head", "script", "style", "noscript", "template", "svg", "select", "option", "button", "iframe", "object", "canvas", "map", "math", "textarea"])
BLOCK_TAGS = frozenset(["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "td", "th", "tr", "ul", "caption", "legend"])
COMMENT_ROOT_TAGS = frozenset(("article", "div", "li", "section"))
#: Blocks that usually hold only inline markup: read in one call when they do.
LEAF_BLOCKS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "td", "th",
                         "figcaption", "blockquote", "summary", "caption"))
_NOT_PLAIN = frozenset(("br", "time", "abbr", "input", "textarea"))
# Minimum words a content container needs to count as the post's body.
MIN_CONTENT_WORDS = 40
_BYLINE_CLASSES = (" byline ", " username ", " author-name ")
_AUTHOR_PATHS = ("/author/", "/autor/", "/autoren/", "/authors/")
_BYLINE_LABEL = re.compile(r"^(?:(?:posted |written )?by|(?:geschrieben )?von|par|por|di|door"
                           r"|author|autor(?:in)?)\s*:?\s+", re.I)


def _has_class(el, padded_token: str) -> bool:
    """XPath's ``contains(concat(' ', @class, ' '), ' token ')``: a space-separated class token."""
    cls = el.get("class")
    return cls is not None and padded_token in f" {cls} "


def _byline_candidates(scope):
    """Elements that may name the post's author, in document order, lazily.

    One pass over the scope in Python, equivalent to the XPath union
    ``.//a[@rel='author'] | .//*[contains(concat(' ', @class, ' '), ' fn ')][ancestor::*[...' author ']]
    | .//*[@itemprop='author'] | .//*[...' byline ' / ' username ' / ' author-name ']
    | .//a[contains(@href, '/author/') or '/autor/', '/autoren/', '/authors/']``;
    libxml2 evaluates each ``contains(concat())`` per element of each branch
    and the caller usually needs only the first match.
    """
    for el in scope.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if _is_byline(el, tag):
            yield el


def _is_byline(el, tag: str) -> bool:
    get = el.get
    if tag == "a" and (get("rel") == "author" or any(p in (get("href") or "") for p in _AUTHOR_PATHS)):
        return True
    if get("itemprop") == "author":
        return True
    cls = get("class")
    if cls is None:
        return False
    padded = f" {cls} "
    if any(c in padded for c in _BYLINE_CLASSES):
        return True
    return " fn " in padded and any(_has_class(a, " author ") for a in el.iterancestors())


def _post_date_candidates(scope, dated_elements=None):
    """Machine-readable dates in the scope, in document order, lazily: the XPath union
    ``.//time[@datetime] | .//*[@itemprop='datePublished'][@content or @datetime]
    | .//*[contains(@property, 'dc:date') or contains(@property, 'datePublished')][@content]``.

    ``dated_elements`` are the page's elements with a ``datetime``, ``content``
    or ``data-comment-timestamp`` attribute in document order (the region scan
    collects them); without it the scope is walked.
    """
    if dated_elements is None:
        candidates = (el for el in scope.iterdescendants() if isinstance(el.tag, str))
    else:
        inside = _below_any({scope}, include_self=False)
        candidates = (el for el in dated_elements if inside(el))
    for el in candidates:
        if _is_post_date(el, el.tag):
            yield el


def _below_any(targets, include_self: bool = True):
    """A test for "``el`` (with ``include_self``) or one of its ancestors is in ``targets``".

    Memoised along the parent chains it walks (each memo entry means "this node
    or an ancestor is a target"), so that testing every element of a thread
    thousands of levels deep stays linear.
    """
    memo: dict = {}

    def test(el) -> bool:
        chain = []
        node = el if include_self else el.getparent()
        result = False
        while node is not None:
            known = memo.get(node)
            if known is not None:
                result = known
                break
            if node in targets:
                result = True
                break
            chain.append(node)
            node = node.getparent()
        for n in chain:
            memo[n] = result
        return result

    return test


def _is_post_date(el, tag: str) -> bool:
    get = el.get
    if tag == "time" and get("datetime") is not None:
        return True
    if get("itemprop") == "datePublished" and (get("content") is not None or get("datetime") is not None):
        return True
    prop = get("property")
    return prop is not None and ("dc:date" in prop or "datePublished" in prop) and get("content") is not None


_DATE_PROPERTY = re.compile(r"date|created|published", re.I)
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_EMPTY: frozenset = frozenset()
_NO_BUFFER: list[str] = []  # shared placeholder; text only ever goes to a block owner's buffer
_BR = "\x00"  # stands for <br> in a block's buffer until the block is flushed


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
    """What the walk knows about one open element (see PageWalker.walk)."""

    __slots__ = ("el", "tag", "parent", "idx_in_parent", "child_counts", "buf", "links", "owns_block",
                 "label", "comment", "cpart", "skip", "ctx", "in_link", "last_closed", "pending_anchor",
                 "anchor_key", "comment_root", "order", "segments", "path", "block")
    el: Any
    tag: str | None
    parent: _Frame | None
    idx_in_parent: int
    label: str | None  # region on the article side: content, title, lead, meta, boiler, scope, ...
    comment: int | None  # index of the innermost comment this element is part of
    cpart: str | None  # part of that comment: content, chrome, subject, replies
    skip: bool
    ctx: int | None  # the comment a comment starting here replies to
    in_link: bool
    order: int

    def __init__(self) -> None:
        self.child_counts: dict[str, int] | None = None  # made when the first child starts
        self.buf: list[str] = _NO_BUFFER  # only block owners get a list of their own
        self.links = 0
        self.owns_block = False
        self.last_closed: int | None = None
        self.pending_anchor: str | None = None
        self.anchor_key: str | None = None
        self.comment_root = False
        self.segments = 0
        self.path: str | None = None
        # the nearest ancestor that owns a block; None while this frame owns one itself (a
        # reference to itself would be a cycle, and the frames would wait for the garbage collector)
        self.block: _Frame | None = None


def _locator(frame: _Frame, ids: dict) -> str:
    """An XPath to the frame's element, anchored at the nearest ancestor with an id.

    Memoised on the frames, so each element's path is built once (linear).
    """
    chain = []
    f: _Frame | None = frame
    while f is not None and f.path is None:
        chain.append(f)
        f = f.parent
    base: str = (f.path or "") if f is not None else ""
    for g in reversed(chain):
        if g.tag is None:
            g.path = ""
            continue
        el_id = ids.get(g.el)
        if el_id and '"' not in el_id:
            g.path = f'//*[@id="{el_id}"]'
        else:
            g.path = f"{base}/{g.tag}[{g.idx_in_parent}]"
        base = g.path
    return frame.path or ""


def _plain_leaf(el, kinds_of, flagged) -> int | None:
    """For a block holding only plain inline markup: the length of its link text.

    None when anything inside needs the walk: a nested block, a line break, a
    skipped or hidden element, a time, or an element a profile rule or an id
    names.
    """
    links = 0
    for sub in el.iterdescendants():
        tag = sub.tag
        if tag in BLOCK_TAGS or tag in SKIP_TAGS or tag in _NOT_PLAIN or sub in kinds_of or sub in flagged:
            return None
        if tag == "a":
            links += len(text_content(sub).strip())
    return links


def _words(el) -> list[str]:
    """The words of an element's text (``string()`` without an XPath context per call)."""
    return text_content(el).split()


def _text_of(el) -> str:
    return clean(text_content(el))


@dataclass(slots=True)
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
        self.comment_area_seen = False
        self.order = 0
        # Every element proxy, in document order. lxml frees a proxy by walking up to the
        # nearest ancestor that still has one: letting them die in document order costs
        # O(depth) each (quadratic on deep threads); holding them and releasing them
        # deepest-last-first keeps it O(1).
        self._hold: list = []
        # attributes read once by find_regions, for the walk
        self._ids: dict = {}  # element -> its id
        self._keys: dict = {}  # element -> N of its id="comment-N" (the profile's comment_id)
        self._hidden: set = set()  # elements with hidden=
        self._flagged: set = set()  # elements with hidden= or content= (not plain inline markup)
        # elements with content=, datetime= or data-comment-timestamp=, in document order
        # (a dict as an ordered set): date candidates for the post and for each comment
        self._dated: dict = {}

    def release(self, regions: dict) -> None:
        """Drop the element proxies children first (see ``_hold``)."""
        regions.clear()
        for table in (self._ids, self._keys, self._hidden, self._flagged, self._dated):
            table.clear()
        hold = self._hold
        while hold:
            hold.pop()

    # -------------------------------------------------- finding the post's regions
    def find_regions(self, etree) -> dict:
        """The content container, title, lead, article scope and comment markup.

        One XPath query collects the elements that carry classes or ids; the
        content container is the profile's best tier, else the element whose
        paragraphs hold the most text (outside comments), else none (the
        caller falls back to trafilatura).
        """
        p = self.p
        comment_tags = p.tags.get("comment_tags", frozenset())
        tiers: list[list] = [[] for _ in p.content_tiers]
        titles, leads, marks = [], [], []
        kinds_of: dict = {}
        tier_names = [f"content:{i}" for i in range(len(tiers))]
        kinds_of_attrs = p.kinds_of_attrs
        comment_key = p.comment_key
        hold = self._hold
        ids, keys, hidden, flagged, dated = self._ids, self._keys, self._hidden, self._flagged, self._dated
        for el in self.root.iter():  # not an XPath: libxml2's is quadratic on deep trees
            hold.append(el)
            # all attributes in one call: four el.get() calls per element cost more than the
            # rest of this loop; the walk then reads these dicts instead of the element
            items = el.items()
            if not items:
                continue
            cls = ip = pr = el_id = None
            for name, value in items:
                if name == "class":
                    cls = value
                elif name == "id":
                    el_id = value
                elif name == "itemprop":
                    ip = value
                elif name == "property":
                    pr = value
                elif name == "hidden":
                    hidden.add(el)
                    flagged.add(el)
                elif name == "content":
                    flagged.add(el)
                    dated[el] = None
                elif name in ("datetime", "data-comment-timestamp"):
                    dated[el] = None
            if not (cls or ip or pr or el_id):
                continue
            k = kinds_of_attrs(cls, ip, pr, el_id)  # cached by the profile per class string
            key = None
            if el_id:
                ids[el] = el_id
                key = comment_key(el_id)
                if key is not None:
                    keys[el] = key
            elif not k:
                continue
            kinds_of[el] = k
            if (key is not None or "comment_area" in k
                    or ("comment_class" in k and el.tag in comment_tags)):
                marks.append(el)
            if not k:
                continue
            for i, name in enumerate(tier_names):
                if name in k:
                    tiers[i].append(el)
                    break
            if "title" in k and el.tag in ("h1", "h2", "div", "span", "header"):
                titles.append(el)
            if "lead" in k:
                leads.append(el)
        in_comments = _below_any(set(marks))

        content, how = None, None
        ranked = []  # per tier: (words, element) of the container the tier offers
        for cands in tiers:
            sized = [(len(_words(c)), c) for c in cands if not in_comments(c)]
            best_len, best = max(sized, key=lambda x: x[0], default=(0, None))
            # a wrapper (a whole <article class="post">) yields to the container inside it
            # that holds most of its text
            while best is not None:
                inner = [(n, c) for n, c in sized if c is not best and n >= best_len / 2
                         and any(a is best for a in c.iterancestors())]
                if not inner:
                    break
                best_len, best = max(inner, key=lambda x: x[0])
            ranked.append((best_len, best))
        content = next((c for n, c in ranked if c is not None and n >= MIN_CONTENT_WORDS), None)
        how = "profile" if content is not None else None
        if content is None:
            content = self._densest(in_comments)
            how = "density" if content is not None else None
        if content is None:  # a short post: the best-ranked container that has any text
            content = next((c for n, c in ranked if c is not None and n > 0), None)
            how = "profile" if content is not None else "trafilatura"

        scope = None
        if content is not None:
            a = content.getparent()
            while a is not None and a.tag not in ("article", "main", "body"):
                a = a.getparent()
            scope = a if a is not None and a.tag != "body" else content.getparent()

        def inside(el, anc) -> bool:
            return anc is not None and any(x is anc for x in el.iterancestors())

        h1s = [h for h in self.root.iter("h1") if not in_comments(h)]
        title = next((t for t in titles if inside(t, scope) and not in_comments(t)), None)
        if title is None:
            title = next((h for h in h1s if scope is None or inside(h, scope)), None)
        if title is None and h1s:
            title = h1s[0]
        if title is None:
            title = next((t for t in titles if not in_comments(t)), None)
        lead_set = {x for x in leads if content is not None and inside(x, scope)
                    and not inside(x, content) and x is not content and not in_comments(x)}
        keep: set = set()
        for el in [content, scope, title, *lead_set, *marks]:
            while el is not None and el not in keep:
                keep.add(el)
                el = el.getparent()
        return {"content": content, "scope": scope, "title": title, "leads": lead_set,
                "keep": keep, "how": how, "kinds": kinds_of, "author": self._byline(scope, content, in_comments),
                "published": self._post_date(scope, in_comments, dated)}

    @staticmethod
    def _post_date(scope, in_comments, dated) -> str | None:
        """The post's date from a machine-readable time near it (outside the comments)."""
        if scope is None:
            return None
        for el in _post_date_candidates(scope, dated):
            if not in_comments(el):
                return el.get("datetime") or el.get("content")
        return None

    @staticmethod
    def _byline(scope, content, in_comments) -> str | None:
        """The post author's name from a byline near the post (rel=author, .author .fn, .byline)."""
        if scope is None:
            return None
        for el in _byline_candidates(scope):
            if in_comments(el) or (content is not None and any(a is content for a in el.iterancestors())):
                continue
            name = clean(text_content(el))
            name = _BYLINE_LABEL.sub("", name).strip(" ,|")
            if 1 < len(name) <= 80:
                return name
        return None

    def _densest(self, in_comments):
        """The element whose own paragraphs hold the most text (readability's idea)."""
        scores: dict = {}
        for para in self.root.iter("p"):
            n = len(_words(para))
            if n < 5:
                continue
            parent = para.getparent()
            if parent is None or in_comments(parent):
                continue
            scores[parent] = scores.get(parent, 0) + n
            gp = parent.getparent()
            if gp is not None:
                scores[gp] = scores.get(gp, 0) + n / 2
        if not scores:
            return None
        best = max(scores, key=scores.get)
        return best if scores[best] >= MIN_CONTENT_WORDS else None

    # -------------------------------------------------- the walk
    def walk(self, regions: dict, etree) -> None:
        p = self.p
        content = regions["content"]
        scope = regions["scope"]
        title = regions["title"]
        leads = regions["leads"]
        keep = regions["keep"]
        fast = content is not None  # without a container every block must be seen one by one
        chrome_tags = p.tags.get("chrome_tags", frozenset())
        subject_tags = p.tags.get("subject_tags", frozenset())
        comment_tags = p.tags.get("comment_tags", frozenset())
        kinds_of = regions["kinds"]
        ids, hidden, keys, flagged, dated = self._ids, self._hidden, self._keys, self._flagged, self._dated

        top = _Frame()
        top.el, top.tag, top.parent, top.idx_in_parent = None, None, None, 0
        top.label, top.comment, top.cpart, top.skip, top.ctx, top.in_link = None, None, None, False, None, False
        top.buf, top.owns_block, top.order = [], True, 0
        stack = [top]
        push, pop = stack.append, stack.pop
        order = self.order
        walker = etree.iterwalk(self.root, events=("start", "end", "comment"))
        for ev, el in walker:
            f = stack[-1]
            if ev == "start":
                tag = el.tag  # libxml2 and html.parser both give lower-case names
                if type(tag) is not str:
                    tag = "node()"
                g = _Frame()
                g.el, g.tag, g.parent, g.block = el, tag, f, f.block or f
                counts = f.child_counts
                if counts is None:
                    counts = f.child_counts = {}
                n = counts.get(tag, 0) + 1
                counts[tag] = n
                g.idx_in_parent = n
                g.label, g.comment, g.cpart, g.ctx = f.label, f.comment, f.cpart, f.ctx
                g.in_link = f.in_link
                order += 1
                g.order = order
                anchor = f.pending_anchor
                if anchor is not None:
                    f.pending_anchor = None
                push(g)
                if f.skip or tag in SKIP_TAGS or (el in hidden and tag != "html"):
                    g.skip = True
                    if not f.skip:
                        # head, script, svg, hidden, ...: not visited, but its elements keep
                        # their numbers in the page order (unit ids use them)
                        order += sum(1 for _ in el.iterdescendants(etree.Element))
                        walker.skip_subtree()
                    continue
                g.skip = False
                k = kinds_of.get(el, _EMPTY)
                if (fast and g.comment is None and g.label in (None, "boiler", "comments-area")
                        and tag in BLOCK_TAGS and el not in keep):
                    # a region with nothing of interest inside: one boilerplate unit, not walked
                    text = clean(spaced_text(el))
                    if text:
                        self._segment(text, 0, g.label if "comment_area" not in k else "comments-area",
                                      None, None, _locator(g, ids), g.order, f"n{g.order}")
                    g.skip = True
                    walker.skip_subtree()
                    continue
                # ---- comments
                key = keys.get(el)
                is_comment = False
                if key is not None and tag == "a" and len(el) == 0 and not (el.text or "").strip():
                    g.anchor_key = key  # Drupal: <a id="comment-N"></a> then the comment
                    key = None
                elif key is not None:
                    is_comment = True
                elif anchor is not None and tag in COMMENT_ROOT_TAGS:
                    key, is_comment = anchor, True
                elif "comment_class" in k and tag in comment_tags and g.cpart != "chrome":
                    is_comment = True
                if is_comment and g.comment is not None:
                    if key is not None:
                        # an inner wrapper of the same comment (div-comment-N) is not a new one
                        is_comment = self.comments[g.comment].key != key
                    else:
                        # a class-only match inside a comment is a reply only inside a list
                        is_comment = f.tag in ("ol", "ul")
                if is_comment:
                    parent = g.ctx
                    depth = self.comments[parent].depth + 1 if parent is not None else 1
                    c = _Comment(idx=len(self.comments), key=key, parent=parent, depth=depth,
                                 locator=_locator(g, ids), order=g.order, pingback="pingback_class" in k)
                    self.comments.append(c)
                    g.comment = g.ctx = c.idx
                    g.cpart = "content"
                    g.comment_root = True
                    g.label = "comment"
                elif g.comment is not None:
                    if "replies_after" in k and f.last_closed is not None:
                        g.ctx = f.last_closed
                        g.cpart = "replies"
                    elif g.cpart == "content":  # inside a subject line everything is subject
                        if tag in ("ol", "ul") and el.get("class") and "children" in el.get("class").split():
                            g.cpart = "replies"
                        elif tag in chrome_tags or "chrome" in k:
                            g.cpart = "chrome"
                        elif tag in subject_tags or "subject" in k:
                            g.cpart = "subject"
                    if g.cpart == "chrome" and f.cpart != "chrome" and el not in keep:
                        # author line, date, reply link: read in one go, not walked
                        c = self.comments[g.comment]
                        self._read_chrome(el, c, kinds_of)
                        text = clean(spaced_text(el))
                        if text:
                            self._segment(text, 0, g.label, g.comment, "chrome", _locator(g, ids), g.order,
                                          f"n{g.order}")
                        g.skip = True
                        walker.skip_subtree()
                        continue
                    if g.cpart != "replies":
                        c = self.comments[g.comment]
                        if "author" in k:
                            prio = p.priority("author", el)
                            if c.author is None or prio < c.author[0]:
                                name = _text_of(el)
                                if name:
                                    c.author = (prio, name)
                        if tag == "time" or tag == "abbr" or el in dated:
                            self._date_candidate(el, tag, c)
                else:
                    if "replies_after" in k and f.last_closed is not None:
                        g.ctx = f.last_closed
                        g.cpart = "replies"
                    # ---- the article side
                    if el is content:
                        g.label = "content"
                    elif el is title:
                        g.label = "title"
                    elif el in leads:
                        g.label = "lead"
                    elif el is scope and g.label is None:
                        g.label = "scope"
                    elif k or tag == "figcaption":
                        lab = g.label
                        if lab in ("content", "lead"):
                            if tag == "figcaption" or "caption" in k or "meta" in k:
                                g.label = "meta"
                            elif "boilerplate" in k:
                                g.label = "boiler"
                        elif lab == "scope":
                            if "meta" in k:
                                g.label = "meta"
                            elif "boilerplate" in k:
                                g.label = "boiler"
                        if lab not in ("content", "lead", "title", "meta") and "comment_area" in k:
                            g.label = "comments-area"
                            self.comment_area_seen = True
                if tag == "a":
                    g.in_link = True
                if tag in LEAF_BLOCKS and not g.comment_root and el not in keep:
                    links = _plain_leaf(el, kinds_of, flagged)
                    if links is not None:
                        # a paragraph of plain inline markup: one segment, children not walked
                        self._flush(f.block or f)
                        text = " ".join(text_content(el).split())
                        if text:
                            self._segment(text, len(text) if g.in_link else links, g.label, g.comment,
                                          g.cpart, _locator(g, ids), g.order, f"n{g.order}")
                        g.skip = True
                        walker.skip_subtree()
                        continue
                if tag in BLOCK_TAGS or g.comment_root:
                    self._flush(f.block or f)
                    g.buf, g.owns_block, g.block = [], True, None
                elif tag == "br":
                    self._add(g, _BR)
                if el.text:
                    self._add(g, el.text)
            elif ev == "end":
                g = pop()
                f = stack[-1]
                if not g.skip:
                    if g.owns_block:
                        self._flush(g)
                    if g.comment_root:
                        f.last_closed = g.comment
                    if g.anchor_key is not None:
                        f.pending_anchor = g.anchor_key
                if el.tail and not f.skip:
                    self._add(f, el.tail)
            else:  # a comment node (the parser drops them; a tree built elsewhere may have some)
                if el.tail and not f.skip:
                    self._add(f, el.tail)
        self.order = order
        self._flush(top)

    def _read_chrome(self, el, c: _Comment, kinds_of: dict) -> None:
        p = self.p
        dated = self._dated
        date_candidate = self._date_candidate
        for sub in el.iter():
            tag = sub.tag
            if "author" in kinds_of.get(sub, _EMPTY):
                prio = p.priority("author", sub)
                if c.author is None or prio < c.author[0]:
                    name = clean(text_content(sub))
                    if name:
                        c.author = (prio, name)
            if tag == "time" or tag == "abbr" or sub in dated:
                date_candidate(sub, tag, c)

    @staticmethod
    def _date_candidate(el, tag: str, c: _Comment) -> None:
        cand = None
        if tag == "time" and el.get("datetime"):
            cand = (0, el.get("datetime"))
        elif el.get("content") and _DATE_PROPERTY.search((el.get("property") or "") + (el.get("itemprop") or "")):
            cand = (1, el.get("content"))
        elif el.get("data-comment-timestamp"):
            cand = (2, el.get("data-comment-timestamp"))
        elif tag == "abbr" and el.get("title") and _ISO_DAY.match(el.get("title")):
            cand = (1, el.get("title"))
        if cand and (c.when is None or cand[0] < c.when[0]):
            c.when = cand

    # -------------------------------------------------- text buffers
    @staticmethod
    def _add(f: _Frame, text: str) -> None:
        b = f.block or f  # set when the frame starts: the walk's top frame always owns a block
        b.buf.append(text)
        if f.in_link:
            b.links += len(text.strip())

    def _flush(self, b: _Frame) -> None:
        if not b.owns_block or not b.buf:
            return
        raw = "".join(b.buf)
        b.buf = []
        links, b.links = b.links, 0
        if _BR in raw:
            text = "\n".join(t for t in (" ".join(part.split()) for part in raw.split(_BR)) if t)
        else:
            text = " ".join(raw.split())
        if not text:
            return
        b.segments += 1
        key = f"n{b.order}" + (f"~{b.segments}" if b.segments > 1 else "")
        self._segment(text, links, b.label, b.comment, b.cpart, _locator(b, self._ids), b.order, key)

    def _segment(self, text, links, label, comment, cpart, locator, order, key) -> None:
        self.segments.append(_Segment(text=text, links=links, label=label, comment=comment,
                                      cpart=cpart, locator=locator, order=order, key=key))
        if comment is not None:
            c = self.comments[comment]
            part = cpart if cpart in ("subject", "chrome") else "content"
            getattr(c, part).append(text)
