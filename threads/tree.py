"""Reply-tree checks: parents that point nowhere, loops, depths and thread roots.

Vectorised over integer row codes: each unit's parent becomes the row number
of that parent (``-1`` for none), and chains are followed by pointer jumping
(each round doubles how far every pointer reaches), so a tree thousands of
levels deep costs about log2(depth) array passes and no Python loop runs per
unit. Only the rows that are repaired (orphans, loops) are touched one by one.

The results are those of a walk over the rows in table order: a loop is
broken at the unit whose parent closes it when the chain is followed from the
component's first row (tests/test_tree_vectorised.py checks this against that
walk on random forests).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ReplyTreeWarning
from .schema import ARTICLE_ROLES


def add_flag(flags: str | None, flag: str) -> str:
    """Return ``flags`` with ``flag`` added (semicolon-separated, no repeats)."""
    present = [f for f in (flags or "").split(";") if f]
    if flag not in present:
        present.append(flag)
    return ";".join(present)


# ---------------------------------------------------------------- integer codes
def _id_strings(values: pd.Series) -> pd.Series:
    """Ids as text, missing and ``""`` as NA (an empty parent is no parent)."""
    s = values.reset_index(drop=True)
    s = s.astype("str") if s.dtype != "str" else s
    return s.where(s != "")


def _arrow(values: pd.Series) -> pa.Array:
    """The Arrow array behind a text column (no copy for pandas' own str dtype)."""
    arr = pa.array(values.array) if values.dtype == "str" else pa.array(values.astype("str").array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def parent_rows(ids: pd.Series, parents: pd.Series) -> np.ndarray:
    """Row number of each unit's parent in ``ids`` (the last row holding that id),
    ``-1`` where the parent is missing or not in ``ids``."""
    return rows_of(ids, parents)[0]


def rows_of(ids: pd.Series, *queries: pd.Series) -> list[np.ndarray]:
    """For each query column, the row of ``ids`` holding each value (the last such row),
    ``-1`` where the value is missing or not in ``ids``; one hash table for all queries."""
    ids = _id_strings(ids)
    n = len(ids)
    asked = [_arrow(_id_strings(q)) for q in queries]
    backwards = pa.array(np.arange(n - 1, -1, -1))
    # looked up in the ids read backwards, so the last row of an id wins, as in a dict
    pos = pc.index_in(pa.concat_arrays(asked), value_set=_arrow(ids).take(backwards))
    found = pos.to_numpy(zero_copy_only=False)
    found = np.where(np.isnan(found), -1, found).astype(np.int64) if pos.null_count else found.astype(np.int64)
    rows = np.where(found >= 0, n - 1 - found, -1)
    bounds = np.cumsum([0] + [len(q) for q in asked])
    return [rows[bounds[k]:bounds[k + 1]] for k in range(len(asked))]


def _same_document(docs: pd.Series, parent: np.ndarray) -> np.ndarray:
    """Whether each row's parent row is in its document (False where it has none)."""
    arr = _arrow(docs.reset_index(drop=True))
    same = pc.equal(arr, arr.take(pa.array(np.maximum(parent, 0)))).fill_null(False)
    return same.to_numpy(zero_copy_only=False) & (parent >= 0)


def _fixed_point(step: np.ndarray) -> np.ndarray:
    """``step`` applied until nothing moves (``step[i] == i`` marks an end), by pointer jumping."""
    ptr = step.copy()
    live = np.flatnonzero(ptr[ptr] != ptr)
    while len(live):
        ptr[live] = ptr[ptr[live]]
        live = live[ptr[ptr[live]] != ptr[live]]
    return ptr


def _on_cycles(parent: np.ndarray) -> np.ndarray:
    """Which rows lie on a parent cycle (``parent`` of row numbers, ``-1`` = none)."""
    n = len(parent)
    ptr = parent.copy()
    live = np.flatnonzero(ptr >= 0)
    for _ in range(max(1, int(np.ceil(np.log2(n + 1)))) + 1):  # 2**rounds > n: past any tail
        if not len(live):
            break
        ptr[live] = ptr[ptr[live]]
        live = live[ptr[live] >= 0]
    on = np.zeros(n, dtype=bool)
    # after n steps a row of a looping component stands on its loop, and the loop's own
    # rows, rotated, cover all of it
    on[ptr[live]] = True
    return on


def loop_breaks(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where to cut each parent cycle: ``(cut, returns_to)`` row numbers, one pair per loop.

    As the walk in row order does: the component's first row is followed up
    its chain into the loop (entering at ``returns_to``); the loop is cut at
    the row whose parent is ``returns_to``. Pairs are in order of the
    component's first row.
    """
    on = _on_cycles(parent)
    if not on.any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    n = len(parent)
    idx = np.arange(n)
    # the row where each chain enters its loop: loop rows stand still, others climb
    entry = _fixed_point(np.where(on, idx, np.where(parent >= 0, parent, idx)))
    looping = np.flatnonzero(on[entry])  # rows whose chain ends in a loop
    # name each loop by its smallest row (min along the loop, by doubling)
    cyc = np.flatnonzero(on)
    low, ptr = idx.copy(), parent.copy()
    for _ in range(max(1, int(np.ceil(np.log2(len(cyc) + 1)))) + 1):
        low[cyc] = np.minimum(low[cyc], low[ptr[cyc]])
        ptr[cyc] = ptr[ptr[cyc]]
    label = low[entry[looping]]
    # first row of each component (looping is ascending, so the first of each label)
    _, first = np.unique(label, return_index=True)
    starts = looping[first]
    returns_to = entry[starts]
    pred = np.full(n, -1, dtype=np.int64)
    pred[parent[cyc]] = cyc  # on a loop each row has exactly one loop row as child
    cut = pred[returns_to]
    order = np.argsort(starts, kind="stable")
    return cut[order], returns_to[order]


def chain_depths(parent: np.ndarray, article: np.ndarray) -> np.ndarray:
    """Depth of each row of a forest: 0 for article rows, 1 for a row without parent
    or whose parent is an article row, else one more than its parent."""
    has = parent >= 0
    nxt = np.where(has, parent, -1)
    nxt[has & article[np.where(has, parent, 0)]] = -1  # an article parent ends the count
    dist = (nxt >= 0).astype(np.int64)  # steps to the end of the chain (Wyllie's list ranking)
    live = np.flatnonzero(nxt >= 0)
    while len(live):
        up = nxt[live]
        dist[live] += dist[up]
        nxt[live] = nxt[up]
        live = live[nxt[live] >= 0]
    return np.where(article, 0, dist + 1)


# ---------------------------------------------------------------- the repair
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
    n = len(out)
    parents = _id_strings(out["parent_id"])
    parent = parent_rows(out["unit_id"], parents)
    docs = out["doc_id"].reset_index(drop=True)
    ids = out["unit_id"].reset_index(drop=True)
    problems: list[dict] = []
    flagged: dict[int, str] = {}  # row -> the flag to add (only repaired rows are touched)

    def report(i: int, problem: str, detail: str) -> None:
        problems.append({"doc_id": docs.iat[i], "unit_id": ids.iat[i], "problem": problem, "detail": detail})
        flagged[i] = problem

    # 1. parents that point nowhere (or into another document)
    orphans = np.flatnonzero(parents.notna().to_numpy() & ~_same_document(docs, parent))
    for i in orphans.tolist():
        p, j = parents.iat[i], int(parent[i])
        where = "does not exist" if j < 0 else f"is in another document ({docs.iat[j]})"
        report(i, "orphan", f"parent_id {p!r} {where}; attached to the document top level")
    parent[orphans] = -1

    # 2. loops, cut where a walk in row order would close them
    cut, returns_to = loop_breaks(parent)
    for b, c in zip(cut.tolist(), returns_to.tolist(), strict=True):
        report(b, "loop", f"parent chain returns to {ids.iat[c]!r}; loop broken here")
    parent[cut] = -1

    # 3. depths
    article = out["role"].isin(ARTICLE_ROLES).to_numpy()
    depth = chain_depths(parent, article)

    cleared = np.zeros(n, dtype=bool)
    cleared[orphans] = True
    cleared[cut] = True
    flags = (out["flags"].reset_index(drop=True) if "flags" in out.columns
             else pd.Series("", index=range(n))).astype("str").fillna("")
    if flagged:
        rows = list(flagged)
        flags.iloc[rows] = [add_flag(str(flags.iat[i]), flagged[i]) for i in rows]  # type: ignore[call-overload]
    out["parent_id"] = parents.where(~cleared).array
    out["depth"] = pd.array(depth, dtype="Int64")
    out["flags"] = flags.array
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


def thread_root(units: pd.DataFrame) -> pd.Series:
    """For each unit, the unit its reply chain starts from (itself when it has no
    parent in the table); a loop is cut where :func:`repair_reply_tree` cuts it.

    The vectorised equivalent of ``analysis._tables.thread_root``: one id per
    row, indexed like ``units``.
    """
    ids = _id_strings(units["unit_id"])
    if "parent_id" in units.columns:
        parents = _id_strings(units["parent_id"])
    else:
        parents = pd.Series(pd.NA, index=ids.index, dtype="str")
    # a repeated id is one node: its last row gives its parent, as a dict built in order would
    rep, parent = rows_of(ids, ids, parents)
    rep = np.where(rep >= 0, rep, np.arange(len(rep)))  # a missing id stands alone
    parent = parent[rep]
    cut, _ = loop_breaks(parent)
    parent[cut] = -1
    top = _fixed_point(np.where(parent >= 0, parent, np.arange(len(parent))))
    roots = _arrow(ids).take(pa.array(top[rep])) if len(ids) else pa.array([], pa.large_string())
    return pd.Series(pd.array(roots, dtype="str"), index=units.index)
