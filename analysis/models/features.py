"""The parts a classifier pipeline is built from (scikit-learn transformers).

Every part reads one column of the units table that
:func:`analysis.models.classifiers.as_units` makes (``text`` or ``context``),
so a ``FeatureUnion`` of them sees the reply and what it answers at once and
grid search reaches each part's parameters. Cue and rule features wrap the
tagger's own implementation (``analysis.CueFeatures``,
``analysis.whataboutism_features``): one implementation serves tagging and models.

A part on the ``context`` column that finds no context when fitted is
*inactive*: it gives zero columns, so a model trained without context is not
padded with empty features.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from threads.errors import ThreadframeError

TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"
COLUMNS = ("text", "context")
_MAX_CACHED_WORDS = 500_000
# Masked before n-grams are counted, so no URL, address, handle or long number
# (phone, account, id) of a training text can end up in a saved vocabulary.
_MASKS = (
    (re.compile(r"(?i)\b(?:https?://|www\.)\S+"), " URL "),
    (re.compile(r"(?i)\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), " EMAIL "),
    (re.compile(r"(?<!\w)@\w+"), " @USER "),
    (re.compile(r"\d[\d\s().-]{4,}\d"), " NUMBER "),
)


class ModelError(ThreadframeError):
    """A model cannot be trained or applied to the data given (and why)."""


# Every mask needs one of these, so a text without any is returned as it is
# (most texts: half the masking time at prediction).
_MAY_MASK = re.compile(r"(?i)https?://|www\.|@|\d")


def anonymize(text: str) -> str:
    """Mask URLs, e-mail addresses, @handles and long digit runs."""
    if not _MAY_MASK.search(text):
        return text
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def _column(X, column: str) -> list[str]:
    if column not in COLUMNS:
        raise ModelError(f"a feature reads column 'text' or 'context', not {column!r}")
    if isinstance(X, pd.DataFrame):
        if column not in X.columns:
            return [""] * len(X) if column == "context" else _missing(column)
        return X[column].astype("str").fillna("").tolist()
    if isinstance(X, str):
        raise ModelError("expected a list of texts or a units table, not a single string")
    return [""] * len(X) if column == "context" else ["" if t is None else str(t) for t in X]


def _missing(column: str) -> list[str]:
    raise ModelError(f"the table has no {column!r} column")


def _empty(n: int) -> sp.csr_matrix:
    return sp.csr_matrix((n, 0), dtype=np.float64)


class TextTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF of one column: word n-grams (``analyzer="word"``) or character
    n-grams within word boundaries (``"char_wb"``). Texts are masked with
    :func:`anonymize` first (``anonymize=True``)."""

    def __init__(self, column="text", analyzer="word", ngram_range=(1, 2), min_df=2,
                 max_features=20000, sublinear_tf=True, anonymize=True):
        self.column = column
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.anonymize = anonymize

    def make_vectorizer(self) -> TfidfVectorizer:
        if self.analyzer not in ("word", "char_wb", "char"):
            raise ModelError(f"analyzer must be 'word', 'char_wb' or 'char', not {self.analyzer!r}")
        extra = {"token_pattern": TOKEN_PATTERN} if self.analyzer == "word" else {}
        return TfidfVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range),
                               sublinear_tf=self.sublinear_tf, min_df=self.min_df,
                               max_features=self.max_features, lowercase=True,
                               dtype=np.float32, **extra)

    def _texts(self, X) -> list[str]:
        texts = _column(X, self.column)
        return [anonymize(t) for t in texts] if self.anonymize else texts

    def fit(self, X, y=None):
        texts = self._texts(X)
        self.vectorizer_: TfidfVectorizer | None = None
        if self.column == "context" and not any(texts):
            return self
        vec = self.make_vectorizer()
        try:
            vec.fit(texts)
        except ValueError as exc:  # empty vocabulary: too few texts for min_df
            if self.column == "context":
                return self
            raise ModelError(f"no n-grams left to learn from ({exc}); lower min_df or add texts") from None
        # IDF kept at float32 precision: a saved model (float32 arrays) then
        # predicts exactly as the fitted one.
        vec.idf_ = vec.idf_.astype(np.float32).astype(np.float64)
        self.vectorizer_ = vec
        return self

    @property
    def active(self) -> bool:
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_ is not None

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        if self.vectorizer_ is None:
            return _empty(len(X))
        texts = self._texts(X)
        if self.analyzer == "char_wb":
            return self._char_wb(texts)
        return self.vectorizer_.transform(texts).astype(np.float64)

    def _char_wb(self, texts: list[str]) -> sp.csr_matrix:
        """The same matrix as ``vectorizer_.transform``, faster: a text's char_wb
        n-gram counts are the sum of its words' counts, and a word's counts are
        worked out once and kept (texts repeat words far more than they add new
        ones). Generating and counting n-grams was 88% of prediction time."""
        vec = self.vectorizer_
        assert vec is not None
        cache: dict = self.__dict__.setdefault("_word_rows", {})
        if len(cache) > _MAX_CACHED_WORDS:
            cache.clear()
        preprocess, analyze, vocab = vec.build_preprocessor(), vec.build_analyzer(), vec.vocabulary_
        local: dict[str, int] = {}
        ids: list[int] = []
        indptr = [0]
        for text in texts:
            for word in preprocess(text).split():
                i = local.get(word)
                if i is None:
                    i = local[word] = len(local)
                ids.append(i)
            indptr.append(len(ids))
        rows = []
        for word in local:
            row = cache.get(word)
            if row is None:
                cols = [vocab[g] for g in analyze(word) if g in vocab]
                row = cache[word] = np.array(cols, dtype=np.int64)
            rows.append(row)
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        words = sp.csr_matrix((np.ones(len(ids), dtype=np.float32), ids, indptr),
                              shape=(len(texts), len(local)))
        grams = sp.csr_matrix((np.ones(int(lengths.sum()), dtype=np.float32),
                               np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                               np.r_[0, np.cumsum(lengths)]), shape=(len(local), len(vocab)))
        counts = (words @ grams).tocsr()
        counts.sum_duplicates()
        counts = counts.astype(vec.dtype)
        return vec._tfidf.transform(counts, copy=False).astype(np.float64)


