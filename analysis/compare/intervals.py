"""Intervals for shares and their differences, and p-value corrections."""

from __future__ import annotations

import numpy as np
from scipy import stats

from threads.errors import ThreadframeError

__all__ = ["adjust_pvalues", "newcombe_interval", "risk_ratio_interval", "wilson_interval"]


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
        # Rounding leaves the bound at 0 or n a hair off (5.6e-17 above a share of 0): the
        # interval always contains the share, exactly 0 when x == 0 and 1 when x == n.
        low = np.where(x == 0, 0.0, np.minimum(low, p))
        high = np.where(x == n, 1.0, np.maximum(high, p))
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
