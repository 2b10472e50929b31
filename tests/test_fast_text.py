"""The column-wise text features of the stance models give what the per-row
code they replace gave (they exist for speed: benchmarks/bench_reply_stance.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.models._fast_text import CharWbTfidf, term_hashes
from analysis.models.reply_stance import _CUES, _URL, _WORD, ColumnText, ThreadCues

TEXTS = np.array(["", "a", "I", "ab  cd\tef\n\ng", "😀 x 😀😀", "  ", "Ümlaut é café", "is that TRUE?? source?",
                  "@someone https://t.co/xyz fake fake fake", "a b c d e f g h", "word " * 40,
                  "RT @bbc: Police confirm 3 dead #breaking", "no way. not true!!! hoax"], dtype=object)


@pytest.mark.parametrize("params", [dict(ngram_range=(2, 5), sublinear_tf=True, min_df=1),
                                    dict(ngram_range=(1, 3)), dict(ngram_range=(4, 6), min_df=1),
                                    dict(ngram_range=(2, 5), max_features=40, sublinear_tf=True)])
def test_char_wb_tfidf_is_scikit_learns_matrix(params):
    train = np.concatenate([TEXTS, TEXTS[::-1]])
    ref = TfidfVectorizer(analyzer="char_wb", **params).fit(train)
    fast = CharWbTfidf(analyzer="char_wb", **params).fit(train)
    new = np.array(["unseen words here", "café 😀", "", "x"] + list(TEXTS), dtype=object)
    np.testing.assert_allclose(fast.transform(new).toarray(), ref.transform(new).toarray(), atol=1e-12)
    assert clone(fast).get_params() == fast.get_params()


def test_term_hashes_tell_terms_apart():
    terms = [" a ", " a", "a ", "ab", "ba", "😀", " 😀 "]
    assert len(set(term_hashes(terms).tolist())) == len(terms)


def _reference_cues(texts):
    """The per-row code ThreadCues replaced (Python's re, one text at a time)."""
    return np.array([[float(np.log1p(len(rx.findall(t)))) for rx in _CUES.values()]
                     + [float(bool(_URL.search(t))), float(np.log1p(len(_WORD.findall(t))))] for t in texts])


def _words(text):
    return set(_WORD.findall(_URL.sub(" ", text.lower())))


def _jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def test_thread_cues_are_the_per_row_counts():
    ascii_texts = [t for t in TEXTS if t.isascii()]
    n = len(ascii_texts)
    X = pd.DataFrame({"text": ascii_texts, "parent_text": ascii_texts[::-1], "source_text": "police confirm it is true",
                      "depth": np.arange(n) % 3, "is_source": (np.arange(n) % 3 == 0).astype(float),
                      "reply_to_source": (np.arange(n) % 3 == 1).astype(float)})
    out = ThreadCues().transform(X)
    k = len(_CUES) + 2
    np.testing.assert_allclose(out[:, :k], _reference_cues(X["text"]))
    np.testing.assert_allclose(out[:, k:2 * k], _reference_cues(X["parent_text"]))
    sim = [[_jaccard(_words(t), _words(s)), _jaccard(_words(t), _words(p))]
           for t, s, p in zip(X["text"], X["source_text"], X["parent_text"], strict=True)]
    np.testing.assert_allclose(out[:, -2:], np.array(sim))


def test_column_text_masks_urls_and_mentions_as_before():
    mention, url = re.compile(r"@\w+"), re.compile(r"https?://\S+|www\.\S+", re.I)
    ascii_texts = [t for t in TEXTS if t.isascii()] + ["see WWW.example.org and HTTP://X.Y now"]
    expected = [mention.sub(" @user ", url.sub(" httpurl ", t)).lower() for t in ascii_texts]
    assert list(ColumnText().transform(pd.DataFrame({"text": ascii_texts}))) == expected
