"""Prevalence of frames and stances by group, and tests of differences between groups.

Tidy DataFrames in, tidy DataFrames out. Units are clustered in documents and
comment threads, so intervals come from a cluster bootstrap (whole clusters are
resampled within each group); a Wilson interval, which treats units as
independent, sits beside it for comparison. See docs/comparison.md.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

from ._tables import as_list, stable_seed, tagged_units

__all__ = [
    "adjust_pvalues",
    "compare_groups",
    "newcombe_interval",
    "prevalence",
    "risk_ratio_interval",
    "wilson_interval",
]


# ---------------------------------------------------------------- intervals
def wilson_interval(x, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``x`` successes out of ``n`` (arrays allowed).

    NaN where ``n == 0``.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low, high = centre - half, centre + half
    low = np.where(n > 0, np.clip(low, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(high, 0, 1), np.nan)
    return low, high


def newcombe_interval(xa, na, xb, nb, level: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval (his method 10) for ``xa/na - xb/nb``."""
    pa, pb = xa / na, xb / nb
    la, ua = wilson_interval(xa, na, level)
    lb, ub = wilson_interval(xb, nb, level)
    d = pa - pb
    low = d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return float(low), float(high)


def risk_ratio_interval(xa, na, xb, nb, level: float = 0.95) -> tuple[float, float, float]:
    """Risk ratio ``(xa/na) / (xb/nb)`` with the Katz log interval.

    With a zero count, 0.5 is added to every cell (Haldane-Anscombe) so the
    ratio and its interval stay finite; NaN when both counts are zero.
    """
    if xa == 0 and xb == 0:
        return np.nan, np.nan, np.nan
    if xa == 0 or xb == 0:
        xa, xb, na, nb = xa + 0.5, xb + 0.5, na + 1, nb + 1
    rr = (xa / na) / (xb / nb)
    se = np.sqrt(1 / xa - 1 / na + 1 / xb - 1 / nb)
    z = stats.norm.ppf(0.5 + level / 2)
    return float(rr), float(rr * np.exp(-z * se)), float(rr * np.exp(z * se))


def _bootstrap_shares(x: np.ndarray, n: np.ndarray, n_boot: int, seed_seq) -> np.ndarray:
    """Shares of ``n_boot`` cluster-bootstrap resamples: each replicate draws
    as many clusters as there are, with replacement (multinomial weights).
    ``x`` and ``n`` are (clusters, categories) and (clusters,) arrays."""
    k = len(n)
    rng = np.random.default_rng(seed_seq)
    w = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot).astype(float)
    return (w @ x) / (w @ n)[:, None]


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


# ---------------------------------------------------------------- corrections
def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Adjusted p-values: ``"holm"`` (family-wise error) or ``"bh"``
    (Benjamini-Hochberg false discovery rate). NaN stays NaN and is not counted."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    if method == "holm":
        adj = np.maximum.accumulate((m - np.arange(m)) * ranked)
    elif method in ("bh", "fdr_bh"):
        # from the largest p down: q_(i) = min over j >= i of m / j * p_(j)
        adj = np.minimum.accumulate(m / np.arange(m, 0, -1) * ranked[::-1])[::-1]
    else:
        raise ThreadframeError(f"method={method!r}: use 'holm' or 'bh'")
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


# ---------------------------------------------------------------- tests
def _chi2(table: np.ndarray) -> tuple[float, int]:
    """Pearson chi-square (no continuity correction) of a groups x 2 table."""
    row = table.sum(axis=1, keepdims=True)
    col = table.sum(axis=0, keepdims=True)
    expected = row * col / table.sum()
    if (expected == 0).any():
        return np.nan, (table.shape[0] - 1) * (table.shape[1] - 1)
    return float(((table - expected) ** 2 / expected).sum()), (table.shape[0] - 1) * (table.shape[1] - 1)


