"""Stance of replies toward a thread's source claim: support, deny, query or comment.

:class:`ReplyStanceClassifier` is a scikit-learn estimator (RumourEval
subtask A). ``X`` is a units table with the reply tree (``unit_id``,
``doc_id``, ``parent_id``, ``text``; from :func:`threads.read`) or a
DataFrame with ``text``, ``parent_text`` and ``source_text`` columns (and
optionally ``depth``). Features: word and character TF-IDF of the reply,
cue counts (question marks, wh-words, negation and denial, support, URLs) in
the reply and its parent, the depth in the tree, whether it answers the
source directly or is the source itself, and its word overlap with the
source and the parent; a linear head with balanced class weights.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from analysis.models._fast_text import CharWbTfidf
from threads.errors import ThreadframeError
from threads.schema import ARTICLE_ROLES

STANCES = ("support", "deny", "query", "comment")
CONTEXT_COLUMNS = ("text", "parent_text", "source_text", "depth", "is_source", "reply_to_source")

_WORD = re.compile(r"[a-z0-9']+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_MENTION = re.compile(r"@\w+")
_CUES = {
    "question": re.compile(r"\?"),
    "wh": re.compile(r"\b(?:who|what|when|where|why|how|which|is it|are they|did|does|is this|really)\b", re.I),
    "negation": re.compile(r"\b(?:not|no|never|nothing|isn'?t|aren'?t|wasn'?t|didn'?t|doesn'?t|don'?t|can'?t)\b",
                           re.I),
    "denial": re.compile(r"\b(?:fake|false|hoax|lies?|lying|liar|not true|untrue|debunked?|bullshit|bs|rumou?rs?|"
                         r"misinformation|made up|photoshopp?ed|shopped|wrong|nonsense|doubt|unconfirmed|"
                         r"satire|myth|scam)\b", re.I),
    "source_q": re.compile(r"\b(?:source|sources|proof|evidence|link|citation|confirmed)\s*\?|\bsource\b", re.I),
    "support": re.compile(r"\b(?:true|confirmed|confirms|indeed|yes|yep|exactly|agreed?|right|correct|"
                          r"reports?|reportedly|breaking|officials?|police say|according to|sad|rip|pray(?:ers|ing)?)\b",
                          re.I),
    "surprise": re.compile(r"\b(?:wow|omg|wtf|really|seriously)\b|!", re.I),
}


def _as_text(values) -> np.ndarray:
    """Strings as a numpy object array (scikit-learn cannot index Arrow string arrays)."""
    return np.array(["" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v)
                     for v in values], dtype=object)


def reply_context(units: pd.DataFrame) -> pd.DataFrame:
    """For each unit of a units table: its text, its parent's, its thread's source post and its place.

    The source text of a document is its article units (title, body) joined;
    ``is_source`` marks those units, ``reply_to_source`` replies whose parent
    is one of them (or who have none). Pass whole threads: a parent outside
    the table gives an empty ``parent_text``.
    """
    missing = [c for c in ("unit_id", "doc_id", "parent_id", "text") if c not in units.columns]
    if missing:
        raise ThreadframeError(f"a units table needs the columns {', '.join(missing)} (from threads.read)")
    ids = _as_text(units["unit_id"])
    docs = _as_text(units["doc_id"])
    texts = _as_text(units["text"])
    parents = _as_text(units["parent_id"])
    if "role" in units.columns:
        article = np.isin(_as_text(units["role"]), list(ARTICLE_ROLES))
    else:
        article = np.array([p == "" for p in parents])
    text_of = dict(zip(ids, texts, strict=True))
    source: dict[str, list[str]] = {}
    for d, t, a in zip(docs, texts, article, strict=True):
        if a and t:
            source.setdefault(d, []).append(t)
    article_ids = set(ids[article])
    if "depth" in units.columns:
        depth = pd.to_numeric(units["depth"], errors="coerce").fillna(1).to_numpy(dtype=float)
    else:
        depth = np.where(article, 0.0, 1.0)
    return pd.DataFrame({
        "unit_id": ids,
        "text": texts,
        "parent_text": _as_text(text_of.get(p, "") for p in parents),
        "source_text": _as_text(" ".join(source.get(d, [])) for d in docs),
        "depth": depth,
        "is_source": article.astype(float),
        "reply_to_source": np.array([(not a) and (p == "" or p in article_ids)
                                     for p, a in zip(parents, article, strict=True)], dtype=float),
    })


def as_context(X) -> pd.DataFrame:
    """``X`` as the context table the features read (a units table is converted)."""
    if not isinstance(X, pd.DataFrame):
        raise ThreadframeError(f"ReplyStanceClassifier needs a DataFrame (a units table, or text, parent_text "
                               f"and source_text columns); got {type(X).__name__}")
    if "parent_text" not in X.columns and {"unit_id", "doc_id", "parent_id", "text"} <= set(X.columns):
        return reply_context(X)
    missing = [c for c in ("text", "parent_text", "source_text") if c not in X.columns]
    if missing:
        raise ThreadframeError(f"ReplyStanceClassifier: missing column(s) {', '.join(missing)}; pass a units "
                               "table from threads.read or a DataFrame with text, parent_text and source_text")
    out = pd.DataFrame({c: _as_text(X[c]) for c in ("text", "parent_text", "source_text")})
    depth = pd.to_numeric(X["depth"], errors="coerce").fillna(1).to_numpy(dtype=float) if "depth" in X else None
    out["depth"] = depth if depth is not None else np.ones(len(X))
    for col, default in (("is_source", out["depth"] == 0), ("reply_to_source", out["depth"] == 1)):
        given = X[col] if col in X.columns else default  # X's own index may not be 0..n-1: use positions
        out[col] = pd.to_numeric(pd.Series(np.asarray(given)), errors="coerce").fillna(0).to_numpy(dtype=float)
    return out


def _column(values):
    """A text column as a pyarrow string array: its regex kernels (RE2) work on the
    whole column in C (pandas' ``str.count`` falls back to Python's re per row)."""
    import pyarrow as pa

    return pa.array(_as_text(values), type=pa.large_string())


def _pattern(rx: re.Pattern) -> str:
    return ("(?i)" if rx.flags & re.I else "") + rx.pattern


def _count(texts, rx: re.Pattern) -> np.ndarray:
    """Matches of ``rx`` in each text."""
    import pyarrow.compute as pc

    return pc.count_substring_regex(texts, _pattern(rx)).to_numpy(zero_copy_only=False).astype(float)


def _replace(texts, rx: re.Pattern, by: str):
    import pyarrow.compute as pc

    return pc.replace_substring_regex(texts, _pattern(rx), by)


def _lower(texts):
    import pyarrow.compute as pc

    return pc.utf8_lower(texts)


class ColumnText(BaseEstimator, TransformerMixin):
    """One text column of the context table, with URLs and @mentions replaced by placeholders."""

    def __init__(self, column: str = "text"):
        self.column = column

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> np.ndarray:
        out = _lower(_replace(_replace(_column(X[self.column]), _URL, " httpurl "), _MENTION, " @user "))
        return np.asarray(out.to_pylist(), dtype=object)


def _word_sets(texts: pd.Series):
    """Each text's distinct words (lowercased, URLs removed) as rows of a binary hashed matrix."""
    from sklearn.feature_extraction.text import HashingVectorizer

    clean = _replace(_lower(texts), _URL, " ")
    vec = HashingVectorizer(token_pattern=_WORD.pattern, lowercase=False, binary=True, norm=None,
                            alternate_sign=False, n_features=2**22)
    return vec.transform(np.asarray(clean.to_pylist(), dtype=object)).tocsr()


