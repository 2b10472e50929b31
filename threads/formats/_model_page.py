"""The page-region model inside the HTML parser, for pages no profile describes.

:mod:`._page` walks a page with a markup profile. Where the profile finds no
comment markup, or no content container it names, this module reads the page
a second time the model's way (:func:`._regions.page_blocks`, trafilatura's
main text and comments as features, two-stage scores, :func:`._regions.decide`)
and hands back a role for every block text and the comment records it found,
each with its texts, author, time, parent and depth where the record's markup
shows them. :mod:`._page` turns those into units.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._html import clean, parse_html, parse_when, require_lxml, require_trafilatura
from ._records import _AGO
from ._regions import UNSURE, add_features, current_model, decide, norm, page_blocks, predict

_AUTHOR = re.compile(r"author|user|name|nick|autor|auteur|poster|commenter|\bfn\b")
_NOT_AUTHOR = re.compile(r"avatar|photo|image|img|date|time|meta|text|content|body|count")


@dataclass(frozen=True)
class ModelComment:
    """One comment record the model found (texts in document order)."""

    texts: tuple[str, ...]
    chrome: tuple[str, ...]  # short author/date lines of the record
    author: str | None
    when: str | None  # a machine-readable time in the record
    parent: int | None  # index of the comment it replies to
    depth: int
    locator: str


@dataclass(frozen=True)
class ModelPage:
    """Roles of a page's block texts (normalised; the first block with a text wins)
    and its comment records."""

    roles: Mapping[str, str]
    comments: tuple[ModelComment, ...]


def trafilatura_parts(text: str) -> tuple[str, str]:
    """Trafilatura's main text and comment text of a page ("" when it finds none)."""
    from lxml import etree

    trafilatura = require_trafilatura()
    try:
        xml = trafilatura.extract(text, include_comments=True, output_format="xml")
    except Exception:  # noqa: BLE001 - trafilatura raises many kinds; a feature, not a must
        return "", ""
    if not xml:
        return "", ""
    t = etree.fromstring(xml.encode("utf-8"))
    main, com = t.find("main"), t.find("comments")
    return (" ".join(main.itertext()) if main is not None else "",
            " ".join(com.itertext()) if com is not None else "")


def read_regions(text: str, path: Path) -> ModelPage:
    """Score every block of the page and collect the comment records (see module docstring)."""
    _, etree = require_lxml()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the profile walk has reported the page's problems
        root = parse_html(text, path)
    blocks = page_blocks(root, etree)
    main, com = trafilatura_parts(text)
    finder = add_features(blocks, main, com)
    model = current_model()
    roles = decide(blocks, predict(blocks, model), model.get("unsure", UNSURE))
    by_text: dict[str, str] = {}
    for b, r in zip(blocks, roles, strict=True):
        by_text.setdefault(norm(b.text), r)
    # comment blocks grouped by record (a block outside any record is a record of its own)
    groups: dict = {}
    for i, (b, r) in enumerate(zip(blocks, roles, strict=True)):
        if r == "comment":
            key = b.ctx.get("rec")
            if key is None and len(b.text.split()) < 6:
                by_text[norm(b.text)] = "boilerplate"  # a heading ("Reader comments"), not a comment
                continue
            groups.setdefault(key if key is not None else ("block", i), []).append(b)
    tree = root.getroottree()
    keys = list(groups)
    index = {k: n for n, k in enumerate(keys)}
    comments: list[ModelComment] = []
    for k in keys:
        el = groups[k][0].el if isinstance(k, tuple) else finder.elements.get(k, groups[k][0].el)
        parent = None
        for a in el.iterancestors():
            if id(a) in index and id(a) != k:
                parent = index[id(a)]
                break
        depth = comments[parent].depth + 1 if parent is not None and parent < len(comments) else 1
        author, when = _author(el), _when(el)
        texts, chrome = [], []
        for b in groups[k]:
            short = len(b.text) < 80
            if short and (b.text == author or (len(b.text) < 40 and (parse_when(b.text) or _AGO.search(b.text)))):
                chrome.append(b.text)
            else:
                texts.append(b.text)
        comments.append(ModelComment(texts=tuple(texts), chrome=tuple(chrome), author=author, when=when,
                                     parent=parent if parent is not None and parent < len(comments) else None,
                                     depth=depth, locator=tree.getpath(el)))
    return ModelPage(roles=by_text, comments=tuple(comments))


def _author(el) -> str | None:
    """The commenter's name: an element of the record marked as author/user/name, a
    ``cite`` or ``itemprop="author"``, with a short text."""
    for sub in el.iter():
        if not isinstance(sub.tag, str) or sub is el:
            continue
        raw = f"{sub.get('class') or ''} {sub.get('id') or ''} {sub.get('itemprop') or ''}".lower()
        if sub.tag == "cite" or "author" in (sub.get("itemprop") or "") or (
                _AUTHOR.search(raw) and not _NOT_AUTHOR.search(raw)):
            name = clean(" ".join(sub.itertext()))
            if 1 < len(name) <= 60:
                return name
    return None


def _when(el) -> str | None:
    for sub in el.iter():
        if isinstance(sub.tag, str) and (sub.get("datetime") or sub.get("data-timestamp")):
            return sub.get("datetime") or sub.get("data-timestamp")
    return None
