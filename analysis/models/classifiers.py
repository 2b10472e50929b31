"""Supervised frame and whataboutism classifiers (scikit-learn estimators).

Features, all sparse and linear so the model stays small and inspectable:

* word n-gram TF-IDF and character n-gram TF-IDF (within word boundaries);
* the codebook's cue features (``analysis.tag`` scores per category);
* for whataboutism, the rule layer's features;
* for comments, features of the unit they answer (the parent unit's words and
  cues when a units table with ``parent_id`` is given, or a context column
  such as a video title).

A linear SVM or logistic regression with ``class_weight="balanced"`` is wrapped
in ``CalibratedClassifierCV`` (sigmoid, one model on all data, calibration from
internal cross-validation) so ``predict_proba`` gives calibrated probabilities.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from threads.errors import ThreadframeError

TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"
# Masked before n-grams are counted, so no URL, address, handle or long number
# (phone, account, id) of a training text can end up in a saved vocabulary.
_MASKS = (
    (re.compile(r"(?i)\b(?:https?://|www\.)\S+"), " URL "),
    (re.compile(r"(?i)\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), " EMAIL "),
    (re.compile(r"(?<!\w)@\w+"), " @USER "),
    (re.compile(r"\d[\d\s().-]{4,}\d"), " NUMBER "),
)


def anonymize(text: str) -> str:
    """Mask URLs, e-mail addresses, @handles and long digit runs."""
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


class ModelError(ThreadframeError):
    """A model cannot be trained or applied to the data given (and why)."""


# --------------------------------------------------------------------------
# Input normalisation


def as_units(X, text_column: str = "text", context_column: str | None = None,
             strict: bool = True) -> pd.DataFrame:
    """A units-like table (``unit_id``, ``doc_id``, ``role``, ``text``,
    ``context``) from raw texts or a units table; the input is not modified.

    A missing ``context_column`` is an error when ``strict`` (training) and
    empty context otherwise (applying a model to a table without it)."""
    if hasattr(X, "units") and isinstance(X.units, pd.DataFrame):
        import threads

        X = X.units[X.units["role"].isin(threads.CONTENT_ROLES)]
    if isinstance(X, pd.DataFrame):
        if text_column not in X.columns:
            raise ModelError(f"the table has no text column {text_column!r}; "
                             f"columns are {', '.join(map(str, X.columns))}")
        out = pd.DataFrame({"text": X[text_column].astype("str").fillna("").to_numpy()})
        n = len(X)
        out["unit_id"] = (X["unit_id"].astype("str").to_numpy() if "unit_id" in X.columns
                          else [f"u{i}" for i in range(n)])
        out["doc_id"] = (X["doc_id"].astype("str").to_numpy() if "doc_id" in X.columns
                         else out["unit_id"].to_numpy())
        out["role"] = X["role"].astype("str").to_numpy() if "role" in X.columns else "comment"
        context = pd.Series([""] * n, dtype="str")
        if "parent_id" in X.columns and "unit_id" in X.columns:
            # The parent's text, where the parent is in the same table.
            texts = pd.Series(out["text"].to_numpy(), index=out["unit_id"].to_numpy())
            texts = texts[~texts.index.duplicated()]
            parent = X["parent_id"].astype("str").map(texts)
            context = parent.fillna("").reset_index(drop=True).astype("str")
        if context_column is not None and (strict or context_column in X.columns):
            if context_column not in X.columns:
                raise ModelError(f"the table has no context column {context_column!r}")
            extra = X[context_column].astype("str").fillna("").reset_index(drop=True)
            context = (context + " " + extra).str.strip()
        out["context"] = context.to_numpy()
        return out
    if isinstance(X, str):
        raise ModelError("expected a list of texts or a units table, not a single string")
    texts = pd.Series(list(X), dtype="str").fillna("")
    return pd.DataFrame({"text": texts.to_numpy(), "unit_id": [f"u{i}" for i in range(len(texts))],
                         "doc_id": [f"u{i}" for i in range(len(texts))], "role": "comment",
                         "context": ""})


# --------------------------------------------------------------------------
# Cue and rule features (from the tagger; see docs/contracts.md)


def cue_matrix(texts: list[str], codebook, pattern_weight: float = 0.0):
    """log(1 + cue score) and cue presence per codebook category (codebook order)
    and, with ``pattern_weight``, log(1 + weight) per cue pattern times it.

    Returns ``(matrix, categories)``; rule categories (whataboutism) count as
    the tagger scores them.
    """
    from analysis.tagging.codebook import load_codebook
    from analysis.tagging.features import CueFeatures, cue_counts

    book = load_codebook(codebook)
    scores = cue_counts(texts, book, weighted=True).toarray()
    blocks = [np.log1p(np.clip(scores, 0, None)), (scores > 0).astype(float)]
    if pattern_weight:
        # One column per cue pattern: a wildcard such as econom* is one feature
        # however many word forms it matches (the n-grams see each form apart).
        per_cue = CueFeatures(book, granularity="cue", weighted=True, rules=False).fit(None)
        blocks.append(np.log1p(per_cue.transform(texts).toarray()) * pattern_weight)
    return np.hstack(blocks), list(book.categories)


def rule_matrix(texts: list[str], context: list[str]) -> tuple[np.ndarray, list[str]]:
    """The whataboutism rule layer's features (one column per rule, and its score)."""
    from analysis.tagging.whataboutism import rule_features

    frame = rule_features(texts, context=[c or None for c in context])
    return frame.to_numpy(dtype=float), [str(c) for c in frame.columns]