def _jaccard(A, B) -> np.ndarray:
    """Row-wise |a & b| / |a | b| of two binary matrices (0 where either row is empty)."""
    inter = np.asarray(A.multiply(B).sum(axis=1), dtype=float).ravel()
    na, nb = np.diff(A.indptr).astype(float), np.diff(B.indptr).astype(float)
    union = na + nb - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((na > 0) & (nb > 0), inter / union, 0.0)


class ThreadCues(BaseEstimator, TransformerMixin):
    """Cue counts of the reply (and its parent), URLs, depth and position, overlap with source and parent.

    Column-wise: the string column's regex kernels count the cues, word overlap is
    arithmetic on binary hashed word matrices."""

    def __init__(self, parent_cues: bool = True):
        self.parent_cues = parent_cues

    def fit(self, X, y=None):
        return self

    def _cues(self, texts) -> np.ndarray:
        s = _column(texts)
        cols = [np.log1p(_count(s, rx)) for rx in _CUES.values()]
        cols += [(_count(s, _URL) > 0).astype(float), np.log1p(_count(s, _WORD))]
        return np.column_stack(cols)

    def transform(self, X) -> np.ndarray:
        parts = [self._cues(X["text"])]
        if self.parent_cues:
            parts.append(self._cues(X["parent_text"]))
        depth = np.asarray(X["depth"], dtype=float)
        place = np.column_stack([np.log1p(depth), np.asarray(X["is_source"], dtype=float),
                                 np.asarray(X["reply_to_source"], dtype=float), (depth >= 2).astype(float)])
        text = _word_sets(_column(X["text"]))
        sim = np.column_stack([_jaccard(text, _word_sets(_column(X["source_text"]))),
                               _jaccard(text, _word_sets(_column(X["parent_text"])))])
        return np.hstack(parts + [place, sim])


