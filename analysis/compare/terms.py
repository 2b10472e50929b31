"""Distinctive terms between any number of groups: the weighted log-odds ratio
with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin'
Words", Political Analysis 16(4), eq. 16-22), one-vs-rest and pairwise.

For a term w, a group i and what it is compared with j (the other groups
pooled, or one other group), with counts y and token totals n::

    a_w     = a0 * y_w(all) / n(all)                    # informative prior
    delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
            - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
    var_w   = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z_w     = delta_w / sqrt(var_w)

Tokenisation needs no NLTK data: a regular-expression tokenizer, lower case,
and the stopword list shipped in ``analysis/data/stopwords_en.txt``.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis._tables import as_list, require_columns, units_table
from analysis.languages import STOPWORD_LANGUAGES, document_languages, stopwords
from threads.errors import ThreadframeError
from threads.schema import CONTENT_ROLES

__all__ = ["Z_THRESHOLD", "distinctive_terms", "load_stopwords", "tokenize"]

#: |z| at or above this is two-sided 5% for one term (no correction for the
#: many terms compared); figures draw it and the demo reports only terms above.
Z_THRESHOLD = 1.96

#: Words: letters, with inner apostrophes or hyphens ("don't", "state-first").
TOKEN_PATTERN = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*"


def load_stopwords(language: str = "en") -> frozenset[str]:
    """The shipped stopword list for ``language`` (en, de, fr; function words only)."""
    return stopwords(language)


@lru_cache(maxsize=1)
def _tokenizer():
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(TOKEN_PATTERN)


def tokenize(text: str, *, stopwords=None, min_length: int = 2) -> list[str]:
    """Lower-cased word tokens of ``text`` without stopwords.

    ``stopwords``: None for the shipped list, a collection of words, or
    ``()`` to keep every word.
    """
    stop = load_stopwords() if stopwords is None else frozenset(stopwords)
    low = text.lower()
    if "’" in low:
        low = low.replace("’", "'")  # typographic apostrophes: "don’t" is "don't"
    return [w for w in _tokenizer().tokenize(low) if len(w) >= min_length and w not in stop]


def _log_odds(y_i, n_i, y_j, n_j, a_w, a0):
    delta = (np.log(y_i + a_w) - np.log(n_i + a0 - y_i - a_w)
             - np.log(y_j + a_w) + np.log(n_j + a0 - y_j - a_w))
    var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
    return delta, var, delta / np.sqrt(var)


def _stopword_languages(data, u: pd.DataFrame) -> list[str]:
    """Per row of ``u``, the language whose shipped stop words apply (English where none ships)."""
    if hasattr(data, "docs") and hasattr(data, "units"):
        langs = document_languages(data).set_index("doc_id")["language"]
        row = u["doc_id"].astype("str").map(langs)
    elif "language" in u.columns:
        row = u["language"]
    else:
        return ["en"] * len(u)
    return [lang if isinstance(lang, str) and lang in STOPWORD_LANGUAGES else "en" for lang in row]


def distinctive_terms(
    units,
    by="outlet",
    *,
    mode: str = "one_vs_rest",
    roles=CONTENT_ROLES,
    prior_strength: float | None = None,
    min_count: int = 1,
    stopwords=None,
    min_length: int = 2,
) -> pd.DataFrame:
    """Terms that distinguish each group, with z-scores.

    Parameters
    ----------
    units : a ``threads.Corpus`` or a units DataFrame with ``text``.
    by : the grouping column(s) (several are joined into one label with " / ").
    mode : ``"one_vs_rest"`` (each group against all others pooled) or
        ``"pairwise"`` (each group against each other group, both directions).
    prior_strength : ``a0``, the total pseudo-count of the prior, spread over
        terms in proportion to their frequency in the whole corpus. None (the
        default) uses the corpus size, i.e. ``a_w`` is the corpus count of w.
        z depends on it (a stronger prior shrinks every delta towards 0), so
        report it: the table carries it in ``attrs["prior_strength"]`` and in
        the ``prior_strength`` column.
    min_count : leave out terms seen fewer times in the whole corpus.
    stopwords : None (default) for the shipped list of each document's
        language (English, German, French; English where none ships; the
        language as stated in the data or detected, see
        :func:`analysis.languages.document_languages`), or your own words.
    min_length : passed to :func:`tokenize`.

    Returns
    -------
    One row per group, comparison and term: ``group``, ``versus`` ("rest" or a
    group), ``term``, ``count``, ``count_versus``, ``n_tokens``,
    ``n_tokens_versus``, ``prior`` (``a_w``), ``prior_strength`` (``a0``),
    ``delta``, ``variance``, ``z``, ``rank`` (1 = most distinctive of
    ``group`` by z). Positive z: used more by ``group``. |z| below
    :data:`Z_THRESHOLD` (1.96) is not evidence that the term distinguishes the
    group; even above it, the many terms compared make some false positives
    likely.
    """
    if mode not in ("one_vs_rest", "pairwise"):
        raise ThreadframeError(f"mode={mode!r}: use 'one_vs_rest' or 'pairwise'")
    by = as_list(by)
    u = units_table(units, roles)
    if not by:
        raise ThreadframeError("distinctive_terms: give the grouping column(s) in by=")
    require_columns(u, ["text", *by], "distinctive_terms: units")
    u = u[u[by].notna().all(axis=1)]
    labels = u[by[0]].astype("str")
    for col in by[1:]:
        labels = labels + " / " + u[col].astype("str")
    groups = sorted(labels.unique())
    if len(groups) < 2:
        raise ThreadframeError(f"distinctive_terms: need at least two groups in {by}, found {groups}")

    # one Counter per group: faster than a document-term matrix when only
    # group totals are needed
    gi = np.searchsorted(groups, labels.to_numpy(dtype=object))
    per_group: list[Counter[str]] = [Counter() for _ in groups]
    stop_langs = _stopword_languages(units, u) if stopwords is None else None
    given = frozenset() if stopwords is None else frozenset(stopwords)
    texts = u["text"].fillna("").astype("str").to_numpy(dtype=object)
    row_langs = stop_langs if stop_langs is not None else [None] * len(texts)
    for text, g, lang in zip(texts, gi, row_langs, strict=True):
        stop = given if lang is None else load_stopwords(lang)
        per_group[g].update(tokenize(text, stopwords=stop, min_length=min_length))
    vocab = np.array(sorted(set().union(*per_group)), dtype=object)
    where = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(groups), len(vocab)))
    for k, c in enumerate(per_group):
        if c:
            counts[k, np.fromiter((where[w] for w in c), int, len(c))] = np.fromiter(c.values(), float, len(c))
    total = counts.sum(axis=0)
    keep = total >= min_count
    counts, total, vocab = counts[:, keep], total[keep], vocab[keep]
    if counts.shape[1] == 0:
        raise ThreadframeError("distinctive_terms: no terms left after tokenising (and min_count)")
    n_all = total.sum()
    a0 = float(n_all if prior_strength is None else prior_strength)
    if a0 <= 0:
        raise ThreadframeError(f"prior_strength must be positive, got {prior_strength}")
    a_w = a0 * total / n_all
    n_group = counts.sum(axis=1)

    frames = []
    for i, g in enumerate(groups):
        if mode == "one_vs_rest":
            pairs = [("rest", total - counts[i], n_all - n_group[i])]
        else:
            pairs = [(h, counts[j], n_group[j]) for j, h in enumerate(groups) if j != i]
        for versus, y_j, n_j in pairs:
            delta, var, z = _log_odds(counts[i], n_group[i], y_j, n_j, a_w, a0)
            frames.append(pd.DataFrame({
                "group": g, "versus": versus, "term": vocab, "count": counts[i].astype(int),
                "count_versus": np.asarray(y_j).astype(int), "n_tokens": int(n_group[i]),
                "n_tokens_versus": int(n_j), "prior": a_w, "prior_strength": a0, "delta": delta, "variance": var, "z": z,
            }))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["group", "versus", "z", "term"], ascending=[True, True, False, True],
                          kind="stable").reset_index(drop=True)
    out["rank"] = out.groupby(["group", "versus"]).cumcount() + 1
    for name in ("group", "versus", "term"):
        out[name] = out[name].astype("str")
    out.attrs["prior_strength"] = a0
    return out
