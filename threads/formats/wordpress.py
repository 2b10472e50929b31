"""WordPress article pages with their comment sections (also current Techdirt).

The comment markup families of WordPress core and common themes
(``ol.commentlist``/``ol.comment-list``, ``li.comment`` or ``article.comment``,
replies in ``.children``, ``id="comment-N"``) are described in the profile
``threads/profiles/html/wordpress.yaml``; the engine is :mod:`._page`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..corpus import Corpus
from . import Format, register
from ._html import load_html_profile, looks_like_html

PROFILE = "wordpress"
_MARKERS = [re.compile(p, re.I) for p in (
    r"/wp-content/", r"/wp-includes/", r"<meta[^>]+generator[^>]+wordpress", r"wp-json",
    r"\bwp-block-", r"<link[^>]+s\d\.wp\.com", r"\bwp-embed")]


def sniff(head: str, name: str) -> float:
    if not looks_like_html(head):
        return 0.0
    hits = sum(1 for rx in _MARKERS if rx.search(head))
    return 0.0 if hits == 0 else min(0.9, 0.55 + 0.1 * hits)


def extract(text: str, path: Path, doc_id: str):
    """Document record, unit records and problems, before they become tables."""
    from ._page import extract_page

    return extract_page(text, path, doc_id, load_html_profile(PROFILE), "wordpress")


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    from ._page import build_page_corpus

    return build_page_corpus(text, path, doc_id, load_html_profile(PROFILE), "wordpress")


register(Format(
    name="wordpress",
    description="WordPress article page with its comment section (nested replies, authors, times)",
    sniff=sniff,
    parse=parse,
    extensions=(".html", ".htm"),
    extra="html",
))
