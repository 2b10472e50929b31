"""HTML fragments from exports (comment messages, cooked posts) -> plain text.

Uses the standard library's streaming ``html.parser`` (no recursion, no
extra dependency): block elements become paragraph breaks, ``<br>`` a line
break, entities are decoded, scripts and styles dropped, other whitespace
collapsed as a browser would. ``<pre>`` keeps its line breaks (not its indentation).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({
    "p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
    "table", "section", "article", "aside", "header", "footer", "figure", "figcaption",
    "hr", "details", "summary", "main", "nav", "form", "fieldset", "address",
})
_LINES = frozenset({"br", "li", "tr", "dt", "dd"})
_DROP = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_SPACE_NO_NEWLINE = re.compile(r"[ \t\r\f\v]+")
_PARA = re.compile(r"\n[ \t]*\n\s*")


class _Text(HTMLParser):
    def __init__(self, keep_newlines: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.space = _SPACE_NO_NEWLINE if keep_newlines else _SPACE
        self.parts: list[str] = []
        self.drop = 0
        self.pre = 0

    def parse_marked_section(self, i, report=1):
        # html.parser asserts on a keyword it does not know (``<![foo[``); a browser reads such a
        # section as a bogus comment up to the next ">", so do that (nothing of it is shown)
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return len(self.rawdata) if end < 0 else end + 1

    def handle_starttag(self, tag, attrs):
        if tag in _DROP:
            self.drop += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            if tag == "pre":
                self.pre += 1
        elif tag in _LINES:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _LINES or tag == "hr":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROP:
            self.drop = max(0, self.drop - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        if self.drop:
            return
        if self.pre:
            self.parts.append(data.replace("\r\n", "\n"))
        else:
            self.parts.append(self.space.sub(" ", data))


def html_to_text(html: str | None, keep_newlines: bool = False) -> str:
    """Visible text of an HTML fragment; paragraphs separated by one blank line.

    ``keep_newlines=True`` reads newlines as WordPress displays them
    (``wpautop``): a line break, and a blank line a new paragraph, even in
    text that also holds tags.
    """
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    parser = _Text(keep_newlines)
    parser.feed(html)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    out = "\n".join(lines)
    return _PARA.sub("\n\n", out).strip()


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, paragraph)`` for each blank-line separated paragraph of ``text``."""
    out = []
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        chunk = m.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            stripped = chunk.strip()
            out.append((m.start() + lead, m.start() + lead + len(stripped), stripped))
    return out
