"""Page regions: every visible text block of a page gets a role from a linear model.

A *block* is a block-level element (``p``, ``div``, ``li``, ...) with the text
directly inside it and its inline children (text of nested blocks belongs to
those). Each block is described by sparse binary features that generalise
across sites and languages (tag path, class and id tokens of the block and its
ancestors, text and link density bins, position on the page and relative to
trafilatura's main text, repeated sibling records, date patterns, comment and
reply words in many languages), and a logistic model shipped as JSON in
``threads/data/page_regions.json`` (no pickle) scores the roles ``body``,
``comment`` and ``boilerplate``. Training and evaluation:
``benchmarks/bench_page_regions.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import FormatError
from ._records import RecordFinder, context_features, mark_reply_controls, record_features

BLOCKS = frozenset(["address", "article", "aside", "blockquote", "body", "center", "dd", "details",
                    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                    "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p",
                    "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "td", "th", "tr",
                    "ul", "caption", "legend", "html"])
_SKIP = ("script", "style", "noscript", "template", "svg", "select", "option", "button", "iframe",
         "object", "canvas", "textarea", "head")
_TOKEN = re.compile(r"[a-z]{3,}")
_DATE = re.compile(r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2})\b")
_AGO = re.compile(r"\b(?:ago|vor|il y a|hace|fa|geleden|temu|назад)\b", re.I)
#: Comment and reply words in several languages (matched in class/id tokens and in short texts).
COMMENT_WORDS = ("comment", "komment", "kommentar", "commentaire", "comentario", "commento",
                 "reactie", "reply", "replies", "respon", "antwort", "repons", "rispost", "discuss",
                 "disqus", "reaction", "talkback", "leserbrief", "opinion", "коммент", "ответ")
_COMMENT_TEXT = re.compile(r"(?:" + "|".join(COMMENT_WORDS) + r"|antworten|répondre|responder|rispondi"
                           r"|beantwoorden|says|sagt|dit|dice|schreef)", re.I)
MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "page_regions.json"
ROLES = ("body", "boilerplate", "comment")


@dataclass
class Block:
    """One text block: its element, text, link text length and features."""

    el: Any
    text: str
    link_chars: int = 0
    features: list[str] = field(default_factory=list)
    #: record, container and ancestor keys for the second stage (see _records.context_features)
    ctx: dict = field(default_factory=dict)


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def _bin(x: float, edges: tuple) -> int:
    for i, e in enumerate(edges):
        if x < e:
            return i
    return len(edges)


def _tokens(el) -> list[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''} {el.get('role') or ''}"
    return _TOKEN.findall(raw.lower().replace("_", " ").replace("-", " "))[:8]


def page_blocks(root, etree) -> list[Block]:
    """The visible text blocks of a parsed page, in document order (the tree is modified:
    invisible elements are removed)."""
    mark_reply_controls(root)
    etree.strip_elements(root, *_SKIP, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    owner: dict = {}
    parts: dict = {}
    links: dict = {}
    order: list = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        parent = el.getparent()
        pb = owner.get(parent) if parent is not None else None
        b = el if (tag in BLOCKS or pb is None) else pb
        owner[el] = b
        if b not in parts:
            parts[b] = []
            links[b] = 0
            order.append(b)
        if el.text:
            parts[b].append(el.text)
            if tag == "a" or (b is not el and _in_link(el, b)):
                links[b] += len(el.text.strip())
        if el.tail and pb is not None:
            parts[pb].append(el.tail)
            if parent is not None and parent.tag == "a":
                links[pb] += len(el.tail.strip())
    out = []
    for b in order:
        text = " ".join(" ".join(parts[b]).split())
        if text:
            out.append(Block(b, text, links[b]))
    return out


_WORD = re.compile(r"\w+")


def _grams(text: str, haystack: bool = False) -> set:
    """Word 3-grams of ``text`` (a shorter text is its own gram; a ``haystack`` also holds
    every 1- and 2-gram, so that a block of one or two words can be found in it)."""
    w = _WORD.findall(text.lower())
    out = {tuple(w[i:i + 3]) for i in range(max(len(w) - 2, 0))} | ({tuple(w)} if 0 < len(w) < 3 else set())
    if haystack:
        out.update((x,) for x in w)
        out.update(tuple(w[i:i + 2]) for i in range(max(len(w) - 1, 0)))
    return out


def _coverage(text: str, grams: set) -> float:
    """Share of the word 3-grams of ``text`` that are in ``grams`` (0 when there are none)."""
    if not grams:
        return 0.0
    mine = _grams(text)
    return sum(g in grams for g in mine) / len(mine) if mine else 0.0


def _in_link(el, block) -> bool:
    for a in el.iterancestors():
        if a is block:
            return False
        if a.tag == "a":
            return True
    return False


def _signature(el) -> str:
    return f"{el.tag}.{(el.get('class') or '').split(' ')[0]}"


def add_features(blocks: list[Block], traf_main: str = "", traf_comments: str = "") -> RecordFinder:
    """Fill each block's feature list (strings, each worth 1); the record finder it used
    (its ``elements`` map the blocks' record keys to their elements)."""
    n = max(len(blocks), 1)
    main, com = norm(traf_main), norm(traf_comments)
    # trafilatura rewrites spacing and quotes and drops bits: a block counts as in its main
    # text when most of the block's word 3-grams are (a substring test missed 1 in 4)
    grams = _grams(main, haystack=True)
    cov = [_coverage(b.text, grams) for b in blocks]
    in_main = [c >= 0.5 for c in cov]
    first = next((i for i, f in enumerate(in_main) if f), None)
    last = max((i for i, f in enumerate(in_main) if f), default=None)
    rep_cache: dict = {}
    # every element proxy held while ids serve as keys (a freed proxy's id can be reused)
    hold = list(blocks[0].el.getroottree().getroot().iter()) if blocks else []
    finder = RecordFinder(COMMENT_WORDS)
    for i, b in enumerate(blocks):
        el, t = b.el, b.text
        f = b.features
        f.append("bias")
        f.append(f"tag={el.tag}")
        anc = list(islice(el.iterancestors(), 6))  # not all of them: O(depth) a block on deep pages
        path = [el.tag] + [a.tag for a in anc[:2]]
        f.append("path=" + "/".join(str(p) for p in path))
        for tok in _tokens(el):
            f.append(f"tok0={tok}")
        for d, a in enumerate(anc):
            for tok in _tokens(a):
                f.append(f"tokA={tok}")
                f.append(f"tok{min(d + 1, 3)}={tok}")
                if any(w in tok for w in COMMENT_WORDS):
                    f.append("anc_comment_word")
            if a.tag in ("nav", "footer", "header", "aside", "form", "article", "main"):
                f.append(f"in_{a.tag}")
        words = len(t.split())
        f.append(f"words={_bin(words, (3, 8, 15, 30, 60, 120))}")
        f.append(f"links={_bin(b.link_chars / max(len(t), 1), (0.01, 0.3, 0.7, 0.95))}")
        f.append(f"pos={_bin(i / n, (0.1, 0.25, 0.5, 0.75, 0.9))}")
        f.append(f"punct={_bin(t.count('.') + t.count(',') + t.count('!') + t.count('?'), (1, 3, 8))}")
        f.append(f"traf_main={in_main[i]}")
        f.append(f"traf_cov={_bin(cov[i], (0.01, 0.3, 0.5, 0.8, 0.99))}")
        if com:
            f.append(f"traf_com={norm(t) in com}")
        if first is None:
            f.append("rel=nomain")
        else:
            f.append("rel=" + ("before" if i < first else "after" if i > (last or first) else "within"))
            if last is not None and i > last:
                f.append(f"after_by={_bin(i - last, (3, 10, 30, 100))}")
        if _DATE.search(t) or _AGO.search(t):
            f.append("has_date")
        if words < 12 and _COMMENT_TEXT.search(t):
            f.append("short_comment_word")
        for a in anc[:4]:
            p = a.getparent()
            if p is None:
                continue
            key = id(a)
            if key not in rep_cache:
                sig = _signature(a)
                rep_cache[key] = sum(1 for s in p if isinstance(s.tag, str) and _signature(s) == sig)
            r = rep_cache[key]
            if r >= 3:
                f.append(f"repeated={_bin(r, (5, 15, 50))}")
                break
        rec = finder.record_of(el)
        f.extend(record_features(rec))
        b.ctx = {"rec": rec.key if rec else None, "cont": rec.container if rec else None,
                 "rec_score": rec.score if rec else None, "anc": [id(a) for a in anc[:3]]}
    del hold
    return finder


_override: ContextVar[dict | None] = ContextVar("page_region_model", default=None)
_OFF: dict = {}


@contextmanager
def using_model(model: dict | None) -> Iterator[None]:
    """Make the HTML parser use ``model`` instead of the shipped one (leave-site-out
    evaluation refits it per fold: ``with using_model(m): threads.read(page)``);
    ``None`` switches the model off (the profile walk alone, as before issue 18)."""
    model = _OFF if model is None else model
    token = _override.set(model)
    try:
        yield
    finally:
        _override.reset(token)


def model_enabled() -> bool:
    return _override.get() is not _OFF


def current_model() -> dict:
    return _override.get() or load_model()


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> dict:
    """The shipped model: ``{"classes": [...], "intercept": [...], "coef": {feature: [...]}}``."""
    p = Path(path) if path else MODEL_PATH
    try:
        data = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise FormatError(p, f"cannot read the page-region model: {e}") from e
    parts = [data[k] for k in ("stage1", "stage2") if isinstance(data.get(k), dict)] or [data]
    if not all({"classes", "intercept", "coef"} <= set(x) for x in parts):
        raise FormatError(p, "the page-region model lacks classes, intercept or coef")
    return data


def _softmax(features_of, m: dict) -> list[dict[str, float]]:
    classes, coef = m["classes"], m["coef"]
    out = []
    for feats in features_of:
        s = list(m["intercept"])
        for feat in feats:
            w = coef.get(feat)
            if w is not None:
                for k in range(len(s)):
                    s[k] += w[k]
        if len(s) == 1:  # binary model stored as one score
            p1 = 1 / (1 + math.exp(-s[0]))
            out.append({classes[0]: 1 - p1, classes[1]: p1})
            continue
        top = max(s)
        e = [math.exp(x - top) for x in s]
        z = sum(e)
        out.append({c: v / z for c, v in zip(classes, e, strict=True)})
    return out


def predict(blocks: list[Block], model: dict | None = None) -> list[dict[str, float]]:
    """Role probabilities for each block: the first stage over the block's own features,
    then (when the model has one) the second over those plus its record's and
    neighbours' first-stage scores."""
    m = model or load_model()
    first = m.get("stage1", m)
    probs = _softmax((b.features for b in blocks), first)
    if "stage2" not in m:
        return probs
    ctx = context_features([b.ctx for b in blocks], probs)
    return _softmax((b.features + c for b, c in zip(blocks, ctx, strict=True)), m["stage2"])


#: Body scores in this range are "unsure": there trafilatura's main text decides (fixed, not tuned).
UNSURE = (0.25, 0.75)


def decide(blocks: list[Block], probs: list[dict[str, float]],
           unsure: tuple[float, float] | list[float] = UNSURE) -> list[str]:
    """One role per block: the model's best, except where its body score is unsure and the
    page has a trafilatura main text; there a block is body exactly when trafilatura keeps it.
    (A model fitted by ``_regions_fit`` carries its own ``unsure`` range, chosen on its
    training pages.)"""
    out = []
    lo, hi = unsure
    for b, p in zip(blocks, probs, strict=True):
        role = max(p, key=p.__getitem__)
        if lo <= p.get("body", 0.0) <= hi and "rel=nomain" not in b.features:
            if "traf_main=True" in b.features:
                role = "body"
            elif role == "body":
                role = max((r for r in p if r != "body"), key=p.__getitem__)
        out.append(role)
    return out
