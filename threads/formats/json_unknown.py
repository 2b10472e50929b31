"""JSON that no platform format claims: refused with a clear error instead of read as plain text.

Without this, an unrecognised JSON file (another platform's export, an API
error page) would fall through to the plain-text reader and become "body"
lines of braces and quotes. Its sniff score is just above the text
fallback's, so every real format wins over it. A file that is one bare JSON
value (``null``, ``42``, ``"str"``) is refused too (it scores above the text
fallback, since no export is a lone value).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..corpus import Corpus
from ..errors import FormatError
from . import Format, register
from ._json import load_json
from ._sniff import SNIFF_CHARS, json_mismatch
from ._thread import json_kind

KNOWN = ("reddit (thread .json), reddit-morechildren, hackernews-json (Algolia items), discourse (topic), "
         "lemmy (post/comments), tabular (JSONL or an array of flat records with a text column), "
         "mastodon (status + context), bluesky (getPostThread, post records), youtube (Data API comment pages), "
         "youtube-jsonl (youtube-comment-downloader)")


def sniff(head: str, name: str) -> float:
    if head.lstrip()[:1] in ("{", "["):
        return 0.15
    # a whole file that is one bare JSON value (null, 42, "str"): no export looks like that, and the
    # text reader would make it a body; above the text fallback (0.5) so it is refused instead
    return 0.6 if len(head) < SNIFF_CHARS and _is_bare_json(head) else 0.0


def _is_bare_json(text: str) -> bool:
    s = text.strip()
    if not s or s[0] not in '"-0123456789ntfNI':
        return False
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    data = load_json(text, path, "JSON")
    if not isinstance(data, (dict, list)):
        raise FormatError(path, (
            f"the whole file is {json_kind(data)}, not an export (expected a JSON object or array; "
            f"the JSON formats are: {KNOWN}). Pass format='text' to read it as plain text"))
    raise FormatError(path, (
        f"JSON of no known platform format ({json_mismatch(data, text, path, 'json')}); "
        f"the JSON formats are: {KNOWN}. Pass format= to force one, or load it with pandas and use "
        "threads.Corpus.from_pandas"))


register(Format(
    name="json",
    description="JSON of no known platform format (refused with an explanation)",
    sniff=sniff, parse=parse, extensions=(".json",),
))
