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
# Each marker is a literal that must be in the page head before its regex runs: a regex
# that starts with \b (or carries re.I) cannot use the literal scan and took ~1 ms per
# 64 KB head when the marker is absent, more than parsing the page. WordPress writes
# these paths and class names in lower case.
_MARKERS = [(literal, re.compile(pattern, flags)) for literal, pattern, flags in (
    ("/wp-content/", r"/wp-content/", 0),
    ("/wp-includes/", r"/wp-includes/", 0),
    ("enerator", r"<meta[^>]+generator[^>]+wordpress", re.I),  # "generator" or "Generator"
    ("wp-json", r"wp-json", 0),
    ("wp-block-", r"\bwp-block-", 0),
    (".wp.com", r"<link[^>]+s\d\.wp\.com", re.I),
    ("wp-embed", r"\bwp-embed", 0))]


def sniff(head: str, name: str) -> float:
    if not looks_like_html(head):
        return 0.0
    hits = 0
    for literal, rx in _MARKERS:
        at = head.find(literal)
        # start near the literal's first place: a marker's match begins at most a tag before it
        if at >= 0 and rx.search(head, max(0, at - 512)):
            hits += 1
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
