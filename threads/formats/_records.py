"""Comment records: repeated sibling structures, and the context a block's role depends on.

A comment is rarely one block: it is a *record*, an element repeated among its
siblings (``li.comment``, ``div.comment-body``, ``article``) holding an author,
a date, the text and a reply link. This module finds, for every block of
:func:`._regions.page_blocks`, the repeated ancestor that looks most like such
a record, describes the record (``rec_*`` features), and, once a first model
has scored every block, describes the block's neighbourhood by those scores
(:func:`context_features`: the mean comment score of the block's record, of
the repeated container around it, of its ancestors and of its neighbours).
The second-stage model of :mod:`._regions` reads both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AUTHOR_TOK = re.compile(r"author|user|name|nick|autor|auteur|poster|commenter|vcard|\bfn\b|byline|avatar")
_REPLY = re.compile(r"\b(?:reply|replies|respond|antworten|antwort|répondre|repondre|responder|rispondi"
                    r"|beantwoorden|reageer|reageren|odpowiedz|svara|vastaa|ответить|permalink|quote"
                    r"|zitieren|citer|melden|report|like|gefällt)\b", re.I)
_DATE = re.compile(r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|"
                   r"\d{1,2}\.? [A-Za-zäéû]{3,9}\.? \d{4}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})\b")
_AGO = re.compile(r"\b(?:ago|vor \d|il y a|hace|fa\b|geleden|temu|назад)", re.I)
_DIGITS = re.compile(r"\d+")
#: Records are looked for this many levels above a block.
MAX_UP = 8
#: Larger subtrees are not records (a whole page column repeated twice is not a comment).
MAX_RECORD_NODES = 400

# reply links are often buttons, which the block walk drops: marked before it does
REPLY_MARK = "data-tf-reply"


def mark_reply_controls(root) -> None:
    """Tag the parent of every reply/quote control (``a``/``button`` with such a word in
    its text, class or id) with :data:`REPLY_MARK`, before invisible elements go."""
    for el in root.iter("a", "button"):
        raw = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('aria-label') or ''}"
        text = (el.text or "")[:40]
        if _REPLY.search(raw.replace("-", " ").replace("_", " ")) or (len(text) < 30 and _REPLY.search(text)):
            p = el.getparent()
            if p is not None:
                p.set(REPLY_MARK, "1")


@dataclass(frozen=True)
class Record:
    """What a repeated ancestor of a block holds (one per element, shared by its blocks)."""

    key: int  # identity of the record element within the page
    container: int  # identity of its parent (the repeated container)
    siblings: int  # how many siblings share its signature (itself included)
    date: bool
    author: bool
    reply: bool
    words: int
    comment_word: bool  # a comment/reply word in the tokens of the record or its container

    @property
    def score(self) -> int:
        return int(self.date) + int(self.author) + int(self.reply)


def signature(el) -> str:
    """Tag and first class token without digits: ``li.comment`` for ``li.comment-123``."""
    cls = (el.get("class") or "").split()
    return f"{el.tag}.{_DIGITS.sub('', cls[0]) if cls else ''}"


class RecordFinder:
    """Finds and describes records; caches per element, so a page costs one pass per record."""

    def __init__(self, comment_words: tuple[str, ...]):
        self.words = comment_words
        self._sib: dict = {}
        self._rec: dict = {}
        #: record key -> its element (held, so that the keys stay unique while the finder lives)
        self.elements: dict = {}

    def _siblings(self, el) -> int:
        parent = el.getparent()
        if parent is None:
            return 1
        counts = self._sib.get(parent)
        if counts is None:
            counts = {}
            for s in parent:
                if isinstance(s.tag, str):
                    sg = signature(s)
                    counts[sg] = counts.get(sg, 0) + 1
            self._sib[parent] = counts
        return counts.get(signature(el), 1)

    def _describe(self, el, n: int) -> Record | None:
        key = id(el)
        if key in self._rec:
            return self._rec[key]
        rec = None
        nodes = 0
        date = author = reply = False
        for sub in el.iter():
            nodes += 1
            if nodes > MAX_RECORD_NODES:
                break
            if not isinstance(sub.tag, str):
                continue
            if sub.tag == "time" or sub.get("datetime"):
                date = True
            if sub.get(REPLY_MARK):
                reply = True
            if sub.tag == "cite" or sub.get("itemprop") == "author" or (sub.get("rel") or "") == "author":
                author = True
            elif not author:
                raw = f"{sub.get('class') or ''} {sub.get('id') or ''}".lower()
                if raw.strip() and _AUTHOR_TOK.search(raw):
                    author = True
        if nodes <= MAX_RECORD_NODES:
            from lxml import etree

            text = etree.tostring(el, method="text", encoding=str, with_tail=False)
            date = date or bool(_DATE.search(text) or _AGO.search(text))
            parent = el.getparent()
            raw = " ".join(f"{x.get('class') or ''} {x.get('id') or ''}" for x in (el, parent)
                           if x is not None).lower()
            rec = Record(key=key, container=id(parent), siblings=n, date=date, author=author,
                         reply=reply, words=len(text.split()),
                         comment_word=any(w in raw for w in self.words))
        self._rec[key] = rec
        self.elements[key] = el
        return rec

    def record_of(self, el) -> Record | None:
        """The repeated ancestor-or-self of ``el`` (within :data:`MAX_UP` levels) that looks
        most like a comment record: most of date/author/reply, then the nearest."""
        best = None
        a = el
        for _ in range(MAX_UP):
            if a is None or a.tag in ("body", "html"):
                break
            n = self._siblings(a)
            if n >= 2:
                r = self._describe(a, n)
                if r is not None and (best is None or r.score > best.score):
                    best = r
            a = a.getparent()
        return best


def record_features(rec: Record | None) -> list[str]:
    if rec is None:
        return ["rec=none"]
    s = rec.score
    out = [f"rec_score={s}", f"rec_n={_bin(rec.siblings, (3, 6, 15, 40))}",
           f"rec_words={_bin(rec.words, (8, 25, 80, 250))}"]
    if rec.date:
        out.append("rec_date")
    if rec.author:
        out.append("rec_author")
    if rec.reply:
        out.append("rec_reply")
    if rec.comment_word:
        out.append("rec_comment_word")
        out.append(f"rec_comment_word&score={s}")
    return out


def _bin(x: float, edges: tuple) -> int:
    for i, e in enumerate(edges):
        if x < e:
            return i
    return len(edges)


_P = (0.1, 0.25, 0.5, 0.75, 0.9)


def _mean_by(keys: list, values: list[float]) -> list[float | None]:
    tot: dict = {}
    for k, v in zip(keys, values, strict=True):
        if k is not None:
            s = tot.setdefault(k, [0.0, 0])
            s[0] += v
            s[1] += 1
    return [None if k is None else tot[k][0] / tot[k][1] for k in keys]


def context_features(ctx: list[dict], probs: list[dict[str, float]]) -> list[list[str]]:
    """Second-stage features of each block from the first stage's scores around it.

    ``ctx`` holds per block ``rec`` and ``cont`` (record and container keys or None)
    and ``anc`` (keys of its first ancestors), as :func:`._regions.add_features` stores them.
    """
    pc = [p.get("comment", 0.0) for p in probs]
    pb = [p.get("body", 0.0) for p in probs]
    out: list[list[str]] = [[] for _ in probs]
    groups = {"rec": [c["rec"] for c in ctx], "cont": [c["cont"] for c in ctx]}
    for d in range(3):
        groups[f"anc{d}"] = [c["anc"][d] if len(c["anc"]) > d else None for c in ctx]
    contc: list[str] = []
    for name, keys in groups.items():
        for label, vals in (("c", pc), ("b", pb)):
            binned = ["none" if m is None else str(_bin(m, _P)) for m in _mean_by(keys, vals)]
            if name == "cont" and label == "c":
                contc = binned
            for i, v in enumerate(binned):
                out[i].append(f"{name}{label}={v}")
    n = len(probs)
    for i in range(n):
        f = out[i]
        f.append(f"s1c={_bin(pc[i], _P)}")
        f.append(f"s1b={_bin(pb[i], _P)}")
        f.append(f"prevc={_bin(pc[i - 1], _P) if i else 'none'}")
        f.append(f"nextc={_bin(pc[i + 1], _P) if i + 1 < n else 'none'}")
        # a window: comments come in runs, and a short block between two comment blocks is one
        win = pc[max(0, i - 3):i + 4]
        f.append(f"winc={_bin(sum(win) / len(win), _P)}")
        rs = ctx[i].get("rec_score")
        if rs is not None:
            f.append(f"rec_score={rs}&contc={contc[i]}")
    return out
