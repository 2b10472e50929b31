"""Tags from analysis, as the writers take them (``threads`` never imports ``analysis``).

``tags=`` of :meth:`Corpus.to_convokit` and :meth:`Corpus.to_refi_qda` is any of:

- a tagging result (anything with a ``tags`` table, and optionally
  ``evidence`` and ``stance`` tables: ``analysis.tag(...)`` returns one);
- the folder ``threadframe tag --out`` writes (``tags.parquet``,
  ``evidence.parquet``, ``stance.parquet``);
- a tags table itself (``unit_id``, ``category``, ``present`` and optionally
  ``score``).

Sentence-level tags are folded to their unit: a category is present when it
is present in any sentence, and its score is the sum over the sentences.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import CorpusError, InputError

TAG_NEEDS = ("unit_id", "category", "present")
EVIDENCE_NEEDS = ("unit_id", "category", "start", "end")


@dataclass(frozen=True)
class TagTables:
    """Tags per unit (one row per unit and category), evidence spans and stance, any may be empty."""

    tags: pd.DataFrame
    evidence: pd.DataFrame
    stance: pd.DataFrame
    categories: tuple[str, ...]

    def present(self) -> dict[str, list[str]]:
        """Categories present, per unit id (in category order)."""
        out: dict[str, list[str]] = {}
        t = self.tags[self.tags["present"].astype(bool)]
        for u, c in zip(t["unit_id"].tolist(), t["category"].tolist(), strict=True):  # no groupby: many small groups
            out.setdefault(u, []).append(c)
        return out


def _frame(obj, name: str) -> pd.DataFrame:
    table = getattr(obj, name, None)
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame()


def _read_folder(d: Path) -> dict[str, pd.DataFrame]:
    if not (d / "tags.parquet").is_file():
        raise InputError(d, "not a tags folder: no tags.parquet (write one with `threadframe tag --out`)")
    out = {}
    for name in ("tags", "evidence", "stance"):
        path = d / f"{name}.parquet"
        if path.is_file():
            try:
                out[name] = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises many types; name the file instead
                raise InputError(path, f"cannot be read as Parquet ({type(exc).__name__}: {exc})") from None
    return out


def tag_tables(tags, unit_ids) -> TagTables | None:
    """``tags`` (see the module doc) as :class:`TagTables` limited to ``unit_ids``; None for no tags."""
    if tags is None:
        return None
    if isinstance(tags, (str, os.PathLike)):
        found = _read_folder(Path(tags))
        where = str(tags)
    elif isinstance(tags, pd.DataFrame):
        found, where = {"tags": tags}, "tags table"
    elif isinstance(getattr(tags, "tags", None), pd.DataFrame):
        found = {n: _frame(tags, n) for n in ("tags", "evidence", "stance")}
        where = type(tags).__name__
    else:
        raise CorpusError(f"tags: expected a tagging result, a tags folder or a tags table, "
                          f"not {type(tags).__name__}")
    t = found["tags"]
    missing = [c for c in TAG_NEEDS if c not in t.columns]
    if missing:
        raise CorpusError(f"{where}: the tags table lacks column(s) {', '.join(missing)}")
    categories = tuple(dict.fromkeys(str(c) for c in t["category"]))
    known = set(map(str, unit_ids))
    t = t.assign(unit_id=t["unit_id"].astype(str), category=t["category"].astype(str))
    t = t[t["unit_id"].isin(known)]
    if len(found["tags"]) and t.empty:
        raise CorpusError(f"{where}: none of its unit ids is a unit of this corpus "
                          "(were the tags made from another corpus?)")
    score = t["score"] if "score" in t.columns else t["present"].astype(float)
    t = (t.assign(present=t["present"].astype(bool), score=score.astype(float))
         .groupby(["unit_id", "category"], sort=False, as_index=False)
         .agg(present=("present", "any"), score=("score", "sum")))
    ev = found.get("evidence", pd.DataFrame())
    if len(ev):
        missing = [c for c in EVIDENCE_NEEDS if c not in ev.columns]
        if missing:
            raise CorpusError(f"{where}: the evidence table lacks column(s) {', '.join(missing)}")
        ev = ev.assign(unit_id=ev["unit_id"].astype(str), category=ev["category"].astype(str))
        ev = ev[ev["unit_id"].isin(known)].reset_index(drop=True)
    st = found.get("stance", pd.DataFrame())
    if len(st) and {"unit_id", "stance"} <= set(st.columns) and "sentence" not in st.columns:
        st = st.assign(unit_id=st["unit_id"].astype(str))
        st = st[st["unit_id"].isin(known)].reset_index(drop=True)
    else:
        st = pd.DataFrame()
    return TagTables(tags=t.reset_index(drop=True), evidence=ev, stance=st, categories=categories)
