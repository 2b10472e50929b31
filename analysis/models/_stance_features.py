"""Feature transformers for :class:`analysis.StanceClassifier` (target stance).

Each transformer takes the model's input frame (columns ``text``, ``target``,
``context``; see ``stance_model.stance_frame``) and returns a sparse matrix.
All work is vectorised: scikit-learn's vectorizers and pandas/Arrow string
kernels, no per-unit Python loops in this module.

What carries across targets never seen in training is what relates a text to
*its* target: words they share, the text's negations and contrasts, its
agreement or disagreement openers ("Ja,", "Non,", "I agree"), and pairs of
target word x text word (hashed) such as ("verbieten", "nicht").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

# Word prefixes up to 6 letters: a cheap stemmer that works the same way in
# German, French and English ("verbieten"/"Verbot" share "verb", "ausbauen"/
# "ausgebaut" do not, but "Steuer"/"Steuern" and "impôt"/"impôts" do).
PREFIX_PATTERN = r"(?u)\b\w{2,6}"
TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"

# Cue word lists (case-insensitive regexes). English, German and French.
CUES: dict[str, str] = {
    "negation": (r"\b(?:not|no|never|nor|none|nothing|neither|without|cannot|can't|won't|don't|"
                 r"doesn't|isn't|aren't|shouldn't|nicht|nie|niemals|kein\w*|nichts|weder|ohne|"
                 r"ne|n'|pas|jamais|aucun\w*|rien|ni|sans|non)\b"),
    "contrast": (r"\b(?:but|however|although|though|yet|whereas|aber|jedoch|doch|sondern|"
                 r"allerdings|trotzdem|obwohl|mais|cependant|pourtant|toutefois|néanmoins|"
                 r"bien que|malgré)\b"),
    "agree": (r"\b(?:yes|agree\w*|right|correct|absolutely|definitely|support\w*|ja|richtig|"
              r"genau|unbedingt|absolut|selbstverständlich|natürlich|sinnvoll|wichtig|"
              r"befürworte\w*|dafür|oui|d'accord|évidemment|absolument|bien sûr|"
              r"tout à fait|nécessaire|favorable|pour)\b"),
    "disagree": (r"\b(?:disagree\w*|wrong|against|oppose\w*|nonsense|unnecessary|nein|falsch|"
                 r"dagegen|gegen|unnötig|unsinn\w*|abzulehnen|lehne\w*|schädlich|non|contre|"
                 r"inutile|opposé\w*|néfaste|absurde)\b"),
    "should": r"\b(?:should|must|need|soll\w*|muss|müssen|braucht|doit|doivent|faut|devrait)\b",
}
# An opener: the cue word at the start of the text ("Ja,", "Nein.", "Non, ...").
OPENERS: dict[str, str] = {
    "open_yes": r"^\W*(?:yes|ja|oui|absolutely|genau|unbedingt|absolument|bien sûr|richtig)\b",
    "open_no": r"^\W*(?:no|nein|non|nope|auf keinen fall|pas du tout|keinesfalls)\b",
}
CUE_NAMES = list(CUES) + list(OPENERS)


def _col(X, name: str) -> pd.Series:
    return pd.Series(X[name].to_numpy(dtype=object), dtype="str").fillna("").str.lower()


def cue_table(texts: pd.Series) -> np.ndarray:
    """Counts of each cue list in ``CUES`` and 0/1 for each opener (n x 7),
    computed by Arrow's regex kernels over the whole column."""
    cols: list[np.ndarray] = [texts.str.count(p).to_numpy(dtype=float) for p in CUES.values()]
    cols += [texts.str.contains(p, regex=True).to_numpy(dtype=float) for p in OPENERS.values()]
    return np.column_stack(cols)


