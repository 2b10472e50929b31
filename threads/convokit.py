"""A corpus as a ConvoKit corpus folder, and a ConvoKit corpus folder as a corpus.

ConvoKit (Cornell's conversation toolkit, ``convokit.Corpus(filename=FOLDER)``)
stores a corpus as a folder of five JSON files, the layout its
``Corpus.dump`` writes (``convokit/model/corpus_helpers.py``):

- ``utterances.jsonl``: one utterance a line, ``{"id", "conversation_id",
  "text", "speaker", "meta", "reply-to", "timestamp", "vectors"}``;
- ``speakers.json`` and ``conversations.json``: ``{id: {"meta": {...}, "vectors": []}}``;
- ``corpus.json``: the corpus metadata;
- ``index.json``: the metadata keys of each kind and their Python types.

How a corpus maps (docs/corpus.md, "ConvoKit"): a document is a conversation
(id ``doc_id``, metadata the ``docs`` columns). Its root utterance (id
``doc_id``) holds the article: its text is the ``body`` paragraphs, and its
``threadframe_units`` metadata the article units themselves, so they come
back unchanged. Every other unit (the comments, and stubs inside the thread)
is an utterance replying to its parent, or to the root when it has none;
``timestamp`` is seconds since 1970 (UTC). The tags go into each
utterance's metadata (``tags``, ``tag_scores``, ``evidence``, ``stance``;
for the article units, into their entries of ``threadframe_units``).

Reading (:func:`from_convokit`, or :func:`threads.read` on the folder)
restores a folder this module wrote exactly; any other ConvoKit corpus
becomes one document per conversation, whose root utterance (the one
replying to nothing, e.g. a Reddit post) is a ``body`` unit and whose other
utterances are comments, with their metadata as extra unit columns. Binary
metadata (ConvoKit's ``*-bin.p`` pickles) is never unpickled: it is left as
ConvoKit's placeholder text, with a problem row.
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._tags import tag_tables
from .decode import DEFAULT_MAX_BYTES, decode_text, read_bytes
from .errors import CorpusError, FormatError, InputError
from .schema import ARTICLE_ROLES, DOC_COLUMNS, SCHEMA_VERSION, UNIT_COLUMNS

if TYPE_CHECKING:
    from .corpus import Corpus

FILES = ("utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json")
#: The speaker of an utterance whose author is unknown (ConvoKit needs a speaker id).
UNKNOWN_SPEAKER = "[unknown]"
#: Utterance metadata that holds unit columns (the rest of a unit's columns are utterance fields).
UNIT_META = ("role", "position", "depth", "subject", "start", "end", "locator", "platform_id", "flags")
#: ConvoKit's placeholder for metadata stored in a pickle file beside the JSON.
BIN_MARK = "<##bin{"
EXPECTED = "a ConvoKit corpus folder (utterances.jsonl with id, conversation_id, reply-to, speaker, text)"


# ---------------------------------------------------------------------- values
def json_value(v: Any) -> Any:
    """``v`` as plain JSON: NA/NaN -> null, numpy scalars -> Python, times -> ISO 8601 UTC."""
    if v is None or type(v) is str or type(v) is int:  # the common cases first: this runs per value
        return v
    if isinstance(v, (list, tuple, np.ndarray)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(v)
        return (ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).isoformat()
    if isinstance(v, str):
        return v
    return str(v)


def _epoch(v) -> int | float | None:
    """A UTC time as seconds since 1970 (an int when whole: ConvoKit's own corpora use ints)."""
    if v is None or v is pd.NaT or pd.isna(v):
        return None
    us = pd.Timestamp(v).value // 1000  # .value is nanoseconds whatever the unit
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1e6


def _type_name(v) -> str:
    """ConvoKit's index entry for a value: ``str(type(value))``."""
    return str(type(v))


# ---------------------------------------------------------------------- writing
def to_convokit(corpus: Corpus, path: str | os.PathLike, tags=None) -> Path:
    """Write ``corpus`` as a ConvoKit corpus folder at ``path`` (see the module doc). Returns the folder."""
    d = Path(path)
    if d.exists() and not d.is_dir():
        raise CorpusError(f"{d}: to_convokit writes a folder, and this is a file")
    units, docs = corpus.units, corpus.docs
    tables = tag_tables(tags, units["unit_id"])
    present = tables.present() if tables else {}
    scores: dict[str, dict[str, float]] = {}
    evidence: dict[str, list] = {}
    stance: dict[str, dict] = {}
    if tables is not None:
        t = tables.tags
        for u, c, s in zip(t["unit_id"].tolist(), t["category"].tolist(), t["score"].tolist(), strict=True):
            scores.setdefault(u, {})[c] = float(s)
        ev = tables.evidence
        ev_cols = [c for c in ("category", "cue", "start", "end", "matched", "sentence") if c in ev]
        if len(ev):
            values = [[json_value(v) for v in ev[c].tolist()] for c in ev_cols]
            for u, *row in zip(ev["unit_id"].tolist(), *values, strict=True):
                evidence.setdefault(u, []).append(dict(zip(ev_cols, row, strict=True)))
        for rec in tables.stance.to_dict("records") if len(tables.stance) else []:
            stance[rec["unit_id"]] = {"stance": json_value(rec["stance"]),
                                      "stance_score": json_value(rec.get("score"))}
    seen = set(tables.tags["unit_id"]) if tables is not None else set()

    def tag_meta(uid: str) -> dict:
        """The tags of a unit (None throughout for a unit the tagger did not see, e.g. a stub)."""
        if tables is None:
            return {}
        if uid not in seen:
            return {"tags": None, "tag_scores": None, "evidence": None}
        return {"tags": present.get(uid, []), "tag_scores": scores.get(uid, {}),
                "evidence": evidence.get(uid, []), **stance.get(uid, {})}

    extra_units = [c for c in units.columns if c not in UNIT_COLUMNS]
    extra_docs = [c for c in docs.columns if c not in DOC_COLUMNS]
    unit_ids = set(units["unit_id"].tolist())
    root_of: dict[str, str] = {}
    for doc_id in docs["doc_id"]:
        rid = str(doc_id)
        while rid in unit_ids:  # a unit named like its document: the root needs its own id
            rid = f"{rid}:document"
        root_of[str(doc_id)] = rid
    article = ((units["depth"].fillna(0) == 0) & units["role"].isin(ARTICLE_ROLES)).to_numpy()
    records: list[dict[str, Any]] = [dict(zip(map(str, units.columns), row, strict=True))
                                     for row in units.itertuples(index=False, name=None)]
    by_doc: dict[str, list[dict]] = {str(d): [] for d in docs["doc_id"]}
    for unit, is_article in zip(records, article, strict=True):
        unit["_article"] = bool(is_article)
        by_doc[str(unit["doc_id"])].append(unit)
    utterances: list[dict] = []
    speakers: set[str] = set()
    conversations: dict[str, dict] = {}
    for doc in docs.to_dict("records"):
        doc_id = str(doc["doc_id"])
        rid = root_of[doc_id]
        recs = by_doc[doc_id]
        packed = [r for r in recs if r["_article"]]
        conversations[doc_id] = {"meta": {k: json_value(doc[k]) for k in DOC_COLUMNS[1:] + tuple(extra_docs)},
                                 "vectors": []}
        author = doc["author"] if isinstance(doc["author"], str) else None
        body = "\n\n".join(r["text"] for r in packed if r["role"] == "body" and isinstance(r["text"], str))
        speaker = author or UNKNOWN_SPEAKER
        speakers.add(speaker)
        when = _filled_times(recs, doc["published"])
        utterances.append({
            "id": rid, "conversation_id": doc_id, "text": body, "speaker": speaker,
            "meta": {"role": "document", "threadframe_units": [
                {**{k: json_value(r[k]) for k in (*UNIT_COLUMNS, *extra_units) if k != "doc_id"},
                 **tag_meta(str(r["unit_id"]))} for r in packed]},
            "reply-to": None, "timestamp": when[None][0], "vectors": []})
        if when[None][1]:
            utterances[-1]["meta"]["timestamp_missing"] = True
        packed_ids = {r["unit_id"] for r in packed}
        for r in recs:
            if r["_article"]:
                continue
            uid = str(r["unit_id"])
            parent = r["parent_id"] if isinstance(r["parent_id"], str) else None
            reply_to = parent if parent is not None and parent not in packed_ids else rid
            meta = {k: json_value(r[k]) for k in UNIT_META}
            if parent != reply_to:  # a reply to an article unit (or to nothing): say which
                meta["threadframe_parent"] = parent
            if when[uid][1]:  # no time of its own: its parent's, so ConvoKit's sorting works
                meta["timestamp_missing"] = True
            meta.update({k: json_value(r[k]) for k in extra_units})
            meta.update(tag_meta(uid))
            speaker = r["author"] if isinstance(r["author"], str) else UNKNOWN_SPEAKER
            speakers.add(speaker)
            utterances.append({"id": uid, "conversation_id": doc_id, "text": r["text"] if isinstance(
                r["text"], str) else "", "speaker": speaker, "meta": meta, "reply-to": reply_to,
                "timestamp": when[uid][0], "vectors": []})
    problems = [{k: json_value(v) for k, v in p.items()} for p in corpus.problems.to_dict("records")]
    overall = {"name": d.name, "threadframe_schema": SCHEMA_VERSION, "threadframe_problems": problems}
    speaker_meta = {s: {"meta": {"threadframe_unknown": True} if s == UNKNOWN_SPEAKER else {}, "vectors": []}
                    for s in sorted(speakers)}
    index = {"utterances-index": _index(u["meta"] for u in utterances),
             "speakers-index": _index(s["meta"] for s in speaker_meta.values()),
             "conversations-index": _index(c["meta"] for c in conversations.values()),
             "overall-index": _index([overall]), "version": 1, "vectors": []}
    d.mkdir(parents=True, exist_ok=True)
    with open(d / "utterances.jsonl", "w", encoding="utf-8") as f:
        for u in utterances:
            f.write(json.dumps(u, ensure_ascii=False, allow_nan=False) + "\n")
    for name, data in (("speakers.json", speaker_meta), ("conversations.json", conversations),
                       ("corpus.json", overall), ("index.json", index)):
        (d / name).write_text(json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return d


def _filled_times(recs: list[dict], published) -> dict:
    """Per unit id (None: the document), its epoch time and whether it was borrowed.

    ConvoKit sorts a conversation's utterances by time and fails on a mix of
    times and None, so a unit without a time takes its nearest ancestor's
    (the document's, or its earliest unit's, at the top); a conversation
    without any time keeps None throughout.
    """
    own = {str(r["unit_id"]): _epoch(r["published"]) for r in recs}
    parent = {str(r["unit_id"]): r["parent_id"] if isinstance(r["parent_id"], str) else None for r in recs}
    known = [t for t in own.values() if t is not None]
    top = _epoch(published)
    out: dict = {None: (top, False) if top is not None else (min(known, default=None), bool(known))}
    for uid, t in own.items():
        seen, node = set(), parent[uid]
        while t is None and node is not None and node in own and node not in seen:
            seen.add(node)
            t, node = own[node], parent[node]
        out[uid] = (t, False) if own[uid] is not None else (t if t is not None else out[None][0], True)
    for uid, (t, _) in out.items():
        if t is None:
            out[uid] = (None, False)
    return out


def _index(metas) -> dict[str, list[str]]:
    """ConvoKit's type index: each key's Python types, in the order first seen (None adds none)."""
    out: dict[str, list[str]] = {}
    for meta in metas:
        for k, v in meta.items():
            types = out.setdefault(k, [])
            if v is not None and _type_name(v) not in types:
                types.append(_type_name(v))
    return out


# ---------------------------------------------------------------------- reading
def is_convokit_folder(folder: Path) -> bool:
    return (folder / "utterances.jsonl").is_file() and (
        (folder / "conversations.json").is_file() or (folder / "index.json").is_file())


def folder_entry(folder: Path) -> Path | None:
    """``folder/utterances.jsonl`` when ``folder`` is a ConvoKit corpus (for :func:`threads.read`)."""
    return folder / "utterances.jsonl" if is_convokit_folder(folder) else None


def _json_file(path: Path, entry: Path, max_bytes: int) -> Any:
    """A sibling of the utterances file; its errors name it, under the entry (threads.read lists the entry)."""
    if not path.is_file():
        return {}
    text = decode_text(read_bytes(path, max_bytes), path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FormatError(entry, f"{path.name} beside it is not valid JSON ({exc}); expected {EXPECTED}") from None
    if not isinstance(data, dict):
        raise FormatError(entry, f"{path.name} beside it is not a JSON object; expected {EXPECTED}")
    return data


def _utterances(text: str, path: Path) -> list[dict]:
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FormatError(path, f"not valid JSON ({exc}); expected {EXPECTED}") from None
        lines = data if isinstance(data, list) else None
        if lines is None:
            raise FormatError(path, f"expected a JSON array of utterances; expected {EXPECTED}")
    else:
        lines = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                lines.append(json.loads(line))
            except ValueError as exc:
                raise FormatError(path, f"line {n} is not valid JSON ({exc}); expected {EXPECTED}") from None
    for n, u in enumerate(lines, 1):
        if not isinstance(u, dict) or "id" not in u or not ({"conversation_id", "root"} & set(u)):
            raise FormatError(path, f"utterance {n} has no id or conversation_id; expected {EXPECTED}")
    return lines


def from_convokit(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """Read a ConvoKit corpus folder (or its ``utterances.jsonl``) as a corpus (see the module doc)."""
    p = Path(path)
    entry = p if p.is_file() else p / "utterances.jsonl"
    if p.is_dir() and not entry.is_file() and (p / "utterances.json").is_file():
        entry = p / "utterances.json"  # ConvoKit's older single-file layout
    if not entry.is_file():
        raise InputError(p, f"no utterances.jsonl here; expected {EXPECTED}")
    return parse_folder(decode_text(read_bytes(entry, max_bytes), entry), entry, max_bytes=max_bytes)


def parse_folder(text: str, entry: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """The corpus in the folder of ``entry`` (its utterances file, already read as ``text``)."""
    folder = entry.parent
    utterances = _utterances(text, entry)
    convos = _json_file(folder / "conversations.json", entry, max_bytes)
    overall = _json_file(folder / "corpus.json", entry, max_bytes)
    speakers = (_json_file(folder / "speakers.json", entry, max_bytes)
                or _json_file(folder / "users.json", entry, max_bytes))  # ConvoKit's name before 2.3
    from ._convokit_read import foreign, restore

    if overall.get("threadframe_schema") == SCHEMA_VERSION:
        return restore(utterances, convos, overall, speakers, entry)
    return foreign(utterances, convos, speakers, entry)


__all__ = ["FILES", "UNKNOWN_SPEAKER", "folder_entry", "from_convokit", "json_value",
           "to_convokit"]
