"""JSON that no platform format claims: refused with a clear error instead of read as plain text.

Without this, an unrecognised JSON file (another platform's export, an API
error page) would fall through to the plain-text reader and become "body"
lines of braces and quotes. Its sniff score is just above the text
fallback's, so every real format wins over it.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._json import load_json
from ._sniff import json_mismatch

KNOWN = ("reddit (thread .json), reddit-morechildren, hackernews-json (Algolia items), discourse (topic), "
         "lemmy (post/comments), tabular (JSONL or an array of flat records with a text column)")


def sniff(head: str, name: str) -> float:
    return 0.15 if head.lstrip()[:1] in ("{", "[") else 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, "JSON")
    raise FormatError(path, (
        f"JSON of no known platform format ({json_mismatch(data, text, path, 'json')}); "
        f"the JSON formats are: {KNOWN}. Pass format= to force one, or load it with pandas and use "
        "threads.Corpus.from_pandas"))


register(Format(
    name="json",
    description="JSON of no known platform format (refused with an explanation)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
