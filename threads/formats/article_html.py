"""Any other article page: the body and metadata, with comments kept apart.

The post's text comes from its content container when the markup names one
(profile ``threads/profiles/html/article.yaml``: WordPress and Drupal fields,
``articleBody``, ...), otherwise from trafilatura; metadata the page's head
does not state is filled in by trafilatura. Comments are recognised by the
same markup families as WordPress comments (``id="comment-N"``, Drupal
anchors and ``.indented`` reply wrappers, comment classes) and never mixed
into the body; a comment section whose comments carry no known markup is kept
as boilerplate with a warning.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import Corpus
from . import Format, register
from ._html import load_html_profile, looks_like_html

PROFILE = "article"


def sniff(head: str, name: str) -> float:
    return 0.5 if looks_like_html(head, name) else 0.0


def extract(text: str, path: Path, doc_id: str):
    """Document record, unit records and problems, before they become tables."""
    from ._page import extract_page

    return extract_page(text, path, doc_id, load_html_profile(PROFILE), "article_html",
                        use_trafilatura_meta=True, model=True)


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    from ._page import build_page_corpus

    return build_page_corpus(text, path, doc_id, load_html_profile(PROFILE), "article_html",
                             use_trafilatura_meta=True, model=True)


register(Format(
    name="article_html",
    description="any article page: body and metadata (trafilatura fallback), comments kept apart",
    sniff=sniff,
    parse=parse,
    extensions=(".html", ".htm"),
    extra="html",
))
