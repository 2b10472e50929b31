"""ConvoKit corpus folders (``utterances.jsonl`` beside ``conversations.json``): see :mod:`threads.convokit`.

The format claims ``utterances.jsonl`` and reads its sibling files, so
:func:`threads.read` on a ConvoKit folder (or a folder of them) gives one
document per conversation.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..convokit import folder_entry, parse_folder
from ..corpus import Corpus
from . import Format, register


def sniff(head: str, name: str) -> float:
    if name not in ("utterances.jsonl", "utterances.json"):
        return 0.0
    first = head.lstrip("\ufeff \t\r\n[").split("\n", 1)[0].strip().rstrip(",")
    try:
        record = json.loads(first)
    except ValueError:
        return 0.3 if '"conversation_id"' in head[:4096] else 0.0
    if isinstance(record, dict) and "id" in record and ({"conversation_id", "root"} & set(record)):
        return 0.97  # above a JSON Lines table (tabular: 0.6)
    return 0.0


def parse(text: str, path: Path, doc_id: str) -> Corpus:
    return parse_folder(text, Path(path))


register(Format(
    name="convokit",
    description="ConvoKit corpus folder (utterances.jsonl, conversations.json, speakers.json, corpus.json)",
    sniff=sniff, parse=parse, extensions=(".jsonl",),
    options={"folder_entry": folder_entry},
))