def _permutation_p(x_units: np.ndarray, groups: np.ndarray, clusters: np.ndarray, n_groups: int,
                   observed: float, n_perm: int, seed_seq) -> tuple[float, str]:
    """Permutation p-value of the chi-square statistic, permuting group labels
    between whole clusters when every cluster lies in one group (else units)."""
    cl_codes, cl_index = np.unique(clusters, return_inverse=True)
    cl_group = np.full(len(cl_codes), -1)
    spans = False
    for c in range(len(cl_codes)):
        g = np.unique(groups[cl_index == c])
        if len(g) > 1:
            spans = True
            break
        cl_group[c] = g[0]
    if spans:
        level_name, labels, xs, ns = "unit", groups, x_units.astype(float), np.ones(len(groups))
    else:
        level_name = "cluster"
        labels = cl_group
        xs = np.bincount(cl_index, weights=x_units.astype(float), minlength=len(cl_codes))
        ns = np.bincount(cl_index, minlength=len(cl_codes)).astype(float)
    rng = np.random.default_rng(seed_seq)
    perms = np.array([rng.permutation(labels) for _ in range(n_perm)])
    onehot = np.zeros((n_perm, len(labels), n_groups))
    np.put_along_axis(onehot, perms[:, :, None], 1.0, axis=2)
    gx = np.einsum("pkg,k->pg", onehot, xs)
    gn = np.einsum("pkg,k->pg", onehot, ns)
    total_x, total_n = xs.sum(), ns.sum()
    exp_x = gn * total_x / total_n
    exp_y = gn * (total_n - total_x) / total_n
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(exp_x > 0, (gx - exp_x) ** 2 / exp_x, 0).sum(1) + np.where(
            exp_y > 0, ((gn - gx) - exp_y) ** 2 / exp_y, 0).sum(1)
    return float((1 + np.sum(stat >= observed - 1e-12)) / (n_perm + 1)), level_name


def _test_table(table: np.ndarray, test: str) -> tuple[str, float, float, int]:
    """(test name, statistic, p-value, dof) for a groups x (present, absent) table."""
    chi2, dof = _chi2(table)
    if np.isnan(chi2):
        return "none (no variation)", np.nan, np.nan, dof
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if test == "auto":
        test = "fisher" if table.shape[0] == 2 and (expected < 5).any() else "chi2"
    if test == "fisher":
        if table.shape[0] != 2:
            raise ThreadframeError("Fisher's exact test needs exactly two groups; use test='chi2' "
                                   "or test='permutation'")
        odds, p = stats.fisher_exact(table)
        return "fisher", float(odds), float(p), dof
    return "chi2", chi2, float(stats.chi2.sf(chi2, dof)), dof


