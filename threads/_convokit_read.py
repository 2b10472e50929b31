"""Reading ConvoKit utterances back into corpus tables (see :mod:`threads.convokit`).

:func:`restore` undoes :func:`threads.convokit.to_convokit` exactly;
:func:`foreign` reads any other ConvoKit corpus, one document per conversation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .corpus import Corpus
from .errors import FormatError
from .formats._thread import DELETED_TEXTS, ThreadBuilder
from .schema import DOC_COLUMNS, PROBLEM_COLUMNS, UNIT_COLUMNS

UNKNOWN_SPEAKER = "[unknown]"
UNIT_META = ("role", "position", "depth", "subject", "start", "end", "locator", "platform_id", "flags")
BIN_MARK = "<##bin{"
#: Utterance metadata to_convokit adds about the export itself (not unit columns).
OWN_META = ("threadframe_parent", "timestamp_missing")


def _meta(u: dict, entry: Path, n: int) -> dict:
    meta = u.get("meta") or {}
    if not isinstance(meta, dict):
        raise FormatError(entry, f"utterance {n} ({u.get('id')!r}): meta is not a JSON object")
    return meta


def _unknown(speakers: dict) -> set[str]:
    return {s for s, d in speakers.items()
            if isinstance(d, dict) and isinstance(d.get("meta"), dict) and d["meta"].get("threadframe_unknown")}


def restore(utterances: list[dict], convos: dict, overall: dict, speakers: dict, entry: Path) -> Corpus:
    """The corpus :func:`threads.convokit.to_convokit` wrote into this folder."""
    unknown = _unknown(speakers) | {UNKNOWN_SPEAKER}
    doc_rows: list[dict] = []
    rows: list[dict] = []
    times: list = []
    depth_of: dict[str, int] = {}
    root_ids = {str(u["id"]) for u in utterances if isinstance(u.get("meta"), dict) and u["meta"].get("role") == "document"}
    for n, u in enumerate(utterances, 1):
        meta = _meta(u, entry, n)
        doc_id = str(u["conversation_id"])
        if meta.get("role") == "document":
            c = convos.get(doc_id, {})
            doc_rows.append({"doc_id": doc_id, **(c.get("meta", {}) if isinstance(c, dict) else {})})
            for r in meta.get("threadframe_units") or []:
                rows.append({"doc_id": doc_id, **{k: v for k, v in r.items() if k != "published"}})
                times.append(r.get("published"))
            continue
        row: dict[str, Any] = {"doc_id": doc_id, "unit_id": str(u["id"])}
        row.update({k: meta.get(k) for k in UNIT_META})
        row["role"] = row["role"] or "comment"  # an utterance added in ConvoKit after the export
        reply = u.get("reply-to")
        row["parent_id"] = meta.get("threadframe_parent", None if reply in root_ids else reply)
        if row["depth"] is None:  # added in ConvoKit: one below its parent (parents come first)
            row["depth"] = depth_of.get(row["parent_id"], 0) + 1
        depth_of[row["unit_id"]] = row["depth"]
        speaker = u.get("speaker", u.get("user"))
        row["author"] = None if speaker in unknown else speaker
        row["text"] = u.get("text") or ""
        row.update({k: v for k, v in meta.items() if k not in UNIT_META and k not in OWN_META})
        rows.append(row)
        ts = None if meta.get("timestamp_missing") else u.get("timestamp")
        # rounding to microseconds undoes the float of the epoch seconds
        times.append(None if ts is None else pd.Timestamp(int(round(float(ts) * 1e6)), unit="us", tz="UTC"))
    units = pd.DataFrame(rows)
    units["published"] = np.array([pd.NaT if t is None else pd.Timestamp(t) for t in times], dtype=object)
    order = {d["doc_id"]: i for i, d in enumerate(doc_rows)}
    units = units.sort_values(["doc_id", "position"], key=lambda s: s.map(order) if s.name == "doc_id" else s,
                              kind="stable").reset_index(drop=True)
    columns = [*UNIT_COLUMNS, *(c for c in units.columns if c not in UNIT_COLUMNS)]
    docs = pd.DataFrame(doc_rows)
    docs = docs.reindex(columns=[*DOC_COLUMNS, *(c for c in docs.columns if c not in DOC_COLUMNS)])
    problems = pd.DataFrame(overall.get("threadframe_problems") or [], columns=list(PROBLEM_COLUMNS))
    return Corpus(docs=docs, units=units.reindex(columns=columns), problems=problems)


def _conversation_ids(utterances: list[dict]) -> list[str]:
    """Each utterance's conversation; a missing one is its reply chain's (its root's id at the top),
    as ConvoKit fills them in (``fill_missing_conversation_ids``)."""
    given = {str(u["id"]): u.get("conversation_id", u.get("root")) for u in utterances}
    reply = {str(u["id"]): u.get("reply-to", u.get("reply_to")) for u in utterances}
    out = []
    for u in utterances:
        node, seen = str(u["id"]), set()
        while given.get(node) is None and reply.get(node) is not None and node not in seen:
            seen.add(node)
            node = str(reply[node])
        out.append(str(given[node]) if given.get(node) is not None else node)
    return out


def _author(u: dict, unknown: set[str]) -> str | None:
    """The speaker, or None where the corpus does not know it (Reddit's ``[deleted]``, as threads.read has it)."""
    speaker = u.get("speaker", u.get("user"))
    return None if speaker is None or speaker in unknown or speaker == "[deleted]" else str(speaker)


def foreign(utterances: list[dict], convos: dict, speakers: dict, entry: Path) -> Corpus:
    """Any ConvoKit corpus: a document per conversation, its root a ``body`` unit, the rest comments."""
    b = ThreadBuilder(entry, "convokit")
    unknown = _unknown(speakers)
    by_convo: dict[str, list[tuple[int, dict]]] = {}
    convo_of = _conversation_ids(utterances)
    for n, u in enumerate(utterances, 1):
        by_convo.setdefault(convo_of[n - 1], []).append((n, u))
    extras: dict[str, dict] = {}
    binary: set[str] = set()
    for cid, utts in by_convo.items():
        c = convos.get(cid, {})
        cmeta = (c.get("meta", c) if isinstance(c, dict) else {}) or {}
        fields = {k: cmeta[k] for k in ("title", "url", "outlet", "author", "language")
                  if isinstance(cmeta.get(k), str)}
        roots = [u for _, u in utts if u.get("reply-to", u.get("reply_to")) is None]
        first = next((u for u in roots if str(u["id"]) == cid), roots[0] if roots else None)
        root = None if first is None else str(first["id"])
        author = None if first is None else _author(first, unknown)
        published = None if first is None else first.get("timestamp")
        b.doc(cid, outlet_kind="conversation", **{"author": author, "published": published, **fields})
        if fields.get("title"):
            b.unit(cid, "title", "title", fields["title"], locator="conversations.json", author=author,
                   published=published)
        for n, u in utts:
            uid_key = str(u["id"])
            meta = _meta(u, entry, n)
            reply = u.get("reply-to", u.get("reply_to"))
            parent = None if reply is None else str(reply)
            text = u.get("text")
            text = text if isinstance(text, str) else ""
            flags = ""
            if text.strip() in DELETED_TEXTS:
                text, flags = "", "deleted"
            author = _author(u, unknown)
            role = "body" if uid_key == root else "comment"
            unit_id = b.unit(cid, uid_key, role, text, parent_key=parent, author=author,
                             published=u.get("timestamp"), locator=f"{entry.name}#{n}", platform_id=uid_key,
                             flags=flags)
            extra = {}
            for k, v in meta.items():
                name = f"meta_{k}" if k in UNIT_COLUMNS else str(k)
                if isinstance(v, str) and v.startswith(BIN_MARK):
                    binary.add(str(k))
                extra[name] = v
            extras[unit_id] = extra
    for k in sorted(binary):
        b.problem(None, None, "binary_meta", f"metadata {k!r} is stored in a pickle file beside the corpus; "
                  "pickles are never loaded (they can run code), so ConvoKit's placeholder text is kept")
    corpus = b.build()
    names = list(dict.fromkeys(k for e in extras.values() for k in e))
    if not names:
        return corpus
    ids = corpus.units["unit_id"].tolist()
    cols = {k: np.array([extras.get(i, {}).get(k) for i in ids], dtype=object) for k in names}
    return Corpus(docs=corpus.docs, units=corpus.units.assign(**cols), problems=corpus.problems)
