"""Bootstrap intervals for macro-F1, so a methods section can say how sure it is.

Resampling coded units with replacement, as the percentile bootstrap does,
only changes how many units fall in each cell of the confusion table. For a
single-label evaluation the replicates are therefore drawn directly as
multinomial counts over the cells (exact and fast at any corpus size); for
multi-label codes, units are reweighted (multinomial weights per unit), in
chunks to bound memory.
"""

from __future__ import annotations

import numpy as np

__all__ = ["macro_f1_interval"]


def _f1_from_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """Macro-F1 per replicate row; a class with no gold and no prediction scores 0 (as sklearn's)."""
    denom = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp, dtype=float), where=denom > 0)
    return f1.mean(axis=1)


def macro_f1_interval(y_true, y_pred, *, classes=None, multilabel: bool = False, level: float = 0.95,
                      n_boot: int = 2000, seed: int = 0, chunk: int = 200) -> tuple[float, float]:
    """Percentile bootstrap interval of macro-F1 over units (``classes``: the
    categories averaged over, as in the report's table).

    >>> macro_f1_interval(["a", "a", "b", "b"] * 25, ["a", "b", "b", "b"] * 25, n_boot=500)[0] > 0.5
    True
    """
    rng = np.random.default_rng(seed)
    lo_q, hi_q = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    if not multilabel:
        t = np.array([str(v) for v in y_true], dtype=object)
        p = np.array([str(v) for v in y_pred], dtype=object)
        labels = [str(c) for c in classes] if classes is not None else sorted(set(t) | set(p))
        k = len(labels)
        if len(t) == 0 or k == 0:
            return float("nan"), float("nan")
        index = {c: i for i, c in enumerate(labels)}
        keep = np.array([a in index and b in index for a, b in zip(t, p, strict=True)])
        ti = np.array([index[a] for a in t[keep]], dtype=int)
        pi = np.array([index[b] for b in p[keep]], dtype=int)
        cells = np.bincount(ti * k + pi, minlength=k * k).astype(float)
        n = int(len(t))
        # Units outside the labels still count towards n (their cell is "elsewhere").
        probs = np.append(cells, n - cells.sum()) / n
        draws = rng.multinomial(n, probs, size=n_boot)[:, :-1].reshape(n_boot, k, k).astype(float)
        tp = np.einsum("bii->bi", draws)
        fp = draws.sum(axis=1) - tp
        fn = draws.sum(axis=2) - tp
        scores = _f1_from_counts(tp, fp, fn)
    else:
        yt, yp = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
        n = yt.shape[0]
        if n == 0:
            return float("nan"), float("nan")
        tp_u, fp_u, fn_u = (yt & yp).astype(float), ((1 - yt) & yp).astype(float), (yt & (1 - yp)).astype(float)
        parts = []
        chunk = max(1, min(chunk, 2_000_000 // n))  # at most ~16 MB of weights at once
        for start in range(0, n_boot, chunk):
            w = rng.multinomial(n, np.full(n, 1.0 / n), size=min(chunk, n_boot - start)).astype(float)
            parts.append(_f1_from_counts(w @ tp_u, w @ fp_u, w @ fn_u))
        scores = np.concatenate(parts)
    lo, hi = np.percentile(scores, [lo_q, hi_q])
    return float(lo), float(hi)