# --------------------------------------------------------------------------
# The estimators


class _TextClassifier(ClassifierMixin, BaseEstimator):
    """Shared machinery of FrameClassifier and WhataboutismClassifier."""

    _default_name = "model"

    @property
    def _use_rules(self) -> bool:
        return False

    def __init__(self, *, codebook=None, word_ngrams=(1, 2), char_ngrams=(1, 5),
                 min_df=2, max_word_features=20000, max_char_features=40000,
                 cue_weight=1.0, cue_pattern_weight=2.0, use_parent=True, context_weight=0.5,
                 context_column=None, text_column="text", estimator="svm", C=0.1,
                 class_weight="balanced", calibrate=True, calibration_cv=3,
                 threshold="balanced", anonymize=True, name=None, random_state=0):
        self.codebook = codebook
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.cue_weight = cue_weight
        self.cue_pattern_weight = cue_pattern_weight
        self.use_parent = use_parent
        self.context_weight = context_weight
        self.context_column = context_column
        self.text_column = text_column
        self.estimator = estimator
        self.C = C
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.calibration_cv = calibration_cv
        self.threshold = threshold
        self.anonymize = anonymize
        self.name = name
        self.random_state = random_state

    # ------------------------------------------------------------ features
    def _make_vectorizers(self):
        word = TfidfVectorizer(ngram_range=tuple(self.word_ngrams), sublinear_tf=True,
                               min_df=self.min_df, max_features=self.max_word_features,
                               token_pattern=TOKEN_PATTERN, lowercase=True, dtype=np.float32)
        if not self.char_ngrams:
            return word, None
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                               sublinear_tf=True, min_df=self.min_df,
                               max_features=self.max_char_features, lowercase=True,
                               dtype=np.float32)
        return word, char

    def _featurize(self, units: pd.DataFrame, fit: bool):
        blocks = []
        texts = units["text"].tolist()
        masked = [anonymize(t) for t in texts] if self.anonymize else texts
        if fit:
            self.word_vectorizer_, self.char_vectorizer_ = self._make_vectorizers()
            _fit_float32(self.word_vectorizer_, masked)
            blocks.append(self.word_vectorizer_.transform(masked))
            if self.char_vectorizer_ is not None:
                _fit_float32(self.char_vectorizer_, masked)
                blocks.append(self.char_vectorizer_.transform(masked))
            self.use_context_ = bool(self.use_parent) and bool((units["context"] != "").any())
        else:
            blocks.append(self.word_vectorizer_.transform(masked))
            if self.char_vectorizer_ is not None:
                blocks.append(self.char_vectorizer_.transform(masked))
        context = units["context"].tolist()
        if self.codebook is not None and self.cue_weight:
            cues, cats = cue_matrix(texts, self.codebook, self.cue_pattern_weight)
            if fit:
                self.cue_categories_ = cats
            elif cats != self.cue_categories_:
                raise ModelError(f"codebook {self.codebook!r} now has categories {cats}; the model "
                                 f"was trained with {self.cue_categories_}")
            blocks.append(sp.csr_matrix(cues * self.cue_weight))
        elif fit:
            self.cue_categories_ = []
        if self._use_rules:
            rules, names = rule_matrix(texts, context if self.use_parent else [""] * len(texts))
            if fit:
                self.rule_names_ = names
            blocks.append(sp.csr_matrix(rules * self.cue_weight))
        if self.use_context_:
            has = np.array([[1.0 if c else 0.0] for c in context])
            masked_context = [anonymize(c) for c in context] if self.anonymize else context
            blocks.append(self.word_vectorizer_.transform(masked_context) * self.context_weight)
            blocks.append(sp.csr_matrix(has))
            if self.codebook is not None and self.cue_weight:
                ctx_cues, _ = cue_matrix(context, self.codebook, self.cue_pattern_weight)
                blocks.append(sp.csr_matrix(ctx_cues * self.cue_weight * self.context_weight))
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    # ------------------------------------------------------------ labels
    def _encode_labels(self, y):
        if isinstance(y, pd.DataFrame):
            self.multilabel_ = True
            self.classes_ = np.array([str(c) for c in y.columns], dtype=object)
            return y.to_numpy().astype(int)
        if isinstance(y, np.ndarray) and y.ndim == 2:
            self.multilabel_ = True
            self.classes_ = np.arange(y.shape[1])
            return y.astype(int)
        items = list(y)
        if items and all(isinstance(v, list | tuple | set | frozenset) for v in items):
            self.multilabel_ = True
            mlb = MultiLabelBinarizer()
            Y = mlb.fit_transform(items)
            self.classes_ = mlb.classes_
            return Y
        self.multilabel_ = False
        labels = pd.Series(items)
        if labels.isna().any():
            raise ModelError("the labels have missing values; drop the uncoded units first")
        self.classes_ = np.unique(labels.to_numpy())
        return labels.to_numpy()

    def _choose_threshold(self, head, Z, target) -> float:
        """``threshold="auto"``: the probability cut that maximises F1 of the
        positive class on out-of-fold predictions (the folds calibration used);
        ``"balanced"``: the probability at the class-weighted decision boundary
        (predictions then follow the balanced classifier, probabilities stay calibrated)."""
        if self.threshold == "balanced":
            if hasattr(head, "calibrated_classifiers_"):
                return float(head.calibrated_classifiers_[0].calibrators[0].predict(np.zeros(1))[0])
            return 0.5
        if self.threshold != "auto":
            value = float(self.threshold)
            if not 0.0 < value < 1.0:
                raise ModelError(f"threshold must be 'auto' or between 0 and 1, not {self.threshold!r}")
            return value
        from sklearn.model_selection import cross_val_predict

        folds = int(min(self.calibration_cv, np.bincount(np.asarray(target, dtype=int)).min()))
        if folds < 2:
            return 0.5
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            oof = cross_val_predict(self._base_estimator(), Z, target, cv=folds,
                                    method="decision_function")
        if hasattr(head, "calibrated_classifiers_"):
            proba = head.calibrated_classifiers_[0].calibrators[0].predict(oof)
        else:
            proba = 1.0 / (1.0 + np.exp(-oof))
        positive = np.asarray(target) == head.classes_[1]
        best, best_f1 = 0.5, -1.0
        for cut in np.unique(np.round(proba, 4)):
            pred = proba >= cut
            tp = (pred & positive).sum()
            f1 = 2 * tp / (pred.sum() + positive.sum()) if tp else 0.0
            if f1 > best_f1:
                best, best_f1 = float(cut), f1
        # Midway to the next lower probability, so the cut is not on a training point.
        below = proba[proba < best]
        return float((best + below.max()) / 2) if len(below) else best

    def _base_estimator(self):
        if self.estimator == "svm":
            return LinearSVC(C=self.C, class_weight=self.class_weight,
                             random_state=self.random_state)
        if self.estimator == "logreg":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000,
                                      random_state=self.random_state)
        raise ModelError(f"estimator must be 'svm' or 'logreg', not {self.estimator!r}")

    def _fit_head(self, Z, target):
        classes, counts = np.unique(target, return_counts=True)
        if len(classes) < 2:
            raise ModelError(f"only one class ({classes[0]!r}) in the training labels")
        base = self._base_estimator()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if not self.calibrate:
                return _round_float32(base.fit(Z, target))
            folds = int(min(self.calibration_cv, counts.min()))
            if folds < 2:
                raise ModelError(
                    f"class {classes[counts.argmin()]!r} has a single example: calibration "
                    "needs at least two per class (code more units, or calibrate=False)")
            head = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
            head.fit(Z, target)
            _round_float32(head.calibrated_classifiers_[0].estimator)
            return head

    # ------------------------------------------------------------ API
    def fit(self, X, y):
        """Fit on raw texts (or a units table / Corpus) and their labels.

        ``y``: one label per unit (single-label), or for multi-label frames a
        list of label sets per unit, a 0/1 indicator array, or a DataFrame with
        one 0/1 column per category.
        """
        units = as_units(X, self.text_column, self.context_column)
        if len(units) != len(y):
            raise ModelError(f"{len(units)} texts but {len(y)} labels")
        Y = self._encode_labels(y)
        Z = self._featurize(units, fit=True)
        targets = [Y[:, j] for j in range(Y.shape[1])] if self.multilabel_ else [Y]
        self.heads_ = [self._fit_head(Z, t) for t in targets]
        binary = [len(np.unique(t)) == 2 for t in targets]
        self.thresholds_ = np.array([
            self._choose_threshold(h, Z, t) if b else 0.5
            for h, t, b in zip(self.heads_, targets, binary, strict=True)])
        self.n_features_in_ = 1  # texts are one feature (a column of strings)
        self.n_train_ = len(units)
        return self

    def _proba_matrix(self, X) -> np.ndarray:
        check_is_fitted(self, "heads_")
        units = as_units(X, self.text_column, self.context_column, strict=False)
        Z = self._featurize(units, fit=False)
        if self.multilabel_:
            return np.column_stack([_positive_proba(h, Z) for h in self.heads_])
        head = self.heads_[0]
        if hasattr(head, "predict_proba"):
            return head.predict_proba(Z)
        return _softmax(np.atleast_2d(head.decision_function(Z)).reshape(len(units), -1))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, one column per class (``classes_`` order)."""
        return self._proba_matrix(X)

    def predict(self, X):
        proba = self._proba_matrix(X)
        if self.multilabel_:
            return (proba >= self.thresholds_[None, :]).astype(int)
        return self.classes_[proba.argmax(axis=1)]

    def decision_scores(self, X) -> pd.DataFrame:
        """Probabilities as a DataFrame with one column per class."""
        return pd.DataFrame(self.predict_proba(X), columns=[str(c) for c in self.classes_])

    @property
    def model_name(self) -> str:
        return self.name or self._default_name

    def tag(self, units) -> pd.DataFrame:
        """The contract's ``tags`` table (one row per unit and category) with
        ``source = "model:<name>"``; ``score`` is the calibrated probability."""
        table = as_units(units, self.text_column, self.context_column, strict=False)
        proba = self._proba_matrix(units)
        cats = [str(c) for c in self._tag_categories()]
        if not self.multilabel_ and len(self.classes_) == 2 and len(cats) == 1:
            proba, present = proba[:, [1]], proba[:, [1]] >= self.thresholds_[0]
        elif self.multilabel_:
            present = proba >= self.thresholds_[None, :]
        else:
            present = np.zeros(proba.shape, dtype=bool)
            present[np.arange(len(proba)), proba.argmax(axis=1)] = True
        n = len(table)
        out = pd.DataFrame({
            "unit_id": np.repeat(table["unit_id"].to_numpy(), len(cats)),
            "doc_id": np.repeat(table["doc_id"].to_numpy(), len(cats)),
            "category": np.tile(cats, n),
            "score": proba.reshape(-1).astype(float),
            "present": present.reshape(-1).astype(bool),
            "n_cues": self._cue_evidence(table, cats).reshape(-1),
            "source": f"model:{self.model_name}",
        })
        for col in ("unit_id", "doc_id", "category", "source"):
            out[col] = out[col].astype("str")
        out["n_cues"] = out["n_cues"].astype("int64")
        return out

    def _tag_categories(self):
        return self.classes_

    def _cue_evidence(self, table: pd.DataFrame, cats: list[str]) -> np.ndarray:
        """``n_cues`` of the tags table: rule hits (whataboutism) or the codebook's
        cue matches for categories the codebook shares with the model (else 0)."""
        out = np.zeros((len(table), len(cats)), dtype=np.int64)
        texts = table["text"].tolist()
        if self._use_rules:
            context = table["context"].tolist() if self.use_parent else [""] * len(texts)
            rules, _ = rule_matrix(texts, context)
            out[:, 0] = rules[:, :-1].sum(axis=1).astype(np.int64)  # last column is the score
        elif self.codebook is not None and set(cats) & set(self.cue_categories_):
            from analysis.tagging.features import cue_counts

            counts = cue_counts(texts, self.codebook).toarray()
            for j, c in enumerate(cats):
                if c in self.cue_categories_:
                    out[:, j] = counts[:, self.cue_categories_.index(c)].astype(np.int64)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _fit_float32(vectorizer, texts) -> None:
    """Fit, then keep IDF weights at float32 precision: a saved model (float32
    arrays) then predicts exactly as the fitted one."""
    try:
        vectorizer.fit(texts)
    except ValueError as exc:  # empty vocabulary: too few texts for min_df
        raise ModelError(f"no n-grams left to learn from ({exc}); lower min_df or add texts") from None
    vectorizer.idf_ = vectorizer.idf_.astype(np.float32).astype(np.float64)


def _round_float32(estimator):
    estimator.coef_ = estimator.coef_.astype(np.float32).astype(np.float64)
    return estimator


def _positive_proba(head, Z) -> np.ndarray:
    if hasattr(head, "predict_proba"):
        return head.predict_proba(Z)[:, 1]
    return 1.0 / (1.0 + np.exp(-head.decision_function(Z)))


def _softmax(scores: np.ndarray) -> np.ndarray:
    if scores.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1 - p, p])
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class FrameClassifier(_TextClassifier):
    """Frames from text: single-label (one frame per unit) or multi-label.

    >>> clf = FrameClassifier(min_df=1, calibrate=False)
    >>> clf = clf.fit(["taxes and jobs", "the budget deficit", "police arrest",
    ...                "court ruling on crime"], ["economy", "economy", "crime", "crime"])
    >>> clf.predict(["jobs and the deficit"])[0]
    'economy'
    """

    _default_name = "frames"


class WhataboutismClassifier(_TextClassifier):
    """Whataboutism (binary) from a reply's text, the rule layer's features and
    the context it answers (parent unit or ``context_column``).

    Labels are 0/1 (or booleans); ``tag()`` reports the category ``whataboutism``.
    """

    _default_name = "whataboutism"

    def __init__(self, *, codebook=None, word_ngrams=(1, 2), char_ngrams=(1, 5),
                 min_df=2, max_word_features=20000, max_char_features=40000,
                 cue_weight=1.0, cue_pattern_weight=2.0, use_parent=True, context_weight=0.5,
                 context_column=None, text_column="text", estimator="svm", C=0.1,
                 class_weight="balanced", calibrate=True, calibration_cv=3,
                 threshold="balanced", anonymize=True, name=None, random_state=0,
                 use_rules=True):
        super().__init__(codebook=codebook, word_ngrams=word_ngrams, char_ngrams=char_ngrams,
                         min_df=min_df, max_word_features=max_word_features,
                         max_char_features=max_char_features, cue_weight=cue_weight,
                         cue_pattern_weight=cue_pattern_weight,
                         use_parent=use_parent, context_weight=context_weight,
                         context_column=context_column, text_column=text_column,
                         estimator=estimator, C=C, class_weight=class_weight,
                         calibrate=calibrate, calibration_cv=calibration_cv,
                         threshold=threshold, anonymize=anonymize, name=name,
                         random_state=random_state)
        self.use_rules = use_rules

    @property
    def _use_rules(self) -> bool:
        return bool(self.use_rules)

    def _encode_labels(self, y):
        labels = pd.Series(list(y))
        if labels.isna().any():
            raise ModelError("the labels have missing values; drop the uncoded units first")
        values = labels.map(lambda v: int(v) if isinstance(v, bool | np.bool_) else v)
        bad = sorted({str(v) for v in values if v not in (0, 1)})
        if bad:
            raise ModelError(f"whataboutism labels must be 0/1 (or booleans); found {', '.join(bad)}")
        self.multilabel_ = False
        self.classes_ = np.array([0, 1])
        return values.astype(int).to_numpy()

    def predict(self, X):
        proba = self._proba_matrix(X)
        return (proba[:, 1] >= self.thresholds_[0]).astype(int)

    def _tag_categories(self):
        return ["whataboutism"]
