"""Disqus XML export: ``<thread>`` elements are documents, ``<post>`` elements comments.

Each thread becomes a document ``{file}-{dsq:id}`` (title unit, body
paragraphs from its ``<message>`` when there is one); each post a comment
keyed by its ``dsq:id`` with its parent from ``<parent dsq:id>``, its text
from the message HTML (CDATA). ``isDeleted`` / ``isSpam`` posts are kept and
flagged ``deleted`` / ``spam``. A post naming a thread the export does not
contain goes into a document of that thread id (``title`` NA), with a
warning and a ``missing_thread`` problem row. E-mail and IP addresses are
never copied into the corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._htmltext import html_to_text, paragraphs
from ._thread import ThreadBuilder
from ._xml import child_text, local, parse_xml

NS = "http://disqus.com"
DSQ = "http://disqus.com/disqus-internals"
EXPECTED = "a Disqus XML export (<disqus xmlns=\"http://disqus.com\"> with <thread> and <post> elements)"
_ID = f"{{{DSQ}}}id"


def sniff(head: str, name: str) -> float:
    if "<disqus" in head and "disqus.com" in head:
        return 0.95
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    root = parse_xml(text, path, EXPECTED)
    if local(root.tag) != "disqus":
        raise FormatError(path, f"expected {EXPECTED}; the root element is <{local(root.tag)}>")
    b = ThreadBuilder(path, "disqus")
    threads: dict[str, str] = {}
    for th in root.findall(f"{{{NS}}}thread"):
        tid = th.get(_ID) or f"item{len(threads) + 1}"
        did = b.doc(f"{doc_id}-{tid}", outlet=child_text(th, "forum", NS), title=child_text(th, "title", NS),
                    url=child_text(th, "link", NS), published=child_text(th, "createdAt", NS),
                    author=_author(th.find(f"{{{NS}}}author")))
        threads[tid] = did
        where = f"/disqus/thread[@dsq:id='{tid}']"
        title = child_text(th, "title", NS)
        common: dict[str, Any] = {"platform_id": tid, "author": b.docs[did].get("author"),
                  "published": b.docs[did].get("published")}
        if title:
            b.unit(did, f"thread-{tid}:title", "title", title, locator=f"{where}/title", **common)
        body = html_to_text(child_text(th, "message", NS))
        b.account(did, body)
        for start, end, para in paragraphs(body):
            b.unit(did, f"thread-{tid}:body@{start}", "body", para, start=start, end=end,
                   locator=f"{where}/message", visible="", **common)
    for post in root.findall(f"{{{NS}}}post"):
        pid = post.get(_ID) or ""
        where = f"/disqus/post[@dsq:id='{pid}']"
        ref = post.find(f"{{{NS}}}thread")
        ref_id = ref.get(_ID) if ref is not None else None
        found = threads.get(ref_id) if ref_id is not None else None
        if found is not None:
            did = found
        else:
            label = ref_id if ref_id is not None else "unknown"
            did = f"{doc_id}-{label}"
            if did not in b.docs:
                b.doc(did)
                threads[label] = did
                b.gap(did, "missing_thread", f"post {pid} belongs to thread {label!r}, which the export "
                      "does not contain; its posts are kept in a document of their own")
        parent_el = post.find(f"{{{NS}}}parent")
        parent = parent_el.get(_ID) if parent_el is not None else None
        flags = ";".join(f for f, el in (("deleted", "isDeleted"), ("spam", "isSpam"))
                         if (child_text(post, el, NS) or "").lower() == "true")
        b.unit(did, pid, "comment", html_to_text(child_text(post, "message", NS)),
               parent_key=parent, author=_author(post.find(f"{{{NS}}}author")),
               published=child_text(post, "createdAt", NS), locator=where, platform_id=pid, flags=flags)
    if not b.docs:
        raise FormatError(path, f"expected {EXPECTED}; found no <thread> or <post> elements")
    return b.build()


def _author(el) -> str | None:
    return child_text(el, "username", NS) or child_text(el, "name", NS)


register(Format(
    name="disqus",
    description="Disqus XML export (threads and posts)",
    sniff=sniff, parse=parse, extensions=(".xml",),
))
