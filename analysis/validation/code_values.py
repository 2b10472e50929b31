"""The values coders used, in the order that counts for alpha.

Ordinal alpha depends on the order of the values, so that order must come from
the user: an explicit ``values=`` list (lowest first), the categories of an
ordered pandas Categorical, or the numbers themselves. Labels are never put in
alphabetical order behind the user's back ("high" < "low" < "mid").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from threads.errors import ThreadframeError

LEVELS = ("nominal", "ordinal", "interval", "ratio")


class ReliabilityError(ThreadframeError):
    """Agreement cannot be computed from the data given (and why)."""


def _show(labels: Iterable, limit: int = 6) -> str:
    items = list(labels)
    shown = ", ".join(repr(v) for v in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def declared_order(columns: Iterable[pd.Series]) -> list | None:
    """The categories of the ordered Categoricals among ``columns`` (None if there are none).

    Columns ordered in two different ways are an error: there is no one order to use.
    """
    orders: list[list] = []
    for col in columns:
        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
            cats = list(dtype.categories)
            if cats not in orders:
                orders.append(cats)
    if len(orders) > 1:
        raise ReliabilityError(
            f"the codes are ordered Categoricals with different orders ({_show(orders[0])} and "
            f"{_show(orders[1])}); give them one order or pass values=[...] lowest first")
    return orders[0] if orders else None


def _numeric(present: np.ndarray, level: str, why: str) -> np.ndarray:
    try:
        return present.astype(float)
    except (TypeError, ValueError):
        bad = []
        for v in pd.unique(present):
            try:
                float(v)
            except (TypeError, ValueError):
                bad.append(v)
        raise ReliabilityError(f"{level} alpha needs numeric codes; found {_show(bad)}. {why}") from None


def _check_values(values: Sequence, present: np.ndarray, level: str) -> list:
    order = list(values)
    if not order:
        raise ReliabilityError("values= is empty; list the codes, lowest first")
    if len(set(order)) != len(order):
        dup = [v for v in dict.fromkeys(order) if order.count(v) > 1]
        raise ReliabilityError(f"values= lists {_show(dup)} more than once")
    known = set(order)
    unknown = [v for v in pd.unique(present) if v not in known]
    if unknown:
        raise ReliabilityError(
            f"the data have codes that are not in values=: {_show(sorted(unknown, key=str))}; "
            "add them to values= in their place or correct the data")
    if level in ("interval", "ratio"):
        _numeric(np.array(order, dtype=object), level, "values= must be numbers at this level.")
    return order


def encode(matrix: pd.DataFrame, level: str, values: Sequence | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Codes as integer indices into the ordered domain of values (-1 = missing).

    ``values`` (lowest first) fixes the domain and its order; without it an
    ordered Categorical's categories do, and otherwise numbers in numeric order.
    Ordinal codes that are neither are an error.
    """
    if level not in LEVELS:
        raise ReliabilityError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    cells = matrix.to_numpy(dtype=object)
    missing = pd.isna(matrix).to_numpy()
    present = cells[~missing]
    categorical = declared_order(matrix[c] for c in matrix.columns)
    if values is not None:
        order = _check_values(values, present, level)
        if categorical is not None:
            _check_agrees(order, categorical)
    elif level == "ordinal" and categorical is not None:
        order = categorical
    else:
        order = None
    if order is not None:
        domain = np.array(order, dtype=object)
        if level in ("interval", "ratio"):
            domain = domain.astype(float)
    elif level == "nominal":
        try:
            domain = np.unique(present)
        except TypeError:  # mixed types: any fixed order will do for nominal codes
            domain = np.array(sorted(set(present.tolist()), key=str), dtype=object)
    else:
        hint = ("Pass values=[...] lowest first, or an ordered pandas Categorical, so the "
                "order of the codes is known (they are not sorted alphabetically)."
                if level == "ordinal" else "Use level='ordinal' with values=[...] for ordered labels.")
        present = _numeric(present, level, hint)
        domain = np.unique(present)
    lookup = {v: i for i, v in enumerate(domain.tolist())}
    idx = np.full(cells.shape, -1, dtype=np.int64)
    idx[~missing] = [lookup[v] for v in present.tolist()]
    return idx, domain


def _check_agrees(order: list, categorical: list) -> None:
    """values= and an ordered Categorical must not order the same labels differently."""
    in_values = set(order)
    in_cats = set(categorical)
    if [c for c in categorical if c in in_values] != [v for v in order if v in in_cats]:
        raise ReliabilityError(
            f"values= orders the codes {_show(order)} but the ordered Categorical orders them "
            f"{_show(categorical)}; make the two agree")
