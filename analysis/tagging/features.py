"""Codebook cues as model features: counts per category or per cue, and the
whataboutism rule columns, for scikit-learn pipelines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.tagging import whataboutism as wa
from analysis.tagging.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from analysis.tagging.inputs import TaggingError, text_list
from analysis.tagging.tagger import compile_codebook, tag


def cue_counts(texts, codebook: str | Codebook = DEFAULT_CODEBOOK, *, weighted: bool = False):
    """Cue matches per text and category as a ``scipy.sparse.csr_matrix`` (n_texts x n_categories).

    Rule categories (whataboutism) count the rules that fired. ``weighted``
    sums cue weights (the tagger's score) instead of counting matches.
    """
    from scipy import sparse

    texts = text_list(texts)
    res = tag(pd.DataFrame({"unit_id": np.arange(len(texts)).astype(str), "text": texts}),
              codebook, roles=None)
    ncat = len(res.codebook.categories)
    values = res.tags["score" if weighted else "n_cues"].to_numpy(float).reshape(len(texts), ncat)
    return sparse.csr_matrix(values)


try:  # scikit-learn is a core dependency; keep the import lazy-safe
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:  # pragma: no cover
    BaseEstimator, TransformerMixin = object, object


class CueFeatures(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: codebook cue counts (and whataboutism rule features).

    Parameters
    ----------
    codebook : codebook name, path or Codebook.
    granularity : ``"category"`` (one column per category) or ``"cue"`` (one per cue pattern).
    weighted : sum cue weights instead of counting matches.
    rules : add one column per whataboutism rule (``wa_<rule>``) and ``wa_score``.
    binary : 0/1 instead of counts.

    Accepts a list/Series of texts or a DataFrame with a ``text`` column (and
    optionally ``context``, e.g. the title a reply answers, for the actor-switch rule).
    Returns a ``scipy.sparse.csr_matrix``.
    """

    def __init__(self, codebook="surveillance", granularity="category", weighted=False,
                 rules=True, binary=False):
        self.codebook = codebook
        self.granularity = granularity
        self.weighted = weighted
        self.rules = rules
        self.binary = binary

    def fit(self, X, y=None):
        if self.granularity not in ("category", "cue"):
            raise TaggingError(f"CueFeatures: granularity must be 'category' or 'cue', not {self.granularity!r}")
        cb = load_codebook(self.codebook)
        if self.granularity == "category":
            names = [f"cue_{c}" for c in cb.categories]
        else:
            names = [f"cue_{c.name}:{q.pattern}" for c in cb.specs for q in c.cues]
        if self.rules:
            names += [f"wa_{r}" for r in wa.RULES] + ["wa_score"]
        self.codebook_ = cb
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_out_ = len(names)
        return self

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_out_

    def transform(self, X):
        from scipy import sparse

        if not hasattr(self, "codebook_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("CueFeatures is not fitted yet; call fit first")
        texts = text_list(X)
        context = X["context"].tolist() if isinstance(X, pd.DataFrame) and "context" in X.columns else None
        cb = self.codebook_
        if self.granularity == "category":
            mat = cue_counts(texts, cb, weighted=self.weighted)
            if any(c.rules for c in cb.specs):  # rule columns come separately below
                keep = [i for i, c in enumerate(cb.specs) if not c.rules]
                cols = mat.toarray()
                for i in set(range(len(cb.specs))) - set(keep):
                    cols[:, i] = 0
                mat = sparse.csr_matrix(cols)
        else:
            mat = self._per_cue(texts, cb)
        if self.rules:
            rf = wa.rule_features(texts, context=context).to_numpy(float)
            mat = sparse.hstack([mat, sparse.csr_matrix(rf)], format="csr")
        if self.binary:
            mat = (mat > 0).astype(float)
        return mat.tocsr()

    def _per_cue(self, texts, cb):
        from scipy import sparse

        matcher = compile_codebook(cb)
        col = {}
        for c in cb.specs:
            for q in c.cues:
                col[(c.name, q.pattern)] = len(col)
        rows, cols, vals = [], [], []
        for lo in range(0, len(texts), 5000):
            _, hits, _ = matcher.match_batch(texts[lo:lo + 5000])
            for ti, eid, _, _ in hits:
                ent = matcher.entries[eid]
                if ent.group >= len(cb.specs):
                    continue
                rows.append(lo + ti)
                cols.append(col[(cb.specs[ent.group].name, ent.cue.pattern)])
                vals.append(ent.cue.weight if self.weighted else 1.0)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(col)))