def _by_unique(values: pd.Series, fn):
    """``fn`` applied to the distinct values only, then spread back to the rows
    (targets repeat: one question answers thousands of comments)."""
    codes, uniques = pd.factorize(values)
    if len(uniques) * 2 > len(values):
        return fn(values)
    out = fn(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
    return out[codes]


class TextTfidf(TransformerMixin, BaseEstimator):
    """Word, word-prefix or char TF-IDF of one column of the frame
    (``analyzer="prefix"``: words cut to their first ``prefix_length`` letters)."""

    def __init__(self, column="text", analyzer="word", ngram_range=(1, 2), min_df=2,
                 max_features=50000, weight=1.0, prefix_length=6):
        self.column = column
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.weight = weight
        self.prefix_length = prefix_length

    def _vectorizer(self):
        kw: dict = {}
        if self.analyzer == "word":
            kw["token_pattern"] = TOKEN_PATTERN
        elif self.analyzer == "prefix":
            kw["token_pattern"] = rf"(?u)\b\w{{1,{int(self.prefix_length)}}}"
        analyzer = "word" if self.analyzer == "prefix" else self.analyzer
        return TfidfVectorizer(analyzer=analyzer, ngram_range=tuple(self.ngram_range),
                               min_df=self.min_df, max_features=self.max_features,
                               sublinear_tf=True, dtype=np.float32, **kw)

    def fit(self, X, y=None):
        self.vectorizer_ = self._vectorizer().fit(_col(X, self.column).to_numpy(dtype=object))
        return self

    def transform(self, X):
        mat = _by_unique(_col(X, self.column),
                         lambda v: self.vectorizer_.transform(v.to_numpy(dtype=object)))
        return mat * self.weight


class CueCounts(TransformerMixin, BaseEstimator):
    """Negation, contrast, agreement/disagreement and obligation cues of the
    text (log counts), its openers, the same cues in the target, and their
    products (a negated text answering a negated question agrees with it).
    The codebook's stance cues (``analysis.tag``'s critical/supportive
    weights) are added when ``codebook`` is given."""

    def __init__(self, codebook="surveillance", weight=1.0):
        self.codebook = codebook
        self.weight = weight

    def fit(self, X, y=None):
        names = [f"text_{c}" for c in CUE_NAMES] + [f"target_{c}" for c in CUES]
        names += [f"text_x_target_{c}" for c in ("negation", "should")]
        if self.codebook is not None:
            names += ["dict_critical", "dict_supportive", "dict_score"]
        self.feature_names_ = names
        return self

    def transform(self, X):
        text, target = _col(X, "text"), _col(X, "target")
        t = cue_table(text)
        q = _by_unique(target, cue_table)[:, :len(CUES)]
        neg = list(CUES).index("negation")
        should = list(CUES).index("should")
        blocks = [np.log1p(t), np.log1p(q), (t[:, [neg, should]] > 0) * (q[:, [neg, should]] > 0)]
        if self.codebook is not None:
            blocks.append(dictionary_scores(text, self.codebook))
        return sp.csr_matrix(np.hstack(blocks) * self.weight)


def dictionary_scores(texts: pd.Series, codebook) -> np.ndarray:
    """The codebook's stance cue weights per text: log critical, log supportive, score sign."""
    from analysis.tagging.tagger import tag

    frame = pd.DataFrame({"unit_id": np.arange(len(texts)).astype(str), "text": texts.to_numpy()})
    st = tag(frame, codebook, roles=None).stance
    crit, supp = st["critical"].to_numpy(float), st["supportive"].to_numpy(float)
    return np.column_stack([np.log1p(crit), np.log1p(supp), np.sign(supp - crit)])


def _hashed(texts: pd.Series, n_features: int, stop: frozenset[str]) -> sp.csr_matrix:
    """Binary hashed word-prefix indicators, stop-word prefixes zeroed."""
    vec = HashingVectorizer(token_pattern=PREFIX_PATTERN, n_features=n_features, binary=True,
                            norm=None, alternate_sign=False, dtype=np.float32)
    out = vec.transform(texts.to_numpy(dtype=object)).tocsr()
    if stop:
        keep = np.ones(n_features, dtype=np.float32)
        keep[vec.transform([" ".join(sorted(stop))]).indices] = 0.0
        out = (out @ sp.diags(keep)).tocsr()
        out.eliminate_zeros()
    return out


def _stopwords() -> frozenset[str]:
    from analysis.languages import STOPWORD_LANGUAGES, stopwords

    out: set[str] = set()
    for lang in STOPWORD_LANGUAGES:
        out |= {w[:6] for w in stopwords(lang)}
    return frozenset(out)


class TargetOverlap(TransformerMixin, BaseEstimator):
    """How much of the target the text takes up: shared content-word prefixes
    (count, share of the target's, share of the text's), the same given a
    negation or contrast in the text, and the text projected onto the target's
    words (hashed indicators of each shared prefix, scaled by ``project_weight``)."""

    def __init__(self, n_features=2**18, project_weight=0.0, weight=1.0):
        self.n_features = n_features
        self.project_weight = project_weight
        self.weight = weight

    def fit(self, X, y=None):
        self.stop_ = _stopwords()
        return self

    def transform(self, X):
        text, target = _col(X, "text"), _col(X, "target")
        T = _hashed(text, self.n_features, self.stop_)
        Q = _hashed(target, self.n_features, self.stop_)
        shared = T.multiply(Q).tocsr()
        n_shared = np.asarray(shared.sum(axis=1)).ravel()
        n_q = np.maximum(np.asarray(Q.sum(axis=1)).ravel(), 1)
        n_t = np.maximum(np.asarray(T.sum(axis=1)).ravel(), 1)
        cues = cue_table(text)
        neg = (cues[:, list(CUES).index("negation")] > 0).astype(float)
        con = (cues[:, list(CUES).index("contrast")] > 0).astype(float)
        share_q, share_t = n_shared / n_q, n_shared / n_t
        dense = np.column_stack([np.log1p(n_shared), share_q, share_t, share_q * neg,
                                 share_q * (1 - neg), share_q * con, (n_shared == 0)])
        blocks = [sp.csr_matrix(dense)]
        if self.project_weight:
            blocks.append(shared * self.project_weight)
        return sp.hstack(blocks, format="csr") * self.weight


class PairHasher(TransformerMixin, BaseEstimator):
    """Hashed pairs (target word prefix x text word prefix), binary, each
    row scaled to unit length. Built with array arithmetic on the two sparse
    indicator matrices: for every row, every target entry meets every text entry."""

    def __init__(self, n_features=2**20, n_source=2**18, weight=1.0, stop_words=True):
        self.n_features = n_features
        self.n_source = n_source
        self.weight = weight
        self.stop_words = stop_words

    def fit(self, X, y=None):
        self.stop_ = _stopwords() if self.stop_words else frozenset()
        return self

    def transform(self, X):
        T = _hashed(_col(X, "text"), self.n_source, self.stop_)
        Q = _hashed(_col(X, "target"), self.n_source, self.stop_)
        return pair_product(Q, T, self.n_features) * self.weight


def pair_product(A: sp.csr_matrix, B: sp.csr_matrix, n_features: int) -> sp.csr_matrix:
    """Row-wise outer product of two binary CSR matrices, hashed into ``n_features``
    columns and L2-normalised per row."""
    n = A.shape[0]
    a_nnz, b_nnz = np.diff(A.indptr), np.diff(B.indptr)
    per_row = a_nnz * b_nnz
    total = int(per_row.sum())
    if total == 0:
        return sp.csr_matrix((n, n_features), dtype=np.float32)
    a_row = np.repeat(np.arange(n), a_nnz)
    reps = b_nnz[a_row]                       # each A entry meets its row's B entries
    a_idx = np.repeat(np.arange(A.nnz), reps)
    start = np.repeat(np.cumsum(reps) - reps, reps)
    b_idx = B.indptr[a_row[a_idx]] + (np.arange(total) - start)
    cols = (A.indices[a_idx].astype(np.int64) * 1_000_003 + B.indices[b_idx]) % n_features
    rows = np.repeat(np.arange(n), per_row)
    out = sp.csr_matrix((np.ones(total, dtype=np.float32), (rows, cols)), shape=(n, n_features))
    out.data = np.minimum(out.data, 1.0)
    norm = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norm[norm == 0] = 1.0
    return sp.diags(1.0 / norm).astype(np.float32) @ out
