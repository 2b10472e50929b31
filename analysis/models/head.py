"""The linear head of a classifier pipeline, with calibrated probabilities.

A linear SVM or logistic regression (``class_weight="balanced"`` by default)
wrapped in ``CalibratedClassifierCV`` (sigmoid, one model on all data, the
calibration map learned from internal cross-validation: ``ensemble=False``),
so ``predict_proba`` gives calibrated probabilities and the saved model is one
coefficient matrix plus two numbers per class.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from analysis.models.features import ModelError


class LinearHead(ClassifierMixin, BaseEstimator):
    """Linear classifier with sigmoid-calibrated probabilities.

    ``estimator``: ``"svm"`` (LinearSVC) or ``"logreg"``; ``C``; ``class_weight``
    (``"balanced"`` or None); ``calibrate`` (False: no calibration, softmax of
    the decision function); ``calibration_cv`` (folds, fewer when a class is small).
    """

    def __init__(self, estimator="svm", C=0.1, class_weight="balanced", calibrate=True,
                 calibration_cv=3, random_state=0):
        self.estimator = estimator
        self.C = C
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.calibration_cv = calibration_cv
        self.random_state = random_state

    def base_estimator(self):
        if self.estimator == "svm":
            return LinearSVC(C=self.C, class_weight=self.class_weight,
                             random_state=self.random_state)
        if self.estimator == "logreg":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000,
                                      random_state=self.random_state)
        raise ModelError(f"estimator must be 'svm' or 'logreg', not {self.estimator!r}")

    def fit(self, Z, y):
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise ModelError(f"only one class ({classes[0]!r}) in the training labels")
        base = self.base_estimator()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if not self.calibrate:
                self.model_ = _round_float32(base.fit(Z, y))
            else:
                folds = int(min(self.calibration_cv, counts.min()))
                if folds < 2:
                    raise ModelError(
                        f"class {classes[counts.argmin()]!r} has a single example: calibration "
                        "needs at least two per class (code more units, or calibrate=False)")
                model = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
                model.fit(Z, y)
                _round_float32(model.calibrated_classifiers_[0].estimator)
                self.model_ = model
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, Z) -> np.ndarray:
        check_is_fitted(self, "model_")
        if hasattr(self.model_, "predict_proba"):
            return self.model_.predict_proba(Z)
        return _softmax(np.atleast_2d(self.model_.decision_function(Z)).reshape(Z.shape[0], -1))

    def predict(self, Z):
        return self.classes_[self.predict_proba(Z).argmax(axis=1)]

    def boundary_probability(self) -> float:
        """The positive-class probability at the decision boundary (binary heads):
        predictions cut there follow the (class-weighted) linear model."""
        check_is_fitted(self, "model_")
        cal = getattr(self.model_, "calibrated_classifiers_", None)
        if cal is None:
            return 0.5
        return float(cal[0].calibrators[0].predict(np.zeros(1))[0])

    def choose_threshold(self, Z, y) -> float:
        """The probability cut that maximises the positive class's F1 on
        out-of-fold predictions (stratified folds inside the training data)."""
        counts = np.bincount(np.asarray(y, dtype=int))
        folds = int(min(max(self.calibration_cv, 3), counts.min()))
        if folds < 2:
            return 0.5
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            proba = cross_val_predict(clone(self), Z, y, cv=cv, method="predict_proba")[:, 1]
        return best_f1_cut(proba, np.asarray(y) == self.classes_[1])


def best_f1_cut(proba: np.ndarray, positive: np.ndarray) -> float:
    """The cut on ``proba`` with the best F1 for ``positive``, midway to the
    next lower probability so it does not sit on a training point."""
    order = np.argsort(-proba)
    p, pos = proba[order], positive[order].astype(float)
    tp = np.cumsum(pos)
    f1 = 2 * tp / (np.arange(1, len(p) + 1) + pos.sum())
    # Only cut between distinct probabilities.
    last = np.r_[p[1:] != p[:-1], True]
    f1 = np.where(last, f1, -1.0)
    i = int(np.argmax(f1))
    if f1[i] <= 0:
        return 0.5
    return float((p[i] + p[i + 1]) / 2) if i + 1 < len(p) else float(p[i])


def _round_float32(estimator):
    estimator.coef_ = estimator.coef_.astype(np.float32).astype(np.float64)
    return estimator


def _softmax(scores: np.ndarray) -> np.ndarray:
    if scores.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1 - p, p])
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
