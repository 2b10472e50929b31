"""Out-of-fold calibration of a classifier: Brier score beside a constant
predictor and a reliability table (model cards, issue 13)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def oof_proba(model, X, y, folds: int = 5) -> np.ndarray:
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cross_val_predict(clone(model), X, y, cv=cv, method="predict_proba")


def report(y, proba: np.ndarray, classes, bins: int = 10) -> dict:
    """Brier score (mean over units of the summed squared error over classes)
    of the model and of the constant predictor that always says the training
    class shares; the reliability table bins the probability of the positive
    class (binary) or of the predicted class (multi-class) against how often
    it was right."""
    y = np.asarray(y)
    onehot = (y[:, None] == np.asarray(classes)[None, :]).astype(float)
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    prior = onehot.mean(axis=0)
    constant = float(((prior[None, :] - onehot) ** 2).sum(axis=1).mean())
    if len(classes) == 2:
        p, hit, what = proba[:, 1], onehot[:, 1], "P(whataboutism)"
    else:
        p, hit, what = proba.max(axis=1), onehot[np.arange(len(y)), proba.argmax(axis=1)], \
            "P(predicted frame)"
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= lo) & ((p < hi) | (hi == 1.0))
        if inside.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()),
                         "mean_probability": round(float(p[inside].mean()), 3),
                         "observed": round(float(hit[inside].mean()), 3)})
    return {"brier": round(brier, 4), "brier_constant": round(constant, 4), "what": what,
            "probability_range": [round(float(p.min()), 4), round(float(p.max()), 4)],
            "reliability": rows}


def markdown(rep: dict, how: str) -> str:
    lines = [f"Out-of-fold probabilities ({how}). Brier score {rep['brier']:.3f} against "
             f"{rep['brier_constant']:.3f} for a constant predictor that always gives the "
             f"training class shares (lower is better); {rep['what']} ranges from "
             f"{rep['probability_range'][0]:.3f} to {rep['probability_range'][1]:.3f}.", "",
             f"| {rep['what']} | units | mean probability | observed share |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {r['bin']} | {r['n']} | {r['mean_probability']:.3f} | {r['observed']:.3f} |"
              for r in rep["reliability"]]
    return "\n".join(lines)
