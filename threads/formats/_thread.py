"""Building corpus tables from platform exports (one or more threads per file).

Every structured format (Reddit, HN Algolia, Disqus, Discourse, Lemmy, WXR)
walks its export and hands units to a :class:`ThreadBuilder`, which keeps ids
unique, numbers positions in source order, accounts for the visible text it
was shown, runs :func:`threads.tree.repair_reply_tree` and returns a Corpus.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import Corpus
from ..errors import DataGapWarning, FormatError
from ..schema import PROBLEM_COLUMNS
from ..times import PROBLEM, flag_bad_times, parse_time, parse_times
from ..tree import add_flag, repair_reply_tree

#: Placeholders platforms put where a comment's text was deleted or removed.
DELETED_TEXTS = frozenset({"[deleted]", "[removed]", "*Permanently Deleted*", "Permanently Deleted",
                           "[ Removed by Reddit ]", "[removed by moderator]"})


#: The unit fields a builder collects (``position`` and ``depth`` are computed in :meth:`build`).
UNIT_FIELDS = ["doc_id", "unit_id", "role", "parent_id", "author", "published", "subject", "text",
               "start", "end", "locator", "platform_id", "flags"]


def nonspace(text: str | None) -> int:
    """Non-whitespace characters of ``text`` (str.split is C-fast; a regex findall was the hot spot)."""
    return len("".join(text.split())) if text else 0


def epoch_to_utc(value) -> pd.Timestamp | None:
    """Seconds since 1970 (int, float or numeric string) -> UTC timestamp; None if missing or bad.

    Parsers pass the raw value to :meth:`ThreadBuilder.unit` instead, so a bad
    one is flagged (:mod:`threads.times`); this is for callers that only want the time.
    """
    try:
        float(value)
    except (TypeError, ValueError):
        return None
    return parse_time(value)[0]


def json_kind(value) -> str:
    """How a JSON value reads in a message: "a JSON object", "a JSON number (5)", ..."""
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if value is None or isinstance(value, bool):
        return f"JSON {'null' if value is None else str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a JSON number ({value})"
    if isinstance(value, str):
        return f"a JSON string ({value[:40]!r})"
    return f"a JSON {type(value).__name__}"


def as_text(value: Any, where: str) -> tuple[str, str | None]:
    """``(text, problem detail)`` for a field that should hold text (``None`` = no text).

    Anything else (an object, a list, a number) is not turned into its Python
    repr: the text is empty and the detail (for a ``bad_value`` problem row;
    the caller flags the unit ``text_lost``) names the field and what it held.
    """
    if value is None or isinstance(value, str):
        return value or "", None
    return "", f"{where}: expected text, found {json_kind(value)}; kept with empty text (flag text_lost)"


def short(items, n: int = 20) -> str:
    items = list(items)
    more = f", ... ({len(items) - n} more)" if len(items) > n else ""
    return ", ".join(map(str, items[:n])) + more


class ThreadBuilder:
    """Collects docs, units and problems from one source file."""

    def __init__(self, path: str | Path, source_format: str) -> None:
        self.path = str(path)
        self.source_format = source_format
        self.docs: dict[str, dict] = {}
        self.units: list[dict] = []
        self.problems: list[dict] = []
        self._ids: set[str] = set()
        self._visible: dict[str, int] = defaultdict(int)
        self._visible_nonspace: dict[str, int] = defaultdict(int)

    # ------------------------------------------------------------------ input
    def doc(self, doc_id: str, **fields) -> str:
        """Add a document (fields: outlet, outlet_kind, title, url, published, author, language)."""
        if doc_id not in self.docs:
            self.docs[doc_id] = {"doc_id": doc_id, **{k: v for k, v in fields.items() if v is not None}}
        return doc_id

    def account(self, doc_id: str, visible_text: str | None) -> None:
        """Count text the source shows for ``doc_id`` (for the audit columns)."""
        if visible_text:
            self._visible[doc_id] += len(visible_text)
            self._visible_nonspace[doc_id] += nonspace(visible_text)

    def unit(self, doc_id: str, key: str, role: str, text: str | None, *, parent_key: str | None = None,
             author: Any = None, published: Any = None, subject: str | None = None,
             locator: str | None = None, platform_id: Any = None, flags: Any = "",
             start: int | None = None, end: int | None = None, visible: str | None = None) -> str:
        """Add a unit; returns its unit_id (``"{doc_id}:{key}"``, made unique if the source repeats it).

        ``visible`` is the source text the unit stands for (default: ``text``);
        pass ``""`` when it was counted with :meth:`account` already.
        """
        bad = None
        if text is not None and not isinstance(text, str):  # a safety net under the formats' own checks
            _, bad = as_text(text, locator or key)
            text, flags = "", add_flag(flags, "text_lost")
        if visible is not None and not isinstance(visible, str):
            visible = ""
        unit_id = f"{doc_id}:{key}"
        if unit_id in self._ids:
            n = 2
            while f"{unit_id}~{n}" in self._ids:
                n += 1
            self.problem(doc_id, f"{unit_id}~{n}", "duplicate_id",
                         f"the source repeats id {key!r} ({locator or 'no locator'}); kept as {unit_id}~{n}")
            unit_id = f"{unit_id}~{n}"
        self._ids.add(unit_id)
        self.account(doc_id, text if visible is None else visible)
        self.units.append({
            "doc_id": doc_id, "unit_id": unit_id, "role": role,
            "parent_id": f"{doc_id}:{parent_key}" if parent_key is not None else None,
            "author": author, "published": published, "subject": subject, "text": text or "",
            "start": start, "end": end, "locator": locator, "platform_id": platform_id, "flags": flags,
        })
        if bad:
            self.problem(doc_id, unit_id, "bad_value", bad)
        return unit_id

    def items(self, doc_id: str | None, value: Any, where: str) -> list:
        """``value`` if it is a JSON array (``None``: empty); else empty, with a ``bad_value`` problem row."""
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.problem(doc_id, None, "bad_value", f"{where}: expected an array, found {json_kind(value)}; "
                     "nothing under it was read")
        return []

    def visible_totals(self) -> tuple[int, int]:
        """Characters and non-whitespace characters of source text shown to the builder, all documents."""
        return sum(self._visible.values()), sum(self._visible_nonspace.values())

    def problem(self, doc_id: str | None, unit_id: str | None, problem: str, detail: str) -> None:
        self.problems.append({"source_path": self.path, "doc_id": doc_id, "unit_id": unit_id,
                              "problem": problem, "detail": detail})

    def _times(self, table: pd.DataFrame, *, docs: bool = False) -> pd.Series:
        """``table["published"]`` as UTC times (threads.times); bad ones are NaT, flagged and listed.

        For units the flag goes on the unit; for documents (``docs=True``) a
        problem row is added unless a unit of the document reported the same.
        """
        times, reasons = parse_times(table["published"])
        if not any(reasons):
            return times
        if not docs:
            table["flags"] = flag_bad_times(table["flags"], reasons)
            for doc_id, unit_id, why in zip(table["doc_id"], table["unit_id"], reasons, strict=True):
                if why:
                    self.problem(doc_id, unit_id, PROBLEM, f"published: {why}")
        else:
            seen = {(p["doc_id"], p["detail"]) for p in self.problems if p["problem"] == PROBLEM}
            for doc_id, why in zip(table["doc_id"], reasons, strict=True):
                if why and (doc_id, f"published: {why}") not in seen:
                    self.problem(doc_id, None, PROBLEM, f"document published: {why}")
        return times

    def gap(self, doc_id: str | None, problem: str, detail: str) -> None:
        """Record and warn about something the export refers to but does not contain."""
        self.problem(doc_id, None, problem, detail)
        warnings.warn(f"{self.path}: {detail}", DataGapWarning, stacklevel=4)

    # ------------------------------------------------------------------ output
    def build(self) -> Corpus:
        if not self.docs and not self.units:
            reasons = "; ".join(p["detail"] for p in self.problems[:3]) or "the export holds nothing"
            raise FormatError(self.path, f"{self.source_format}: nothing could be read ({reasons})")
        for u in self.units:
            if u["doc_id"] not in self.docs:
                self.docs[u["doc_id"]] = {"doc_id": u["doc_id"]}
        units = pd.DataFrame(self.units, columns=UNIT_FIELDS)
        units["published"] = self._times(units)
        units.insert(3, "position", units.groupby("doc_id", sort=False).cumcount())
        # one document's units together (a Disqus export lists all threads before all posts)
        doc_order = {d: i for i, d in enumerate(self.docs)}
        units = units.sort_values(["doc_id", "position"], kind="stable",
                                  key=lambda s: s.map(doc_order) if s.name == "doc_id" else s)
        units, repairs = repair_reply_tree(units)
        units = fix_stub_depths(units)
        docs = pd.DataFrame(list(self.docs.values()))
        if "published" in docs:
            docs["published"] = self._times(docs, docs=True)
        problems = self.problems + [{"source_path": self.path, **r} for r in repairs]
        by_doc = covered_by_doc(units)
        docs["source_format"] = self.source_format
        docs["source_path"] = self.path
        docs["source_chars"] = [self._visible.get(d, 0) for d in docs["doc_id"]]
        docs["unaccounted_chars"] = [max(0, self._visible_nonspace.get(d, 0) - int(by_doc.get(d, 0)))
                                     for d in docs["doc_id"]]
        return Corpus(docs=docs, units=units, problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def covered_by_doc(units: pd.DataFrame) -> pd.Series:
    """Non-whitespace characters of source text per document (stub texts are ours, not the source's)."""
    own = units["flags"].fillna("").str.contains("more_stub")
    return units[~own].assign(n=units["text"].map(nonspace)).groupby("doc_id")["n"].sum()


def fix_stub_depths(units: pd.DataFrame) -> pd.DataFrame:
    """A ``more`` stub (role meta) sits one level below the unit whose replies it stands for.

    ``repair_reply_tree`` gives every meta unit depth 0 (article side); a stub
    under a comment belongs in the thread, so it gets its parent's depth + 1.
    """
    stub = units["flags"].fillna("").str.contains("more_stub")
    if not stub.any():
        return units
    depth_of = dict(zip(units["unit_id"], units["depth"], strict=True))
    out = units.copy()
    out.loc[stub, "depth"] = [int(depth_of.get(p, 0) or 0) + 1 if isinstance(p, str) else 1
                              for p in out.loc[stub, "parent_id"]]
    return out


__all__ = ["DELETED_TEXTS", "UNIT_FIELDS", "DataGapWarning", "ThreadBuilder", "add_flag", "as_text",
           "covered_by_doc", "epoch_to_utc", "fix_stub_depths", "json_kind", "nonspace", "short"]