class ReplyStanceClassifier(ClassifierMixin, BaseEstimator):
    """Support / deny / query / comment for each reply toward its thread's source claim.

    Parameters: ``C`` (inverse regularisation of the logistic head),
    ``char_ngrams`` (character n-gram range of the reply TF-IDF; ``None`` to
    drop it), ``word_ngrams``, ``min_df``, ``cue_weight`` (scale of the cue and
    tree features beside the TF-IDF blocks), ``class_weight`` (``"balanced"``
    by default: the classes are very uneven), ``max_iter``, ``random_state``.
    The defaults of ``C`` and ``cue_weight`` were chosen by 5-fold
    cross-validation on RumourEval 2019 train, grouped by thread
    (``benchmarks/bench_reply_stance.py --tune``).
    """

    def __init__(self, C: float = 3.0, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] | None = (2, 5), min_df: int = 2, cue_weight: float = 0.5,
                 class_weight: str | dict | None = "balanced", max_iter: int = 2000, random_state: int = 0):
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.cue_weight = cue_weight
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def _pipeline(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.preprocessing import StandardScaler

        blocks = [("words", Pipeline([("col", ColumnText("text")), ("tfidf", TfidfVectorizer(
            ngram_range=self.word_ngrams, min_df=self.min_df, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|\?"))]))]
        if self.char_ngrams is not None:
            blocks.append(("chars", Pipeline([("col", ColumnText("text")), ("tfidf", CharWbTfidf(
                analyzer="char_wb", ngram_range=self.char_ngrams, min_df=self.min_df, sublinear_tf=True,
                max_features=50000))])))
        blocks.append(("cues", Pipeline([("cues", ThreadCues()), ("scale", StandardScaler())])))
        weights = {name: 1.0 for name, _ in blocks}
        weights["cues"] = self.cue_weight
        return Pipeline([("features", FeatureUnion(blocks, transformer_weights=weights)),
                         ("head", LogisticRegression(C=self.C, class_weight=self.class_weight,
                                                     max_iter=self.max_iter, random_state=self.random_state))])

    def fit(self, X, y):
        table = as_context(X)
        labels = _as_text(y)
        if len(labels) != len(table):
            raise ThreadframeError(f"ReplyStanceClassifier.fit: {len(table)} rows but {len(labels)} labels")
        if (labels == "").any():
            raise ThreadframeError("ReplyStanceClassifier.fit: some labels are missing; drop uncoded rows first")
        if len(set(labels)) < 2:
            raise ThreadframeError("ReplyStanceClassifier.fit: needs at least two stances among the labels")
        self.pipeline_ = self._pipeline().fit(table, labels)
        self.classes_ = np.asarray(self.pipeline_.classes_, dtype=object)
        return self

    def _check(self):
        if not hasattr(self, "pipeline_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("ReplyStanceClassifier is not fitted yet; call fit first")

    def predict(self, X) -> np.ndarray:
        self._check()
        return np.asarray(self.pipeline_.predict(as_context(X)), dtype=object)

    def predict_proba(self, X) -> np.ndarray:
        self._check()
        return self.pipeline_.predict_proba(as_context(X))

    def tag(self, units: pd.DataFrame) -> pd.DataFrame:
        """One row per unit and stance (``unit_id, category, present, score``), as the frame models give."""
        self._check()
        table = as_context(units)
        proba = self.pipeline_.predict_proba(table)
        best = proba.argmax(axis=1)
        ids = _as_text(units["unit_id"]) if "unit_id" in units else np.arange(len(units)).astype(str)
        rows = [(u, c, bool(best[i] == j), float(proba[i, j])) for i, u in enumerate(ids)
                for j, c in enumerate(self.classes_)]
        return pd.DataFrame(rows, columns=["unit_id", "category", "present", "score"])


def majority_baseline():
    """The most frequent stance for every reply (RumourEval's weakest baseline)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import Pipeline

    return Pipeline([("text", ColumnText("text")), ("head", DummyClassifier(strategy="most_frequent"))])


def bag_of_words_baseline(C: float = 1.0):
    """Word TF-IDF of the reply alone with a balanced logistic head: no thread context."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([("text", ColumnText("text")), ("tfidf", TfidfVectorizer(min_df=2, sublinear_tf=True)),
                     ("head", LogisticRegression(C=C, class_weight="balanced", max_iter=2000))])
