"""Plain-text scrapes. (Minimal fallback: paragraphs as body; profiles come next.)"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from . import Format, register

_LINE = re.compile(r"[^\n]+")


def parse_plain(text: str, path: Path, doc_id: str) -> Corpus:
    rows = []
    for i, m in enumerate(_LINE.finditer(text)):
        if not m.group().strip():
            continue
        rows.append({"doc_id": doc_id, "unit_id": f"{doc_id}:{m.start()}", "role": "body",
                     "position": i, "depth": 0, "text": m.group(), "start": m.start(), "end": m.end(),
                     "locator": f"chars {m.start()}-{m.end()}"})
    units = pd.DataFrame(rows)
    covered = sum(len(r["text"]) for r in rows)
    nonspace = len(re.sub(r"\s", "", text)) - sum(len(re.sub(r"\s", "", r["text"])) for r in rows)
    docs = pd.DataFrame([{"doc_id": doc_id, "source_format": "text", "source_path": str(path),
                          "source_chars": len(text), "unaccounted_chars": nonspace}])
    del covered
    return Corpus(docs=docs, units=units)


register(Format(
    name="text",
    description="plain-text scrape: paragraphs as body",
    sniff=lambda head, name: 0.1,
    parse=parse_plain,
    extensions=(".txt",),
))
