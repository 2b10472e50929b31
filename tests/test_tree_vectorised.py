"""Vectorised reply-tree repair and thread roots against the per-row walks they replace.

``old_repair`` is the former ``threads.tree.repair_reply_tree`` (Python walks
over each unit), kept here only as the reference; ``analysis._tables.thread_root``
is the per-row root walk. Random forests with orphans (missing parents and
parents in another document), loops, self-replies and empty parents must give
the same tables, problem rows (in the same order) and roots.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reference_walk import thread_root as walked_thread_root

from threads import tree
from threads.errors import ReplyTreeWarning
from threads.schema import ARTICLE_ROLES


def old_repair(units: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
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
            flags[i] = tree.add_flag(flags[i], "orphan")

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
                flags[node] = tree.add_flag(flags[node], "loop")
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
    return out, problems


def random_units(seed: int, n: int) -> pd.DataFrame:
    """A few documents of article rows and comments whose parents are mostly earlier
    comments of the same document, with every kind of broken parent mixed in."""
    rng = np.random.default_rng(seed)
    n_docs = int(rng.integers(1, 5))
    doc = np.sort(rng.integers(0, n_docs, n))
    ids = [f"u{i}" for i in rng.permutation(n)]
    roles = rng.choice(["comment"] * 6 + ["title", "body", "meta"], n)
    parents: list[object] = []
    for i in range(n):
        r = rng.random()
        same = [j for j in range(n) if doc[j] == doc[i]]
        if r < 0.15 or i == 0:
            parents.append(None if r < 0.1 else "")
        elif r < 0.2:
            parents.append(f"missing{i}")  # points nowhere
        elif r < 0.25:
            parents.append(ids[int(rng.integers(0, n))])  # anywhere: often another document
        elif r < 0.3:
            parents.append(ids[i])  # a self-reply
        elif r < 0.4:
            parents.append(ids[int(rng.choice(same))])  # any row of the document: loops
        else:
            earlier = [j for j in same if j < i]
            parents.append(ids[int(rng.choice(earlier))] if earlier else None)
    flags = rng.choice(["", "", "deleted", "orphan", None], n)
    return pd.DataFrame({"doc_id": [f"d{k}" for k in doc], "unit_id": ids, "role": roles,
                         "parent_id": pd.array(parents, dtype=object), "flags": flags,
                         "text": "x"})


def _both(units):
    with warnings.catch_warnings(record=True) as new_warnings:
        warnings.simplefilter("always")
        new, new_problems = tree.repair_reply_tree(units)
    old, old_problems = old_repair(units)
    return new, new_problems, old, old_problems, new_warnings


@pytest.mark.parametrize("seed", range(60))
def test_vectorised_repair_equals_the_walk(seed):
    units = random_units(seed, int(np.random.default_rng(seed).integers(1, 80)))
    before = units.copy()
    new, new_problems, old, old_problems, caught = _both(units)
    pd.testing.assert_frame_equal(new, old)
    pd.testing.assert_frame_equal(units, before)  # the input is not modified
    assert new_problems == old_problems
    assert bool(caught) == bool(old_problems)
    if old_problems:
        assert all(issubclass(w.category, ReplyTreeWarning) for w in caught)


@pytest.mark.parametrize("seed", range(60))
def test_vectorised_thread_root_equals_the_walk(seed):
    units = random_units(seed, int(np.random.default_rng(seed).integers(1, 80)))
    units["parent_id"] = units["parent_id"].where(units["parent_id"] != "", None)
    pd.testing.assert_series_equal(tree.thread_root(units), walked_thread_root(units))


def test_hand_built_loops_are_cut_where_the_walk_closes_them():
    # a -> b -> c -> b (a tail into a loop), d self-reply, e top level
    units = pd.DataFrame({"doc_id": "d", "unit_id": ["a", "b", "c", "d", "e"], "role": "comment",
                          "parent_id": ["b", "c", "b", "d", None], "text": "x"})
    with pytest.warns(ReplyTreeWarning, match="2 loop"):
        out, problems = tree.repair_reply_tree(units)
    assert [(p["unit_id"], p["detail"]) for p in problems] == [
        ("c", "parent chain returns to 'b'; loop broken here"),
        ("d", "parent chain returns to 'd'; loop broken here")]
    assert out["depth"].tolist() == [3, 2, 1, 1, 1]
    assert tree.thread_root(units).tolist() == ["c", "c", "c", "d", "e"]


def test_depth_counts_from_the_article_and_survives_deep_chains():
    n = 50_000
    units = pd.DataFrame({"doc_id": "d", "unit_id": ["t"] + [f"c{i}" for i in range(n)],
                          "role": ["title"] + ["comment"] * n,
                          "parent_id": [None, "t"] + [f"c{i}" for i in range(n - 1)], "text": "x"})
    out, problems = tree.repair_reply_tree(units)
    assert problems == [] and out["depth"].tolist() == list(range(n + 1))
    assert set(tree.thread_root(units)) == {"t"}


def test_empty_table():
    units = pd.DataFrame({"doc_id": pd.Series(dtype="str"), "unit_id": pd.Series(dtype="str"),
                          "role": pd.Series(dtype="str"), "parent_id": pd.Series(dtype="str")})
    out, problems = tree.repair_reply_tree(units)
    assert len(out) == 0 and problems == []
    assert len(tree.thread_root(units)) == 0


def test_article_roles_are_depth_zero():
    assert set(ARTICLE_ROLES) == {"title", "body", "boilerplate", "meta"}
