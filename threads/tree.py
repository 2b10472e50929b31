"""Reply-tree checks: parents that point nowhere, loops, and depths.

All walks are iterative, so threads thousands of levels deep neither hit
Python's recursion limit nor go quadratic (each unit is visited a bounded
number of times).
"""

from __future__ import annotations

import warnings

import pandas as pd

from .errors import ReplyTreeWarning
from .schema import ARTICLE_ROLES


def add_flag(flags: str | None, flag: str) -> str:
    """Return ``flags`` with ``flag`` added (semicolon-separated, no repeats)."""
    present = [f for f in (flags or "").split(";") if f]
    if flag not in present:
        present.append(flag)
    return ";".join(present)


def repair_reply_tree(units: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Check the reply tree of ``units`` and compute ``depth``.

    Returns a new table (the input is not modified) and a list of problem
    records. A ``parent_id`` that is not a unit of the same document is
    cleared, the unit flagged ``orphan`` and attached to the document's top
    level; a loop is broken at the unit where the walk closed it (flag
    ``loop``). Article units get depth 0, top-level comments 1, replies one
    more than their parent comment.
    """
    out = units.copy()
    ids = out["unit_id"].tolist()
    docs = out["doc_id"].tolist()
    roles = out["role"].tolist()
    parents = [None if pd.isna(p) or p == "" else str(p) for p in out["parent_id"].tolist()]
    flags = ["" if pd.isna(f) else str(f) for f in out.get("flags", pd.Series([""] * len(out)))]
    index_of = {uid: i for i, uid in enumerate(ids)}
    problems: list[dict] = []

    def report(i: int, problem: str, detail: str) -> None:
        problems.append({"doc_id": docs[i], "unit_id": ids[i], "problem": problem, "detail": detail})

    # 1. parents that point nowhere (or into another document)
    for i, p in enumerate(parents):
        if p is None:
            continue
        j = index_of.get(p)
        if j is None or docs[j] != docs[i]:
            where = "does not exist" if j is None else f"is in another document ({docs[j]})"
            report(i, "orphan", f"parent_id {p!r} {where}; attached to the document top level")
            parents[i] = None
            flags[i] = add_flag(flags[i], "orphan")

    # 2. loops: walk each chain once; state 1 = on the current path, 2 = done
    state = [0] * len(ids)
    for start in range(len(ids)):
        if state[start]:
            continue
        path = []
        node: int | None = start
        while node is not None and state[node] == 0:
            state[node] = 1
            path.append(node)
            p = parents[node]
            nxt = index_of[p] if p is not None else None
            if nxt is not None and state[nxt] == 1:
                report(node, "loop", f"parent chain returns to {ids[nxt]!r}; loop broken here")
                parents[node] = None
                flags[node] = add_flag(flags[node], "loop")
                nxt = None
            node = nxt
        for n in path:
            state[n] = 2

    # 3. depths, memoised along each chain
    depth: list[int | None] = [None] * len(ids)
    for start in range(len(ids)):
        chain = []
        node = start
        while node is not None and depth[node] is None:
            chain.append(node)
            p = parents[node]
            node = index_of[p] if p is not None else None
        base = depth[node] if node is not None else None
        for n in reversed(chain):
            if roles[n] in ARTICLE_ROLES:
                d = 0
            elif base is None or base == 0:
                d = 1  # top-level comment, or a reply to the article itself
            else:
                d = base + 1
            depth[n] = d
            base = d

    out["parent_id"] = pd.array(parents, dtype="str")
    out["depth"] = pd.array(depth, dtype="Int64")
    out["flags"] = pd.array(flags, dtype="str")
    if problems:
        kinds = pd.Series([p["problem"] for p in problems]).value_counts().to_dict()
        warnings.warn(
            "reply tree repaired: "
            + ", ".join(f"{n} {k}" for k, n in kinds.items())
            + " (rows kept and flagged; see Corpus.problems)",
            ReplyTreeWarning,
            stacklevel=3,
        )
    return out, problems
