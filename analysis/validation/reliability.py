"""Agreement between coders (and between a model and coders).

Krippendorff's alpha by the coincidence-matrix method of Krippendorff (2011),
"Computing Krippendorff's Alpha-Reliability", at the nominal, ordinal,
interval and ratio levels, with missing values; percent agreement, Cohen's
kappa and Fleiss' kappa beside it; and a tidy report per category.

Data come either as a coders-by-units table (rows coders, columns units, NaN
where a coder did not code a unit) or as a long table with ``coder``,
``unit_id`` and ``code`` columns (and ``category`` for a report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.validation.code_values import LEVELS, ReliabilityError, declared_order
from analysis.validation.code_values import encode as _encode

__all__ = ["LEVELS", "AlphaResult", "ReliabilityError", "cohen_kappa", "fleiss_kappa",
           "krippendorff_alpha", "percent_agreement", "reliability_matrix", "reliability_report"]


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with its bootstrap interval and the counts behind it."""

    alpha: float
    level: str
    n_units: int  # units with at least two values (pairable)
    n_values: int  # pairable values
    n_coders: int
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    n_boot: int = 0

    def __float__(self) -> float:
        return float(self.alpha)

    def __repr__(self) -> str:
        ci = "" if not self.n_boot else f", 95% CI [{self.ci_low:.3f}, {self.ci_high:.3f}]"
        return f"AlphaResult(alpha={self.alpha:.3f}, level={self.level!r}, units={self.n_units}{ci})"


# --------------------------------------------------------------------------
# Input handling


def reliability_matrix(data, *, coder="coder", unit="unit_id", code="code") -> pd.DataFrame:
    """Coders-by-units table from a wide table (returned as a copy) or a long table.

    A long table has one row per (coder, unit) with the code; two different
    codes by the same coder for the same unit are an error, not a silent choice.
    """
    if isinstance(data, np.ndarray):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    if {coder, unit, code} <= set(data.columns):
        long = data[[coder, unit, code]]
        long = long[long[code].notna()]
        dup = long.duplicated([coder, unit], keep=False)
        if dup.any():
            clash = long[dup].groupby([coder, unit])[code].nunique()
            clash = clash[clash > 1]
            if len(clash):
                c, u = clash.index[0]
                raise ReliabilityError(
                    f"coder {c!r} gave unit {u!r} more than one code; "
                    "keep one code per coder and unit")
            long = long.drop_duplicates([coder, unit])
        wide = long.pivot(index=coder, columns=unit, values=code)
        wide.index.name = "coder"
        wide.columns.name = "unit_id"
        return wide
    return data.copy()


def _coincidences(idx: np.ndarray, n_values: int) -> np.ndarray:
    """The coincidence matrix o_ck: each unit with m_u >= 2 values adds 1/(m_u - 1) per ordered pair."""
    counts = np.zeros((idx.shape[1], n_values))
    for j in range(idx.shape[1]):
        col = idx[:, j]
        col = col[col >= 0]
        if len(col):
            counts[j] = np.bincount(col, minlength=n_values)
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    if not len(counts):
        return np.zeros((n_values, n_values))
    # sum_u (n_uc n_uk - [c==k] n_uc) / (m_u - 1)
    weighted = counts / (m - 1)[:, None]
    o = weighted.T @ counts
    o -= np.diag(weighted.sum(axis=0))
    return o


def _delta2(domain: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    k = len(domain)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        # delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 over the ranks of the values
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        return (between - (n_c[i] + n_c[j]) / 2.0) ** 2
    v = domain.astype(float)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    if (v < 0).any():
        raise ReliabilityError("ratio alpha needs non-negative codes")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total == 0, 0.0, (diff / np.where(total == 0, 1, total)) ** 2)
    return out


def _alpha_from_idx(idx: np.ndarray, domain: np.ndarray, level: str) -> tuple[float, int, int]:
    o = _coincidences(idx, len(domain))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    n_units = int(((idx >= 0).sum(axis=0) >= 2).sum())
    if n < 2:
        return float("nan"), n_units, int(n)
    d2 = _delta2(domain, n_c, level)
    observed = (o * d2).sum()
    expected = (np.outer(n_c, n_c) * d2).sum()
    if expected == 0:
        # Every pairable value is the same: no variation, alpha is undefined.
        return float("nan"), n_units, int(round(n))
    return float(1.0 - (n - 1) * observed / expected), n_units, int(round(n))


