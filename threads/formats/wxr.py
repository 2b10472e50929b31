"""WordPress WXR export (``Tools > Export``): ``<item>`` posts with ``<wp:comment>``.

Each post or page is a document ``{file}-{wp:post_id}`` (``item{n}`` when the
item has no id): ``title`` unit, ``body`` paragraphs from ``content:encoded``
(HTML -> text, newlines read as WordPress displays them). Each ``<wp:comment>`` is a comment keyed by
``wp:comment_id``, replying to ``wp:comment_parent`` (0 = top level), with
its time from ``wp:comment_date_gmt``. Moderation status is kept as flags:
``comment_approved`` ``0`` -> ``unapproved``, ``spam`` -> ``spam``,
``trash`` -> ``deleted``. Pingbacks and trackbacks are ``meta`` units
(``subject`` says which). Items that are not posts (attachments, menu
items, ...) and have no comments are not documents; one problem row counts
them. E-mail and IP addresses are never copied into the corpus.
"""

from __future__ import annotations

from collections import Counter
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text, paragraphs
from ._thread import ThreadBuilder
from ._xml import child_text, local, parse_xml

CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
EXPECTED = "a WordPress WXR export (<rss> with the wp: export namespace, <item> posts, <wp:comment>)"
_DOC_TYPES = ("post", "page", None)
_STATUS_FLAGS = {"0": "unapproved", "spam": "spam", "trash": "deleted", "post-trashed": "deleted"}
_NO_DATE = "0000-00-00 00:00:00"


def sniff(head: str, name: str) -> float:
    if "<rss" in head and "wordpress.org/export/" in head:
        return 0.95
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    root = parse_xml(text, path, EXPECTED)
    channel = root.find("channel")
    wp = _wp_namespace(root)
    if local(root.tag) != "rss" or channel is None or wp is None:
        raise FormatError(path, f"expected {EXPECTED}; found <{local(root.tag)}> without the wp: namespace"
                          if wp is None else f"expected {EXPECTED}; found no <channel>")
    b = ThreadBuilder(path, "wxr")
    outlet = child_text(channel, "title")
    skipped: Counter = Counter()
    for n, item in enumerate(channel.findall("item"), start=1):
        comments = item.findall(f"{{{wp}}}comment")
        post_type = child_text(item, "post_type", wp)
        if post_type not in _DOC_TYPES and not comments:
            skipped[post_type] += 1
            continue
        post_id = child_text(item, "post_id", wp)
        did = f"{doc_id}-{post_id}" if post_id else f"{doc_id}-item{n}"
        where = f"/rss/channel/item[{n}]"
        author = child_text(item, "creator", DC)
        published = _gmt(child_text(item, "post_date_gmt", wp)) or _rfc822(child_text(item, "pubDate"))
        title = child_text(item, "title")
        b.doc(did, outlet=outlet, outlet_kind="blog", title=title, url=child_text(item, "link"),
              published=published, author=author)
        common: dict[str, Any] = {"author": author, "published": published, "platform_id": post_id}
        if title:
            b.unit(did, f"post-{post_id or n}:title", "title", title, locator=f"{where}/title", **common)
        body = html_to_text(child_text(item, "encoded", CONTENT), keep_newlines=True)
        b.account(did, body)
        for start, end, para in paragraphs(body):
            b.unit(did, f"post-{post_id or n}:body@{start}", "body", para, start=start, end=end,
                   locator=f"{where}/content:encoded", visible="", **common)
        for k, c in enumerate(comments, start=1):
            cid = child_text(c, "comment_id", wp) or f"c{k}"
            parent = child_text(c, "comment_parent", wp)
            kind = child_text(c, "comment_type", wp)
            role = "meta" if kind in ("pingback", "trackback") else "comment"
            status = child_text(c, "comment_approved", wp)
            text = html_to_text(child_text(c, "comment_content", wp), keep_newlines=True)
            b.unit(did, cid, role, text,
                   parent_key=None if parent in (None, "0") or role == "meta" else parent,
                   author=child_text(c, "comment_author", wp),
                   published=_gmt(child_text(c, "comment_date_gmt", wp)),
                   subject=kind if role == "meta" else None, locator=f"{where}/wp:comment[{k}]",
                   platform_id=cid, flags=_STATUS_FLAGS.get(status or "1", ""))
    if skipped:
        b.problem(None, None, "skipped_items", "items that are not posts or pages and have no comments: "
                  + ", ".join(f"{n} {t or 'untyped'}" for t, n in sorted(skipped.items(), key=str)))
    if not b.docs:
        raise FormatError(path, f"expected {EXPECTED}; found no posts or pages")
    return b.build()


def _wp_namespace(root) -> str | None:
    """The wp: namespace URI (its version number varies: export/1.0/ ... 1.2/)."""
    for el in root.iter():
        tag = el.tag
        if tag.startswith("{") and "wordpress.org/export/" in tag:
            return tag[1:].split("}", 1)[0]
    return None


def _gmt(value: str | None):
    if not value or value == _NO_DATE:
        return None
    return value.replace(" ", "T") + "Z"


def _rfc822(value: str | None):
    try:
        return pd.Timestamp(parsedate_to_datetime(value)) if value else None
    except (TypeError, ValueError):
        return value  # the builder tries it again and flags it if it is no time (threads.times)


register(Format(
    name="wxr",
    description="WordPress WXR export (posts with wp:comment)",
    sniff=sniff, parse=parse, extensions=(".xml", ".wxr"),
))
