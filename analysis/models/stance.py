"""Target stance: does a text favour, oppose or not address a target?

:class:`StanceClassifier` is a scikit-learn estimator. Each text comes with
the target it is about (a short text such as the codebook's "state
surveillance technology and its export", or a question), and it predicts
``FAVOR`` / ``AGAINST`` / ``NONE`` (the codebook's supportive / critical /
neutral; :func:`stance_words` translates) with calibrated probabilities.

Input, one design: ``X`` is a DataFrame with a ``text`` column and either a
``target`` column (one target per row) or none, in which case the
estimator's ``target`` parameter is every row's target. A units table
(``unit_id``, ``parent_id``, ``text``) works the same way; a comment's parent
text, where the parent is in the table, is a feature (``context``).

See docs/stance.md for the features, the x-stance evaluation and speed.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from analysis.models._stance_features import (
    CueCounts,
    PairHasher,
    TargetOverlap,
    TextTfidf,
)
from threads.errors import ThreadframeError

LABELS = ("FAVOR", "AGAINST", "NONE")
WORDS = {"FAVOR": "supportive", "AGAINST": "critical", "NONE": "neutral"}


class StanceError(ThreadframeError):
    """Stance input the model cannot use (no target, unknown labels, ...)."""


def stance_words(labels) -> np.ndarray:
    """FAVOR/AGAINST/NONE as the codebook's supportive/critical/neutral."""
    return np.array([WORDS[str(v)] for v in labels], dtype=object)


def stance_frame(X, target: str | None = None, text_column: str = "text",
                 target_column: str = "target") -> pd.DataFrame:
    """The model's input: a frame of ``text``, ``target`` and ``context`` (the
    parent's text for comments whose ``parent_id`` is in the table; else "")."""
    if hasattr(X, "units") and isinstance(X.units, pd.DataFrame):
        import threads

        X = X.units[X.units["role"].isin(threads.CONTENT_ROLES)]
    if not isinstance(X, pd.DataFrame):
        raise StanceError(f"StanceClassifier: expected a DataFrame with {text_column!r} and "
                          f"{target_column!r} columns (or a units table and target=...), "
                          f"got {type(X).__name__}")
    if text_column not in X.columns:
        raise StanceError(f"StanceClassifier: the table has no {text_column!r} column; columns "
                          f"are {', '.join(map(str, X.columns))}")
    text = pd.Series(X[text_column].to_numpy(dtype=object), dtype="str").fillna("")
    if target_column in X.columns:
        tgt = pd.Series(X[target_column].to_numpy(dtype=object), dtype="str")
        if tgt.isna().any() or (tgt.str.strip() == "").any():
            row = int(np.flatnonzero((tgt.isna() | (tgt.fillna("").str.strip() == "")).to_numpy())[0])
            raise StanceError(f"StanceClassifier: row {row} has no target (the {target_column!r} "
                              "column must name what each text takes a stance on)")
    elif target is not None and str(target).strip():
        tgt = pd.Series([str(target)] * len(X), dtype="str")
    else:
        raise StanceError(f"StanceClassifier: no target: give the table a {target_column!r} "
                          "column, or the estimator a target (StanceClassifier(target='...'))")
    context = pd.Series([""] * len(X), dtype="str")
    if "parent_id" in X.columns and "unit_id" in X.columns:
        by_id = pd.Series(text.to_numpy(), index=X["unit_id"].astype("str").to_numpy())
        by_id = by_id[~by_id.index.duplicated()]
        context = (X["parent_id"].astype("str").map(by_id).fillna("")
                   .reset_index(drop=True).astype("str"))
    return pd.DataFrame({"text": text, "target": tgt, "context": context})