def krippendorff_alpha(data, level: str = "nominal", *, values: Sequence | None = None,
                       n_boot: int = 0, ci: float = 0.95, random_state: int | None = 0,
                       coder: str = "coder", unit: str = "unit_id",
                       code: str = "code") -> AlphaResult:
    """Krippendorff's alpha for a coders-by-units table (NaN = missing) or a long table.

    ``level`` is ``nominal``, ``ordinal``, ``interval`` or ``ratio``.
    ``values`` lists the possible codes, lowest first: at the ordinal level it
    is the order used (else an ordered Categorical's order, else numeric
    order; labels without an order are an error, never sorted alphabetically);
    at every level a code in the data but not in ``values`` is an error. With
    ``n_boot > 0`` a percentile bootstrap interval over units (resampled with
    replacement, seeded by ``random_state``) is added.

    >>> import numpy as np
    >>> data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    >>> round(krippendorff_alpha(data).alpha, 3)
    0.095
    """
    matrix = reliability_matrix(data, coder=coder, unit=unit, code=code)
    if matrix.shape[0] < 2:
        raise ReliabilityError(f"agreement needs at least two coders; got {matrix.shape[0]}")
    idx, domain = _encode(matrix, level, values)
    alpha, n_units, n_values = _alpha_from_idx(idx, domain, level)
    low = high = float("nan")
    if n_boot:
        low, high = _bootstrap(idx, domain, level, n_boot, ci, random_state)
    return AlphaResult(alpha=alpha, level=level, n_units=n_units, n_values=n_values,
                       n_coders=int(matrix.shape[0]), ci_low=low, ci_high=high, n_boot=n_boot)


def _bootstrap(idx, domain, level, n_boot, ci, random_state) -> tuple[float, float]:
    rng = np.random.default_rng(random_state)
    pairable = np.flatnonzero((idx >= 0).sum(axis=0) >= 2)
    if len(pairable) < 2:
        return float("nan"), float("nan")
    sub = idx[:, pairable]
    stats = np.empty(n_boot)
    for b in range(n_boot):
        pick = rng.integers(0, sub.shape[1], sub.shape[1])
        stats[b] = _alpha_from_idx(sub[:, pick], domain, level)[0]
    stats = stats[~np.isnan(stats)]
    if not len(stats):
        return float("nan"), float("nan")
    tail = (1 - ci) / 2
    return float(np.quantile(stats, tail)), float(np.quantile(stats, 1 - tail))


# --------------------------------------------------------------------------
# Companion coefficients


def percent_agreement(data, **cols) -> float:
    """Share of agreeing coder pairs per unit, averaged over units with >= 2 codes."""
    matrix = reliability_matrix(data, **cols)
    idx, _ = _encode(matrix, "nominal")
    shares = []
    for j in range(idx.shape[1]):
        col = idx[:, j]
        col = col[col >= 0]
        m = len(col)
        if m < 2:
            continue
        counts = np.bincount(col)
        shares.append((counts * (counts - 1)).sum() / (m * (m - 1)))
    return float(np.mean(shares)) if shares else float("nan")


def cohen_kappa(data, **cols) -> float:
    """Cohen's kappa for exactly two coders, over the units both coded."""
    matrix = reliability_matrix(data, **cols)
    if matrix.shape[0] != 2:
        raise ReliabilityError(f"Cohen's kappa needs exactly two coders; got {matrix.shape[0]} "
                               "(use fleiss_kappa or krippendorff_alpha)")
    idx, domain = _encode(matrix, "nominal")
    both = (idx >= 0).all(axis=0)
    a, b = idx[0, both], idx[1, both]
    if not len(a):
        return float("nan")
    k = len(domain)
    table = np.zeros((k, k))
    np.add.at(table, (a, b), 1)
    n = table.sum()
    p_o = np.trace(table) / n
    p_e = (table.sum(axis=0) @ table.sum(axis=1)) / n**2
    if p_e == 1:
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def fleiss_kappa(data, **cols) -> float:
    """Fleiss' kappa; units with fewer than two codes are left out, and units with
    different numbers of codes are weighted as in the usual generalisation."""
    matrix = reliability_matrix(data, **cols)
    idx, domain = _encode(matrix, "nominal")
    rows = []
    for j in range(idx.shape[1]):
        col = idx[:, j]
        col = col[col >= 0]
        if len(col) >= 2:
            rows.append(np.bincount(col, minlength=len(domain)))
    if not rows:
        return float("nan")
    counts = np.array(rows, dtype=float)
    m = counts.sum(axis=1)
    p_i = ((counts * (counts - 1)).sum(axis=1)) / (m * (m - 1))
    p_j = counts.sum(axis=0) / m.sum()
    p_bar, p_e = p_i.mean(), (p_j**2).sum()
    if p_e == 1:
        return float("nan")
    return float((p_bar - p_e) / (1 - p_e))