class CueScores(TransformerMixin, BaseEstimator):
    """Codebook cue features of one column (the tagger's ``CueFeatures``):
    log(1 + cue score) and cue presence per category, and with
    ``pattern_weight`` log(1 + weight) per cue pattern times it (a wildcard
    such as ``econom*`` is one feature however many word forms it matches).
    ``codebook=None`` gives no columns."""

    def __init__(self, codebook="policy-frames", column="text", pattern_weight=2.0):
        self.codebook = codebook
        self.column = column
        self.pattern_weight = pattern_weight

    def fit(self, X, y=None):
        from analysis.tagging.codebook import load_codebook

        texts = _column(X, self.column)
        self.active_ = self.codebook is not None and (self.column == "text" or any(texts))
        self.categories_ = list(load_codebook(self.codebook).categories) if self.active_ else []
        return self

    def transform(self, X):
        from analysis.tagging.codebook import load_codebook
        from analysis.tagging.features import CueFeatures, cue_counts

        check_is_fitted(self, "active_")
        texts = _column(X, self.column)
        if not self.active_:
            return _empty(len(texts))
        book = load_codebook(self.codebook)
        if list(book.categories) != self.categories_:
            raise ModelError(f"codebook {book.name!r} now has categories {list(book.categories)}; "
                             f"the model was trained with {self.categories_}")
        # Rule categories (whataboutism) count as the tagger scores them.
        scores = cue_counts(texts, book, weighted=True).toarray()
        blocks = [np.log1p(np.clip(scores, 0, None)), (scores > 0).astype(float)]
        if self.pattern_weight:
            per_cue = CueFeatures(book, granularity="cue", weighted=True, rules=False).fit(None)
            blocks.append(np.log1p(per_cue.transform(texts).toarray()) * self.pattern_weight)
        return sp.csr_matrix(np.hstack(blocks))


class RuleScores(TransformerMixin, BaseEstimator):
    """The whataboutism rule layer's features (``analysis.whataboutism_features``):
    one column per rule and the layer's score, each text read with its
    ``context`` (``use_context=True``) for the actor-switch rule."""

    def __init__(self, use_context=True):
        self.use_context = use_context

    def fit(self, X, y=None):
        from analysis.tagging.whataboutism import RULES

        self.names_ = [f"wa_{r}" for r in RULES] + ["wa_score"]
        return self

    def transform(self, X):
        check_is_fitted(self, "names_")
        return sp.csr_matrix(self.matrix(X))

    def matrix(self, X) -> np.ndarray:
        from analysis.tagging.whataboutism import rule_features

        texts = _column(X, "text")
        context = _column(X, "context") if self.use_context else [""] * len(texts)
        return rule_features(texts, context=[c or None for c in context]).to_numpy(dtype=float)


class HasContext(TransformerMixin, BaseEstimator):
    """1 where a unit has context (a parent or a context column), else 0;
    inactive (no column) when no training unit had any."""

    def fit(self, X, y=None):
        self.active_ = any(_column(X, "context"))
        return self

    def transform(self, X):
        check_is_fitted(self, "active_")
        context = _column(X, "context")
        if not self.active_:
            return _empty(len(context))
        return sp.csr_matrix(np.array([[1.0 if c else 0.0] for c in context]).reshape(-1, 1))


#: The parts a saved model may hold (model_io rebuilds only these).
PARTS = {cls.__name__: cls for cls in (TextTfidf, CueScores, RuleScores, HasContext)}