def stance_labels(y) -> np.ndarray:
    """Labels as a numpy object array, checked against FAVOR/AGAINST/NONE.

    Whole-number codes (0, 1, 2) pass as they are: scikit-learn's
    ``cross_val_predict(..., method="predict_proba")`` encodes labels so, in
    sorted label order, and reads the probability columns in that order.
    """
    values = pd.Series(np.asarray(list(y), dtype=object))
    if values.isna().any():
        raise StanceError("StanceClassifier: the labels have missing values; drop uncoded rows")
    if len(values) and all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
                           for v in values):
        return values.to_numpy(dtype=np.int64)
    out = values.astype(str).to_numpy(dtype=object)
    bad = sorted(set(out) - set(LABELS))
    if bad:
        raise StanceError(f"StanceClassifier: labels must be FAVOR, AGAINST or NONE; found "
                          f"{', '.join(map(repr, bad))} (map supportive/critical/neutral first)")
    return out


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Stance of a text towards its target: FAVOR / AGAINST / NONE.

    Parameters
    ----------
    target : the target of every row when ``X`` has no ``target`` column.
    text_column, target_column : column names in ``X``.
    codebook : codebook whose stance cues are features (``None``: none).
    word_ngrams, prefix_ngrams, char_ngrams : n-gram ranges of the text's
        TF-IDF over words, over words cut to 6 letters (a stemmer for German
        and French compounds and endings) and over characters (off by
        default: as accurate as prefixes on x-stance, four times slower);
        ``None`` drops a block.
    pair_weight, overlap_weight, cue_weight, target_weight, context_weight :
        scale of each feature block (0 drops it).
    per_target : fit one extra head per target with at least ``min_per_target``
        examples of each of two classes; its probabilities are averaged with
        the shared model's for texts on that target.
    C, calibrate, calibration_cv : the logistic head and its sigmoid calibration.
    """

    def __init__(self, target=None, *, text_column="text", target_column="target",
                 codebook="surveillance", word_ngrams=(1, 2), prefix_ngrams=(1, 2),
                 char_ngrams=None, min_df=2,
                 pair_weight=0.0, overlap_weight=0.0, cue_weight=0.3, target_weight=1.0,
                 context_weight=0.5, per_target=False, min_per_target=10, C=1.0,
                 calibrate=True, calibration_cv=3, random_state=0):
        self.target = target
        self.text_column = text_column
        self.target_column = target_column
        self.codebook = codebook
        self.word_ngrams = word_ngrams
        self.prefix_ngrams = prefix_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.pair_weight = pair_weight
        self.overlap_weight = overlap_weight
        self.cue_weight = cue_weight
        self.target_weight = target_weight
        self.context_weight = context_weight
        self.per_target = per_target
        self.min_per_target = min_per_target
        self.C = C
        self.calibrate = calibrate
        self.calibration_cv = calibration_cv
        self.random_state = random_state

    # ------------------------------------------------------------ pieces
    def _features(self, has_context: bool) -> FeatureUnion:
        parts = [("word", TextTfidf("text", "word", self.word_ngrams, self.min_df))]
        if self.prefix_ngrams:
            parts.append(("prefix", TextTfidf("text", "prefix", self.prefix_ngrams, self.min_df)))
        if self.char_ngrams:
            parts.append(("char", TextTfidf("text", "char_wb", self.char_ngrams, self.min_df)))
        if self.target_weight:
            parts.append(("target", TextTfidf("target", "word", (1, 1), 1,
                                              weight=self.target_weight)))
        if has_context and self.context_weight:
            parts.append(("context", TextTfidf("context", "word", (1, 1), self.min_df,
                                               weight=self.context_weight)))
        if self.overlap_weight:
            parts.append(("overlap", TargetOverlap(weight=self.overlap_weight)))
        if self.pair_weight:
            parts.append(("pairs", PairHasher(weight=self.pair_weight)))
        if self.cue_weight:
            parts.append(("cues", CueCounts(self.codebook, weight=self.cue_weight)))
        return FeatureUnion(parts, n_jobs=1)

    def _head(self, Z, y):
        base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000,
                                  random_state=self.random_state)
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise StanceError(f"StanceClassifier: only one class ({classes[0]!r}) in the labels")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            folds = int(min(self.calibration_cv, counts.min()))
            if not self.calibrate or folds < 2:
                return base.fit(Z, y)
            return CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(Z, y)

    # ------------------------------------------------------------ API
    def fit(self, X, y):
        """Fit on a frame of ``text`` (+ ``target`` column or the ``target``
        parameter) and FAVOR/AGAINST/NONE labels."""
        frame = stance_frame(X, self.target, self.text_column, self.target_column)
        labels = stance_labels(y)
        if len(labels) != len(frame):
            raise StanceError(f"StanceClassifier: {len(frame)} texts but {len(labels)} labels")
        self.features_ = self._features(bool((frame["context"] != "").any()))
        Z = self.features_.fit_transform(frame).tocsr()
        self.head_ = self._head(Z, labels)
        self.classes_ = np.asarray(self.head_.classes_, dtype=object)
        self.target_heads_: dict[str, Any] = {}
        if self.per_target:
            targets = frame["target"].to_numpy(dtype=object)
            for t in pd.unique(targets):
                rows = np.flatnonzero(targets == t)
                _, counts = np.unique(labels[rows], return_counts=True)
                if len(counts) >= 2 and np.sort(counts)[-2] >= self.min_per_target:
                    self.target_heads_[str(t)] = self._head(Z[rows], labels[rows])
        self.n_features_in_ = 2
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, one column per class (``classes_`` order)."""
        check_is_fitted(self, "head_")
        frame = stance_frame(X, self.target, self.text_column, self.target_column)
        Z = self.features_.transform(frame).tocsr()
        proba = self.head_.predict_proba(Z)
        if self.target_heads_:
            targets = frame["target"].to_numpy(dtype=object)
            for t, head in self.target_heads_.items():
                rows = np.flatnonzero(targets == t)
                if len(rows):
                    cols = [list(self.classes_).index(c) for c in head.classes_]
                    local = np.zeros((len(rows), len(self.classes_)))
                    local[:, cols] = head.predict_proba(Z[rows])
                    proba[rows] = (proba[rows] + local) / 2
        return proba

    def predict(self, X) -> np.ndarray:
        """FAVOR / AGAINST / NONE per row (numpy object array)."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def predict_words(self, X) -> np.ndarray:
        """The codebook's words: supportive / critical / neutral."""
        return stance_words(self.predict(X))

    def tag(self, units) -> pd.DataFrame:
        """One row per unit and class (``unit_id, category, present, score``), as
        the frame models give: what the validation tools read from a coder."""
        proba = self.predict_proba(units)
        table = units
        if hasattr(units, "units") and isinstance(units.units, pd.DataFrame):  # a Corpus: its content units
            import threads

            table = units.units[units.units["role"].isin(threads.CONTENT_ROLES)]
        n, k = proba.shape
        ids = (table["unit_id"].astype("str").to_numpy(dtype=object)
               if isinstance(table, pd.DataFrame) and "unit_id" in table.columns and len(table) == n
               else np.arange(n).astype(str).astype(object))
        best = proba.argmax(axis=1)
        return pd.DataFrame({"unit_id": np.repeat(ids, k), "category": np.tile(self.classes_, n),
                             "present": (best[:, None] == np.arange(k)[None, :]).ravel(),
                             "score": proba.ravel()})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
