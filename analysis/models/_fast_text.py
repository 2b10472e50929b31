"""Column-wise text features for the stance models: no per-unit Python loops.

:class:`CharWbTfidf` is scikit-learn's ``TfidfVectorizer(analyzer="char_wb")``
with the same vocabulary, IDF weights and output, but a ``transform`` that
works on whole arrays: every word of every text is padded with spaces and
laid end to end as one array of code points; the n-grams of each length are
hashed at once with a rolling polynomial hash (uint64) and looked up in the
hashes of the fitted vocabulary (``np.searchsorted``); counts, sublinear TF,
IDF and the L2 norm are sparse-matrix arithmetic. scikit-learn's own
analyser builds each n-gram as a Python string, which is what made character
n-grams the slow block (docs/stance-replies.md, speed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_P = np.uint64(1_000_003)


def _codepoints(strings: np.ndarray) -> np.ndarray:
    joined = "".join(strings.tolist())
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _rolling(cp: np.ndarray, n: int) -> np.ndarray:
    """Hash of the ``n`` code points starting at each position (positions past the end: garbage)."""
    h = np.zeros(len(cp), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            shifted = np.zeros(len(cp), dtype=np.uint64)
            shifted[:len(cp) - k] = cp[k:]
            h = h * _P + shifted + np.uint64(1)
    return h


def term_hashes(terms) -> np.ndarray:
    """The hash of each whole term, as :func:`char_wb_grams` hashes n-grams."""
    terms = np.asarray(list(terms), dtype=object)
    if not len(terms):
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    cp = _codepoints(terms)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out = np.zeros(len(terms), dtype=np.uint64)
    for n in np.unique(lengths):
        rows = lengths == n
        out[rows] = _rolling(cp, int(n))[starts[rows]]
    return out


def char_wb_grams(texts, ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(row, hash) of every ``char_wb`` n-gram of ``texts``, as scikit-learn makes them:
    each whitespace-separated word padded with one space on each side gives its
    n-grams for each ``n`` up to its own length (itself once, at that length),
    and a padded word shorter than the smallest ``n`` gives itself once."""
    words = pd.Series(np.asarray(texts, dtype=object), dtype=object).str.split()
    lengths_per_row = words.str.len().fillna(0).to_numpy(dtype=np.int64)  # type: ignore[misc]  # stubs: lists
    flat = words.explode().dropna()
    if flat.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    row_of_word = np.repeat(np.arange(len(words), dtype=np.int32), lengths_per_row)
    padded = (" " + flat.astype(str) + " ").to_numpy(dtype=object)
    width = flat.astype("str").str.len().to_numpy(dtype=np.int64) + 2
    cp = _codepoints(padded)
    # per code point: its text's row and how many code points of its word remain from it
    row_of_cp = np.repeat(row_of_word, width)
    end = np.repeat(np.cumsum(width), width)
    remaining = end - np.arange(len(cp))
    start = np.cumsum(width) - width
    rows, hashes = [], []
    lo, hi = ngram_range
    h = np.zeros(len(cp), dtype=np.uint64)
    levels: dict[int, np.ndarray] = {}
    for n in range(1, hi + 1):
        shifted = np.zeros(len(cp), dtype=np.uint64)
        shifted[:len(cp) - (n - 1)] = cp[n - 1:]
        with np.errstate(over="ignore"):
            h = h * _P + shifted + np.uint64(1)  # hash of the n code points from each position
        if n < lo:
            levels[n] = h
            continue
        keep = remaining >= n  # the n-gram stays inside its padded word
        rows.append(row_of_cp[keep])
        hashes.append(h[keep])
        levels[n] = h
    short = width < lo  # a padded word shorter than every n: itself, once
    for w in np.unique(width[short]):
        sel = short & (width == w)
        rows.append(row_of_word[sel])
        hashes.append(levels[int(w)][start[sel]])
    return np.concatenate(rows), np.concatenate(hashes)


class CharWbTfidf(TfidfVectorizer):
    """``TfidfVectorizer(analyzer="char_wb", ...)`` whose ``transform`` is vectorised
    (see module docs). ``fit`` is scikit-learn's; the output is the same matrix."""

    def _index(self):
        if getattr(self, "_index_for", None) is not self.vocabulary_:
            terms = sorted(self.vocabulary_, key=self.vocabulary_.get)
            h = term_hashes(terms)
            order = np.argsort(h, kind="stable")
            if len(np.unique(h)) != len(h):  # a 64-bit collision: never seen, but be exact
                self._index_for, self._sorted, self._cols = self.vocabulary_, None, None
                return None, None
            self._sorted, self._cols, self._index_for = h[order], order, self.vocabulary_
            self._lookup = pd.Index(h)  # position i: the term in column i
        return self._sorted, self._cols

    def transform(self, raw_documents):
        if self.analyzer != "char_wb" or self.strip_accents is not None or self.preprocessor is not None \
                or not self.use_idf or self.norm != "l2" or self.binary:
            return super().transform(raw_documents)
        sorted_h, cols = self._index()
        if sorted_h is None:
            return super().transform(raw_documents)
        docs = pd.Series(np.asarray(raw_documents, dtype=object), dtype="str").fillna("")
        if self.lowercase:
            docs = docs.str.lower()
        rows, h = char_wb_grams(docs.to_numpy(dtype=object), self.ngram_range)
        col = self._lookup.get_indexer(h)  # a hash table: faster than searchsorted here
        hit = col >= 0
        n_docs, n_terms = len(docs), len(self.vocabulary_)
        X = sp.csr_matrix((np.ones(int(hit.sum())), (rows[hit], col[hit].astype(np.int32))), shape=(n_docs, n_terms),
                          dtype=np.float64)  # duplicates (a gram seen twice in a text) are summed
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        X = X @ sp.diags(self.idf_)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return (sp.diags(1.0 / norms) @ X).astype(self.dtype).tocsr()
