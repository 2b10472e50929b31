"""Prevalence of frames and stances by group, and tests of differences between groups.

Tidy DataFrames in, tidy DataFrames out. Units are clustered in documents and
comment threads, so intervals come from a cluster bootstrap (whole clusters are
resampled within each group); a Wilson interval, which treats units as
independent, sits beside it for comparison. See docs/comparison.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._tables import stable_seed, tagged_units
from analysis.compare.group_tests import compare_groups
from analysis.compare.intervals import (
    adjust_pvalues,
    newcombe_interval,
    risk_ratio_interval,
    wilson_interval,
)
from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

__all__ = [
    "adjust_pvalues",
    "compare_groups",
    "newcombe_interval",
    "prevalence",
    "risk_ratio_interval",
    "wilson_interval",
]


def _bootstrap_shares(x: np.ndarray, n: np.ndarray, n_boot: int, seed_seq) -> np.ndarray:
    """Shares of ``n_boot`` cluster-bootstrap resamples: each replicate draws
    as many clusters as there are, with replacement (multinomial weights).
    ``x`` and ``n`` are (clusters, categories) and (clusters,) arrays."""
    k = len(n)
    rng = np.random.default_rng(seed_seq)
    xf, nf = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    out = np.empty((n_boot, xf.shape[1]))
    # Replicates in chunks of at most ~4M draws (an n_boot x clusters matrix at
    # once took 9.8 GB per group on 5M comments, issue 15). Each replicate
    # draws k cluster indices; bincount turns them into weights, 4x faster
    # than numpy's multinomial with k equal categories.
    step = max(1, min(n_boot, 4_000_000 // max(k, 1)))
    for lo in range(0, n_boot, step):
        m = min(step, n_boot - lo)
        idx = rng.integers(0, k, size=(m, k)) + (np.arange(m) * k)[:, None]
        w = np.bincount(idx.ravel(), minlength=m * k).reshape(m, k).astype(float)
        out[lo:lo + m] = (w @ xf) / (w @ nf)[:, None]
    return out


# ---------------------------------------------------------------- prevalence
def _excluded_by_group(excluded: pd.DataFrame, by: list[str]) -> dict[tuple, int]:
    """Units without text per group key (keys as tuples, like the groupby below)."""
    if excluded.empty:
        return {}
    if not by:
        return {(): len(excluded)}
    sizes = excluded.groupby(by, sort=False, dropna=False).size()
    return {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in sizes.items()}


def prevalence(
    tags,
    units,
    by=("outlet", "role"),
    *,
    categories=None,
    roles=CONTENT_ROLES,
    cluster: str | None = "thread",
    n_boot: int = 2000,
    level: float = 0.95,
    min_clusters: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of units carrying each frame (or stance) in each group, with intervals.

    Parameters
    ----------
    tags : the ``tags`` table (``unit_id, category, present``), a tagging result,
        or a stance table (``unit_id, stance``: one category per stance label).
    units : a ``threads.Corpus`` (docs columns such as ``outlet`` are joined in)
        or a units DataFrame.
    by : column(s) to group by (any column of units or docs); ``[]`` for overall.
    cluster : ``"thread"`` (default: a document's article units form one
        cluster, each comment thread another), ``"doc"``, ``"unit"`` or a column.
    n_boot, level, seed : cluster bootstrap replicates, interval level, seed.
    min_clusters : below this many clusters a group's bootstrap interval is not
        trusted; ``ci_low``/``ci_high`` then fall back to the Wilson interval and
        ``ci_method`` says so.

    Returns
    -------
    One row per group and category: the ``by`` columns, ``category``,
    ``n_units`` (units with text: the denominator), ``n_excluded`` (units of
    the group left out because they have no text, see
    :func:`analysis.countable.has_text`), ``n_present``, ``n_docs``, ``n_clusters``, ``share``,
    ``ci_low``, ``ci_high``, ``ci_method``, ``boot_low``, ``boot_high``
    (NaN below ``min_clusters``), ``wilson_low``, ``wilson_high``.
    """
    if not 0 < level < 1:
        raise ThreadframeError(f"level must be between 0 and 1, got {level}")
    if n_boot < 1:
        raise ThreadframeError(f"n_boot must be at least 1, got {n_boot}")
    joined, by, cats, excluded = tagged_units(tags, units, by, roles=roles, categories=categories,
                                              cluster=cluster)
    n_excluded = _excluded_by_group(excluded, by)
    flags = joined.pivot_table(index="unit_id", columns="category", values="present", aggfunc="max",
                               fill_value=False)
    flags = flags.reindex(columns=cats, fill_value=False).astype(float)
    attrs = joined.drop_duplicates("unit_id").set_index("unit_id")[list(dict.fromkeys(["doc_id", "_cluster", *by]))]
    wide = attrs.join(flags).reset_index()
    rows = []
    grouped = wide.groupby(by, sort=True, dropna=False) if by else [((), wide)]
    alpha = 1 - level
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        per_cluster = g.groupby("_cluster", sort=True)
        x = per_cluster[cats].sum().to_numpy()
        n = per_cluster.size().to_numpy().astype(float)
        k = len(n)
        total_x, total_n = x.sum(axis=0), n.sum()
        if k >= min_clusters:
            boot = _bootstrap_shares(x, n, n_boot, stable_seed(seed, key))
            b_low = np.quantile(boot, alpha / 2, axis=0)
            b_high = np.quantile(boot, 1 - alpha / 2, axis=0)
        else:
            b_low = b_high = np.full(len(cats), np.nan)
        w_low, w_high = wilson_interval(total_x, total_n, level)
        for j, cat in enumerate(cats):
            boot_ok = k >= min_clusters
            rows.append({
                **dict(zip(by, key, strict=True)),
                "category": cat,
                "n_units": int(total_n),
                "n_excluded": n_excluded.get(key, 0),
                "n_present": int(total_x[j]),
                "n_docs": int(g["doc_id"].nunique()),
                "n_clusters": k,
                "share": total_x[j] / total_n,
                "ci_low": b_low[j] if boot_ok else w_low[j],
                "ci_high": b_high[j] if boot_ok else w_high[j],
                "ci_method": "cluster bootstrap" if boot_ok else f"wilson (<{min_clusters} clusters)",
                "boot_low": b_low[j],
                "boot_high": b_high[j],
                "wilson_low": w_low[j],
                "wilson_high": w_high[j],
            })
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=[*by, "category", "n_units", "n_excluded", "n_present", "n_docs", "n_clusters",
                                     "share", "ci_low", "ci_high", "ci_method", "boot_low",
                                     "boot_high", "wilson_low", "wilson_high"])
    out["category"] = pd.Categorical(out["category"], categories=cats)
    out = out.sort_values([*by, "category"], kind="stable").reset_index(drop=True)
    out["category"] = out["category"].astype("str")
    out["ci_method"] = out["ci_method"].astype("str")
    return out