# --------------------------------------------------------------------------
# Report


def reliability_report(data, level: str = "nominal", *, coder: str = "coder",
                       unit: str = "unit_id", category: str = "category", code: str = "code",
                       values: Sequence | None = None, n_boot: int = 1000,
                       random_state: int | None = 0) -> pd.DataFrame:
    """One row per category and an ``(overall)`` row: alpha with its bootstrap CI,
    percent agreement, Cohen's kappa (two coders) and Fleiss' kappa.

    ``data`` is a long table (``coder``, ``unit_id``, ``category``, ``code``),
    as :func:`analysis.read_coding_sheets` returns, or a coders-by-units table
    for a single variable. The overall row pools every (unit, category) pair
    as one reliability unit. ``values`` is as for :func:`krippendorff_alpha`;
    without it the order of an ordered Categorical ``code`` column is used.
    """
    if values is None and isinstance(data, pd.DataFrame):
        # Taken here, before regrouping can drop the dtype that carries the order.
        values = declared_order([data[code]] if code in data.columns else
                                (data[c] for c in data.columns))
    if isinstance(data, pd.DataFrame) and {coder, unit, category, code} <= set(data.columns):
        long = data[[coder, unit, category, code]]
    elif isinstance(data, pd.DataFrame) and {coder, unit, code} <= set(data.columns):
        long = data[[coder, unit, code]].assign(**{category: "(all)"})
    else:
        matrix = reliability_matrix(data)
        long = (matrix.rename_axis(index=coder).reset_index()
                .melt(id_vars=coder, var_name=unit, value_name=code).dropna(subset=[code]))
        long[category] = "(all)"
    if long.empty:
        raise ReliabilityError("no codes to compare")
    rows = []
    groups = list(long.groupby(category, sort=False))
    for name, group in groups:
        rows.append(_report_row(str(name), group, level, values, coder, unit, code, n_boot,
                                random_state))
    if len(groups) > 1:
        pooled = long.assign(**{unit: long[unit].astype(str) + "\x1f" + long[category].astype(str)})
        rows.append(_report_row("(overall)", pooled, level, values, coder, unit, code, n_boot,
                                random_state))
    return pd.DataFrame(rows)


def _report_row(name, group, level, values, coder, unit, code, n_boot, random_state) -> dict:
    cols = {"coder": coder, "unit": unit, "code": code}
    matrix = reliability_matrix(group, **cols)
    n_coders = matrix.shape[0]
    if n_coders < 2:  # a category only one coder coded: no agreement to measure
        nan = float("nan")
        return {"category": name, "level": level, "alpha": nan, "alpha_low": nan,
                "alpha_high": nan, "percent_agreement": nan, "cohen_kappa": nan,
                "fleiss_kappa": nan, "n_coders": n_coders, "n_units": 0, "n_values": 0}
    res = krippendorff_alpha(matrix, level=level, values=values, n_boot=n_boot,
                             random_state=random_state)
    return {
        "category": name,
        "level": level,
        "alpha": res.alpha,
        "alpha_low": res.ci_low,
        "alpha_high": res.ci_high,
        "percent_agreement": percent_agreement(matrix),
        "cohen_kappa": cohen_kappa(matrix) if n_coders == 2 else float("nan"),
        "fleiss_kappa": fleiss_kappa(matrix),
        "n_coders": n_coders,
        "n_units": res.n_units,
        "n_values": res.n_values,
    }
