"""The per-row reply-chain walk that ``threads.tree.thread_root`` replaced, kept as the
reference the vectorised version is tested (and benchmarked) against."""

from __future__ import annotations

import pandas as pd


def thread_root(units: pd.DataFrame) -> pd.Series:
    """For each unit, the top-level comment its reply chain starts from
    (the unit itself for top-level comments and units without a parent).

    Walks parents iteratively (no recursion), so deep threads are fine; a
    parent outside the table ends the walk.
    """
    ids = units["unit_id"].astype("str")
    parent = units["parent_id"] if "parent_id" in units.columns else pd.Series(pd.NA, index=units.index)
    parent_of = dict(zip(ids, parent.astype("str").where(parent.notna(), None), strict=True))
    root: dict[str, str] = {}
    for uid in ids:
        seen = [uid]
        cur = uid
        while True:
            if cur in root:
                top = root[cur]
                break
            p = parent_of.get(cur)
            if p is None or p not in parent_of or p in seen:
                top = cur
                break
            seen.append(p)
            cur = p
        for s in seen:
            root[s] = top
    return pd.Series([root[u] for u in ids], index=units.index, dtype="str")
