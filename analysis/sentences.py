"""A regex sentence splitter (no NLTK data needed): spans, not copies."""

from __future__ import annotations

import re

# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by
# white space and something that can start a sentence; or at a line break.
_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[]?[A-Z0-9À-Ý])|\n+""")
_ABBREV = frozenset(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "maj", "lt", "sgt", "capt", "rev", "gov", "sen", "rep", "pres", "vs", "etc", "e.g", "i.e", "cf", "no", "vol", "fig", "approx", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"])


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text``, white space trimmed.

    >>> t = "Dr. Wang spoke. Police were trained abroad!\\nNext line"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Dr. Wang spoke.', 'Police were trained abroad!', 'Next line']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if m.group()[0] == ".":
            word = re.search(r"([\w.]+)$", text[max(start, m.start() - 12):m.start()])
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue  # "Dr. Wang", "J. Smith": not a sentence end
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, s: int, e: int, spans: list) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))