def compare_groups(
    tags,
    units,
    by: str = "outlet",
    *,
    categories=None,
    roles=CONTENT_ROLES,
    test: str = "auto",
    pairwise: bool | None = None,
    cluster: str | None = "thread",
    n_perm: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Do groups differ in how often units carry each frame (or stance)?

    For every category, the table groups x (present, absent) is tested:
    ``test="auto"`` uses Fisher's exact test for two groups when an expected
    count is below 5 and the chi-square test (no continuity correction)
    otherwise; ``"chi2"`` and ``"fisher"`` force one; ``"permutation"``
    permutes group labels between whole clusters (respecting that units are
    clustered in documents/threads) with the chi-square statistic.

    With two groups there is one row per category (``comparison="pair"``);
    with more, an ``"omnibus"`` row per category and, when ``pairwise`` (the
    default for more than two groups), a ``"pairwise"`` row per pair of groups.

    Columns: ``category, comparison, group_a, group_b, n_a, x_a, share_a, n_b,
    x_b, share_b, test, statistic, dof, p_value, p_holm, p_bh, cramers_v,
    risk_difference, rd_low, rd_high, risk_ratio, rr_low, rr_high``. Holm and
    Benjamini-Hochberg adjust within each family (omnibus rows; pair and
    pairwise rows) across all categories. Risk-difference (Newcombe) and
    risk-ratio (Katz) intervals treat units as independent; ``cramers_v`` is
    ``sqrt(chi2 / n)``. For a Fisher test ``statistic`` is the odds ratio.
    Units without text are left out (:func:`analysis.countable.has_text`);
    ``attrs["n_excluded"]`` says how many.
    """
    if test not in ("auto", "chi2", "fisher", "permutation"):
        raise ThreadframeError(f"test={test!r}: use 'auto', 'chi2', 'fisher' or 'permutation'")
    by_cols = as_list(by)
    if len(by_cols) != 1:
        raise ThreadframeError("compare_groups: give one grouping column (combine columns first)")
    joined, by_cols, cats, excluded = tagged_units(tags, units, by_cols, roles=roles,
                                                   categories=categories, cluster=cluster)
    col = by_cols[0]
    joined = joined[joined[col].notna()]
    groups = sorted(joined[col].astype("str").unique())
    if len(groups) < 2:
        raise ThreadframeError(f"compare_groups: column {col!r} has fewer than two groups ({groups})")
    if pairwise is None:
        pairwise = len(groups) > 2
    rows = []
    for cat in cats:
        d = joined[joined["category"] == cat]
        g = d[col].astype("str").to_numpy()
        gi = np.searchsorted(groups, g)
        pres = d["present"].to_numpy().astype(int)
        n = np.bincount(gi, minlength=len(groups))
        x = np.bincount(gi, weights=pres, minlength=len(groups)).astype(int)
        keep = n > 0
        table = np.column_stack([x, n - x])[keep]
        present_groups = [grp for grp, k in zip(groups, keep, strict=True) if k]

        def one_row(kind, a, b, table, idx, cat=cat, d=d, gi=gi, pres=pres):
            name, statistic, p, dof = _test_table(table, "chi2" if test == "permutation" else test)
            chi2, _ = _chi2(table)
            if test == "permutation" and not np.isnan(chi2):
                mask = np.isin(gi, idx)
                sub_groups = np.searchsorted(idx, gi[mask])
                p, lvl = _permutation_p(pres[mask], sub_groups, d["_cluster"].to_numpy()[mask],
                                        len(idx), chi2, n_perm, stable_seed(seed, (cat, a, b)))
                name, statistic = f"permutation ({lvl})", chi2
            total = table.sum()
            v = np.sqrt(chi2 / (total * (min(table.shape) - 1))) if not np.isnan(chi2) else np.nan
            row = {"category": cat, "comparison": kind, "group_a": a, "group_b": b,
                   "test": name, "statistic": statistic, "dof": dof, "p_value": p, "cramers_v": v}
            if b is not None:
                xa, na = table[0, 0], table[0].sum()
                xb, nb = table[1, 0], table[1].sum()
                rd_low, rd_high = newcombe_interval(xa, na, xb, nb, level)
                rr, rr_low, rr_high = risk_ratio_interval(xa, na, xb, nb, level)
                row.update(n_a=int(na), x_a=int(xa), share_a=xa / na, n_b=int(nb), x_b=int(xb),
                           share_b=xb / nb, risk_difference=xa / na - xb / nb, rd_low=rd_low,
                           rd_high=rd_high, risk_ratio=rr, rr_low=rr_low, rr_high=rr_high)
            return row

        idx_all = np.flatnonzero(keep)
        if len(present_groups) == 2:
            rows.append(one_row("pair", present_groups[0], present_groups[1], table, idx_all))
            continue
        if len(present_groups) < 2:
            continue
        rows.append(one_row("omnibus", None, None, table, idx_all))
        if pairwise:
            for i, j in combinations(range(len(present_groups)), 2):
                rows.append(one_row("pairwise", present_groups[i], present_groups[j],
                                    table[[i, j]], idx_all[[i, j]]))
    columns = ["category", "comparison", "group_a", "group_b", "n_a", "x_a", "share_a", "n_b", "x_b",
               "share_b", "test", "statistic", "dof", "p_value", "p_holm", "p_bh", "cramers_v",
               "risk_difference", "rd_low", "rd_high", "risk_ratio", "rr_low", "rr_high"]
    out = pd.DataFrame(rows).reindex(columns=columns)
    out["p_holm"] = np.nan
    out["p_bh"] = np.nan
    families = out["comparison"].map({"omnibus": "omnibus", "pair": "pairs", "pairwise": "pairs"})
    for fam in families.unique():
        m = (families == fam).to_numpy()
        out.loc[m, "p_holm"] = adjust_pvalues(out.loc[m, "p_value"].to_numpy(float), "holm")
        out.loc[m, "p_bh"] = adjust_pvalues(out.loc[m, "p_value"].to_numpy(float), "bh")
    for c in ("category", "comparison", "group_a", "group_b", "test"):
        out[c] = out[c].astype("str")
    for c in ("n_a", "x_a", "n_b", "x_b", "dof"):
        out[c] = out[c].astype("Int64")
    out.attrs["n_excluded"] = len(excluded)
    return out
