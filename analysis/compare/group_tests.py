"""Tests of differences between groups in how often units carry a category
(chi-square, Fisher, cluster permutation), with effect sizes. Re-exported by
:mod:`analysis.compare.groups`; see docs/comparison.md."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from analysis._tables import as_list, stable_seed, tagged_units
from analysis.compare.intervals import adjust_pvalues, newcombe_interval, risk_ratio_interval
from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

__all__ = ["MIN_DOCS", "compare_groups"]

#: Fewest documents every compared group needs before a test is run: below
#: it the comparison describes those documents and gives no p-value.
MIN_DOCS = 2


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


def _docs(n: int) -> str:
    return f"{n} document" if n == 1 else f"{n} documents"


def _test_table(table: np.ndarray, test: str) -> tuple[str, float, float, int]:
    """(test name, statistic, p-value, dof) for a groups x (present, absent) table."""
    chi2, dof = _chi2(table)
    if np.isnan(chi2):
        return "none (no variation)", np.nan, np.nan, dof
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if test == "units":
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
    min_docs: int = MIN_DOCS,
    seed: int = 0,
) -> pd.DataFrame:
    """Do groups differ in how often units carry each frame (or stance)?

    For every category, the table groups x (present, absent) is tested. The
    default, ``test="auto"``, respects that units are clustered: it is
    ``"permutation"``, which permutes group labels between whole clusters
    (``cluster``: comment threads by default, or ``"doc"``) with the
    chi-square statistic, so paragraphs of one article or comments of one
    thread are never counted as independent evidence. ``"units"`` treats units
    as independent (Fisher's exact test for two groups when an expected count
    is below 5, else chi-square without continuity correction); ``"chi2"`` and
    ``"fisher"`` force one of those.

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

    **Too few documents: descriptive only.** Units of one document resemble
    each other, so with fewer than ``min_docs`` (default 2) documents in a
    group there is no way to tell a difference between groups from a
    difference between those documents. Such a comparison gets no test: its
    ``test`` says ``"none (descriptive: ...)"``, ``statistic``, ``p_value``
    (hence ``p_holm``/``p_bh``) and the risk-difference and risk-ratio
    intervals are NaN, and ``descriptive`` is True; the shares, risk
    difference, risk ratio and Cramér's V still describe those documents.
    ``n_docs_a``/``n_docs_b`` (pairs) and ``min_group_docs`` (every row) give
    the counts; ``attrs["descriptive"]`` is True when every row is.
    ``min_docs=1`` tests anyway (units then count as independent).
    """
    if test not in ("auto", "units", "chi2", "fisher", "permutation"):
        raise ThreadframeError(f"test={test!r}: use 'auto', 'permutation', 'units', 'chi2' or 'fisher'")
    if test == "auto":
        test = "permutation"
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
    if test == "fisher" and len(groups) > 2:
        raise ThreadframeError(f"Fisher's exact test needs exactly two groups ({col!r} has "
                               f"{len(groups)}); use test='chi2' or test='permutation'")
    if not isinstance(min_docs, int | np.integer) or min_docs < 1:
        raise ThreadframeError(f"min_docs must be a whole number of at least 1, got {min_docs!r}")
    if pairwise is None:
        pairwise = len(groups) > 2
    docs_per_group = joined.groupby(joined[col].astype("str"))["doc_id"].nunique()
    n_docs = docs_per_group.reindex(groups).fillna(0).to_numpy(dtype=int)
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
            fewest = int(n_docs[idx].min())
            descriptive = fewest < min_docs
            chi2, _ = _chi2(table)
            if descriptive:
                name = (f"none (descriptive: {_docs(fewest)} in a group, fewer than {min_docs} "
                        "to test)")
                statistic, p, dof = np.nan, np.nan, pd.NA
            else:
                name, statistic, p, dof = _test_table(table, "chi2" if test == "permutation" else test)
            if test == "permutation" and not descriptive and not np.isnan(chi2):
                mask = np.isin(gi, idx)
                sub_groups = np.searchsorted(idx, gi[mask])
                p, lvl = _permutation_p(pres[mask], sub_groups, d["_cluster"].to_numpy()[mask],
                                        len(idx), chi2, n_perm, stable_seed(seed, (cat, a, b)))
                name, statistic = f"permutation ({lvl})", chi2
            total = table.sum()
            v = np.sqrt(chi2 / (total * (min(table.shape) - 1))) if not np.isnan(chi2) else np.nan
            row = {"category": cat, "comparison": kind, "group_a": a, "group_b": b,
                   "test": name, "statistic": statistic, "dof": dof, "p_value": p, "cramers_v": v,
                   "descriptive": descriptive, "min_group_docs": fewest}
            if b is not None:
                xa, na = table[0, 0], table[0].sum()
                xb, nb = table[1, 0], table[1].sum()
                rd_low, rd_high = newcombe_interval(xa, na, xb, nb, level)
                rr, rr_low, rr_high = risk_ratio_interval(xa, na, xb, nb, level)
                if descriptive:
                    rd_low = rd_high = rr_low = rr_high = np.nan
                row.update(n_a=int(na), x_a=int(xa), share_a=xa / na, n_b=int(nb), x_b=int(xb),
                           share_b=xb / nb, n_docs_a=int(n_docs[idx[0]]), n_docs_b=int(n_docs[idx[1]]),
                           risk_difference=xa / na - xb / nb, rd_low=rd_low,
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
               "share_b", "n_docs_a", "n_docs_b", "min_group_docs", "descriptive", "test",
               "statistic", "dof", "p_value", "p_holm", "p_bh", "cramers_v",
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
    for c in ("n_a", "x_a", "n_b", "x_b", "n_docs_a", "n_docs_b", "min_group_docs", "dof"):
        out[c] = out[c].astype("Int64")
    out["descriptive"] = out["descriptive"].fillna(False).astype(bool)
    out.attrs["n_excluded"] = len(excluded)
    out.attrs["descriptive"] = bool(len(out)) and bool(out["descriptive"].all())
    out.attrs["min_docs"] = int(min_docs)
    return out
