"""Supervised frame and whataboutism classifiers (scikit-learn estimators).

Each classifier is a ``Pipeline`` of a ``FeatureUnion`` and a linear head
(parts in :mod:`analysis.models.features` and :mod:`analysis.models.head`):

* ``word``, ``char``: word n-gram and character n-gram TF-IDF of the text;
* ``cues``: the codebook's cue features (the tagger's ``CueFeatures``);
* ``rules`` (whataboutism): the rule layer's features;
* ``context_words``, ``context_cues``, ``has_context``: the unit it answers
  (the parent unit's text when a units table with ``parent_id`` is given, or a
  context column such as a video title);
* ``head``: a linear SVM or logistic regression, class-weighted, with
  sigmoid-calibrated probabilities.

The flat parameters (``C``, ``char_ngrams``, ...) build the default pipeline,
so ``FrameClassifier(C=1)`` works as before; ``get_params()`` also lists every
part's own parameters under ``pipeline__`` (``pipeline__features__char__ngram_range``,
``pipeline__head__C``) and ``set_params`` / grid search reach them: the first
nested setting turns the default into an explicit ``pipeline``, after which
the flat feature and head parameters no longer apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.validation import check_is_fitted

from analysis.models.features import (
    TOKEN_PATTERN,
    CueScores,
    HasContext,
    ModelError,
    RuleScores,
    TextTfidf,
    anonymize,
)
from analysis.models.head import LinearHead

__all__ = ["TOKEN_PATTERN", "FrameClassifier", "ModelError", "WhataboutismClassifier",
           "anonymize", "as_units"]

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
# The estimators

#: Parameters of the estimator itself: everything else builds the default pipeline.
_OWN = ("pipeline", "context_column", "text_column", "use_parent", "threshold", "name")


class _TextClassifier(ClassifierMixin, BaseEstimator):
    """Shared machinery of FrameClassifier and WhataboutismClassifier."""

    _default_name = "model"

    # Defaults (FrameClassifier's) chosen by cross-validation on FrAC, on folds
    # other than the reported ones: benchmarks/select_defaults.py, docs/validation.md.
    def __init__(self, *, pipeline=None, codebook="policy-frames", word_ngrams=(1, 2),
                 char_ngrams=(2, 4), min_df=1, max_word_features=20000, max_char_features=40000,
                 cue_weight=1.0, cue_pattern_weight=2.0, use_parent=True, context_weight=0.5,
                 context_column=None, text_column="text", estimator="svm", C=0.1,
                 class_weight="balanced", calibrate=True, calibration_cv=3,
                 threshold="balanced", anonymize=True, name=None, random_state=0):
        self.pipeline = pipeline
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

    # ------------------------------------------------------------ the pipeline
    def _use_rules(self) -> bool:
        return False

    def default_pipeline(self) -> Pipeline:
        """The (unfitted) pipeline the flat parameters describe."""
        parts: list[tuple[str, object]] = [
            ("word", TextTfidf("text", "word", self.word_ngrams, self.min_df,
                               self.max_word_features, anonymize=self.anonymize))]
        if self.char_ngrams:
            parts.append(("char", TextTfidf("text", "char_wb", self.char_ngrams, self.min_df,
                                            self.max_char_features, anonymize=self.anonymize)))
        weights = {}
        cues = self.codebook is not None and bool(self.cue_weight)
        if cues:
            parts.append(("cues", CueScores(self.codebook, "text", self.cue_pattern_weight)))
            weights["cues"] = float(self.cue_weight)
        if self._use_rules():
            parts.append(("rules", RuleScores(use_context=bool(self.use_parent))))
            weights["rules"] = float(self.cue_weight or 1.0)
        if self.use_parent:
            parts.append(("has_context", HasContext()))
        if self.use_parent and self.context_weight:
            parts.append(("context_words", TextTfidf("context", "word", self.word_ngrams,
                                                     self.min_df, self.max_word_features,
                                                     anonymize=self.anonymize)))
            weights["context_words"] = float(self.context_weight)
            if cues:
                parts.append(("context_cues", CueScores(self.codebook, "context",
                                                        self.cue_pattern_weight)))
                weights["context_cues"] = float(self.cue_weight * self.context_weight)
        head = LinearHead(self.estimator, self.C, self.class_weight, self.calibrate,
                          self.calibration_cv, self.random_state)
        return Pipeline([("features", FeatureUnion(parts, transformer_weights=weights)),
                         ("head", head)])

    def get_params(self, deep=True):
        params = super().get_params(deep=False)
        if deep:
            try:
                pipe = self.pipeline if self.pipeline is not None else self.default_pipeline()
            except (TypeError, ValueError):  # flat parameters fit() will refuse
                return params
            if not hasattr(pipe, "get_params"):  # not an estimator: fit() says so
                return params
            params.update((f"pipeline__{k}", v) for k, v in pipe.get_params(deep=True).items())
        return params

    def set_params(self, **params):
        nested = {k: v for k, v in params.items() if k.startswith("pipeline__")}
        if nested and self.pipeline is None and "pipeline" not in params:
            # The flat parameters of this call first, then the default they build.
            super().set_params(**{k: v for k, v in params.items() if k not in nested})
            self.pipeline = self.default_pipeline()
            params = nested
        return super().set_params(**params)

    def _pipeline(self) -> Pipeline:
        pipe = self.pipeline if self.pipeline is not None else self.default_pipeline()
        if not isinstance(pipe, Pipeline) or len(pipe.steps) != 2:
            raise ModelError("pipeline must be a scikit-learn Pipeline of two steps: "
                             "features (a transformer such as a FeatureUnion) and a head")
        return clone(pipe)

    @property
    def pipeline_(self) -> Pipeline:
        """The fitted pipeline (single-label models; multi-label ones have one head per label)."""
        check_is_fitted(self, "heads_")
        if self.multilabel_:
            raise ModelError("a multi-label model has one head per label: see features_ and heads_")
        return Pipeline([("features", self.features_), ("head", self.heads_[0])])

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

    def _threshold(self, head, Z, target) -> float:
        """``"balanced"``: the probability at the class-weighted decision boundary
        (predictions follow the balanced classifier, probabilities stay calibrated);
        ``"auto"``: the cut that maximises the positive class's F1 on out-of-fold
        predictions inside the training data; or a number in (0, 1)."""
        if self.threshold == "balanced":
            return head.boundary_probability() if hasattr(head, "boundary_probability") else 0.5
        if self.threshold == "auto":
            if hasattr(head, "choose_threshold"):
                return head.choose_threshold(Z, target)
            return 0.5
        try:
            value = float(self.threshold)
        except (TypeError, ValueError):
            value = -1.0
        if not 0.0 < value < 1.0:
            raise ModelError(f"threshold must be 'balanced', 'auto' or between 0 and 1, "
                             f"not {self.threshold!r}")
        return value

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
        if not self.use_parent:
            units["context"] = ""
        Y = self._encode_labels(y)
        pipe = self._pipeline()
        features, head = pipe.steps[0][1], pipe.steps[1][1]
        Z = features.fit_transform(units)
        targets = [Y[:, j] for j in range(Y.shape[1])] if self.multilabel_ else [Y]
        self.heads_ = [clone(head).fit(Z, t) for t in targets]
        binary = [len(np.unique(t)) == 2 for t in targets]
        self.thresholds_ = np.array([
            self._threshold(h, Z, t) if b else 0.5
            for h, t, b in zip(self.heads_, targets, binary, strict=True)])
        self.features_ = features
        self.use_context_ = bool(self.use_parent) and bool((units["context"] != "").any())
        parts = dict(getattr(features, "transformer_list", []))
        cues = parts.get("cues")
        self.cue_categories_ = list(cues.categories_) if isinstance(cues, CueScores) else []
        if isinstance(parts.get("rules"), RuleScores):
            self.rule_names_ = list(parts["rules"].names_)
        self.n_features_in_ = 1  # texts are one feature (a column of strings)
        self.n_train_ = len(units)
        return self

    def _proba_matrix(self, X) -> np.ndarray:
        check_is_fitted(self, "heads_")
        units = as_units(X, self.text_column, self.context_column, strict=False)
        if not self.use_parent:
            units["context"] = ""
        Z = self.features_.transform(units)
        if self.multilabel_:
            return np.column_stack([h.predict_proba(Z)[:, 1] for h in self.heads_])
        return self.heads_[0].predict_proba(Z)

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
        if self._use_rules():
            context = table["context"] if self.use_parent else ""
            rules = RuleScores().fit(None).matrix(pd.DataFrame({"text": texts, "context": context}))
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
    the context it answers (parent unit, ``context_column``, or a ``context``
    column of the table).

    Labels are 0/1 (or booleans); ``tag()`` reports the category ``whataboutism``.
    ``threshold="auto"`` picks the cut with the best F1 by cross-validation
    inside ``fit``.
    """

    _default_name = "whataboutism"

    # Defaults chosen by cross-validation on the YouTube and Twitter train +
    # validation splits (other folds than the reported ones; select_defaults.py).
    def __init__(self, *, pipeline=None, codebook=None, word_ngrams=(1, 2), char_ngrams=(2, 4),
                 min_df=2, max_word_features=20000, max_char_features=40000,
                 cue_weight=1.0, cue_pattern_weight=2.0, use_parent=True, context_weight=0.5,
                 context_column=None, text_column="text", estimator="svm", C=0.05,
                 class_weight="balanced", calibrate=True, calibration_cv=3,
                 threshold="auto", anonymize=True, name=None, random_state=0,
                 use_rules=True):
        super().__init__(pipeline=pipeline, codebook=codebook, word_ngrams=word_ngrams,
                         char_ngrams=char_ngrams, min_df=min_df,
                         max_word_features=max_word_features,
                         max_char_features=max_char_features, cue_weight=cue_weight,
                         cue_pattern_weight=cue_pattern_weight,
                         use_parent=use_parent, context_weight=context_weight,
                         context_column=context_column, text_column=text_column,
                         estimator=estimator, C=C, class_weight=class_weight,
                         calibrate=calibrate, calibration_cv=calibration_cv,
                         threshold=threshold, anonymize=anonymize, name=name,
                         random_state=random_state)
        self.use_rules = use_rules

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
