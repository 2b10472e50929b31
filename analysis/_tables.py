"""Input handling shared by the comparison modules: units (or a Corpus) and tag
tables in, one validated per-unit table out. Never mutates its inputs."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.exceptions import UntaggedUnitsWarning
from threads.errors import CorpusError, ThreadframeError
from threads.schema import CONTENT_ROLES
from threads.tree import thread_root

NONE_CATEGORY = "none"


def in_values(series: pd.Series, values) -> np.ndarray:
    """``series.isin(values)`` as a bool array, through a hash index: pandas'
    ``isin`` on Arrow strings walks ``values`` in Python, which is slow when
    ``values`` is a column of hundreds of thousands of ids."""
    index = pd.Index(pd.unique(pd.Series(values).to_numpy(dtype=object)))
    return index.get_indexer(series.to_numpy(dtype=object)) >= 0


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def units_table(units, roles: Iterable[str] | None = CONTENT_ROLES, *, what: str = "units") -> pd.DataFrame:
    """A units DataFrame (a copy) with the docs columns joined in when given a Corpus.

    Accepts a ``threads.Corpus`` or a DataFrame with at least ``unit_id`` and
    ``doc_id``; keeps only ``roles`` when the table has a ``role`` column.
    """
    docs = None
    if hasattr(units, "units") and hasattr(units, "docs"):
        docs, units = units.docs, units.units
    if not isinstance(units, pd.DataFrame):
        raise ThreadframeError(f"{what}: expected a threads.Corpus or a DataFrame, got {type(units).__name__}")
    require_columns(units, ("unit_id", "doc_id"), what)
    out = units.copy()
    if docs is not None:
        extra = [c for c in docs.columns if c not in out.columns or c == "doc_id"]
        out = out.merge(docs[extra], on="doc_id", how="left")
    roles = as_list(roles) if roles is not None else None
    if roles and "role" in out.columns:
        out = out[out["role"].isin(roles)]
    if out["unit_id"].duplicated().any():
        dup = out.loc[out["unit_id"].duplicated(), "unit_id"].iloc[0]
        raise CorpusError(f"{what}: unit_id {dup!r} occurs more than once")
    return out.reset_index(drop=True)


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ThreadframeError(
            f"{what}: missing column(s) {missing}; it has {list(df.columns)}")


def tags_table(tags, what: str = "tags") -> pd.DataFrame:
    """A long tags table ``unit_id, category, present`` from any accepted form.

    Accepts the ``tags`` table of the contract, a tagging result (its ``.tags``),
    or a stance table (``unit_id, stance``), which becomes one category per
    stance value (``present`` where the unit has that stance).
    """
    if hasattr(tags, "tags") and isinstance(tags.tags, pd.DataFrame):
        tags = tags.tags
    if not isinstance(tags, pd.DataFrame):
        raise ThreadframeError(f"{what}: expected a DataFrame, got {type(tags).__name__}")
    if "category" not in tags.columns and "stance" in tags.columns:
        return stance_as_tags(tags)
    require_columns(tags, ("unit_id", "category", "present"), what)
    out = tags[["unit_id", "category", "present"]].copy()
    if out["present"].isna().any():
        raise ThreadframeError(f"{what}: column 'present' has missing values")
    out["present"] = out["present"].astype(bool)
    out["category"] = out["category"].astype("str")
    if out.duplicated(["unit_id", "category"]).any():
        row = out[out.duplicated(["unit_id", "category"])].iloc[0]
        hint = ""
        if "source" in tags.columns and tags["source"].nunique() > 1:
            hint = (f"; the table mixes sources {sorted(tags['source'].dropna().unique())}: "
                    "compare one at a time (filter on 'source')")
        raise ThreadframeError(
            f"{what}: unit {row['unit_id']!r} has more than one row for category {row['category']!r}{hint}")
    return out.reset_index(drop=True)


def stance_as_tags(stance: pd.DataFrame, what: str = "stance") -> pd.DataFrame:
    """The stance table (one row per unit) as long tags: one category per stance label."""
    require_columns(stance, ("unit_id", "stance"), what)
    labels = sorted(stance["stance"].dropna().astype("str").unique())
    s = stance[["unit_id", "stance"]].astype({"stance": "str"})
    rows = [s.assign(category=label, present=s["stance"].eq(label).fillna(False).astype(bool))
            for label in labels]
    if not rows:
        return pd.DataFrame({"unit_id": pd.Series(dtype="str"), "category": pd.Series(dtype="str"),
                             "present": pd.Series(dtype=bool)})
    return pd.concat(rows, ignore_index=True)[["unit_id", "category", "present"]]


def categories_in(tags: pd.DataFrame, categories=None) -> list[str]:
    """Categories to report, in the order given (or first appearance in ``tags``)."""
    present = [str(c) for c in pd.unique(tags["category"])]
    if categories is None:
        return present
    categories = as_list(categories)
    unknown = [c for c in categories if c not in present]
    if unknown:
        raise ThreadframeError(f"categories {unknown} are not in the tags table (it has {present})")
    return categories


def cluster_ids(units: pd.DataFrame, cluster: str | None) -> pd.Series:
    """The cluster of each unit for interval estimation.

    ``"doc"``: its document; ``"thread"``: its document for article units and
    the top-level comment of its reply chain for comments (a comment thread is
    one cluster); ``"unit"`` or None: every unit its own cluster; any other
    string: that column.
    """
    if cluster in (None, "unit"):
        return units["unit_id"].astype("str")
    if cluster == "doc":
        return units["doc_id"].astype("str")
    if cluster == "thread":
        is_comment = units["role"].eq("comment").fillna(False) if "role" in units.columns else (
            pd.Series(False, index=units.index))
        root = thread_root(units)
        return units["doc_id"].astype("str").where(~is_comment, "thread:" + root)
    if cluster in units.columns:
        if units[cluster].isna().any():
            raise ThreadframeError(f"cluster column {cluster!r} has missing values")
        return units[cluster].astype("str")
    raise ThreadframeError(
        f"cluster={cluster!r}: use 'doc', 'thread', 'unit' or a column of the units table")


def tagged_units(tags, units, by, *, roles=CONTENT_ROLES, categories=None,
                 cluster: str | None = "thread"
                 ) -> tuple[pd.DataFrame, list[str], list[str], pd.DataFrame]:
    """Join tags onto units: one row per (unit, category) with the ``by``
    columns, ``cluster`` and ``present``. Units without text
    (:func:`analysis.countable.has_text`) are left out, tagged or not.
    Returns (table, by, categories, the units left out for having no text)."""
    from analysis.countable import countable_units

    by = as_list(by)
    u = units_table(units, roles)
    t = tags_table(tags)
    cats = categories_in(t, categories)
    missing_by = [c for c in by if c not in u.columns]
    if missing_by:
        raise ThreadframeError(
            f"by={missing_by}: not a column of the units (or docs) table; columns are {list(u.columns)}")
    # clusters from the whole tree: a lost comment still joins its replies into one thread
    u, excluded = countable_units(u.assign(_cluster=cluster_ids(u, cluster)))
    untagged = ~in_values(u["unit_id"], t["unit_id"])
    if untagged.any():
        warnings.warn(
            f"{int(untagged.sum())} unit(s) have no tags and are left out of the comparison "
            f"(first: {u.loc[untagged, 'unit_id'].iloc[0]!r})", UntaggedUnitsWarning, stacklevel=3)
    t = t[t["category"].isin(cats)]
    keep = list(dict.fromkeys(["unit_id", "doc_id", *by, "_cluster"]))
    joined = t.merge(u[keep], on="unit_id", how="inner")
    return joined, by, cats, excluded.reset_index(drop=True)


def stable_seed(seed: int, key) -> np.random.SeedSequence:
    """A seed for one group that depends on the group's name, not on which
    other groups are present (adding an outlet does not move others' intervals)."""
    import zlib

    return np.random.SeedSequence([int(seed), zlib.crc32(repr(key).encode("utf-8"))])
