"""Fitting the two-stage page-region model (needs scikit-learn; used by the benchmark and tests).

Stage 1 is a logistic model over a block's own features. Stage 2 adds the
first stage's scores of the block's record, container, ancestors and
neighbours (:func:`._records.context_features`); to train it on scores like
those it will see on unseen sites, the stage-1 scores of the training pages
come from an inner leave-site-out split (a nested fit: the evaluation folds
are never used to choose anything). ``C`` is a fixed default, not tuned.
"""

from __future__ import annotations

from typing import Any

from ._records import context_features
from ._regions import UNSURE, decide, norm, predict

#: Inverse regularisation of both stages (fixed, not tuned on the evaluation folds).
C = 0.5
#: Inner leave-site-out folds for the stage-1 scores stage 2 learns from.
INNER_FOLDS = 3
#: Candidate upper ends of the range where trafilatura decides the body (chosen per fit).
UNSURE_HI = (0.75, 0.85, 0.95)


def fit_linear(features: list[list[str]], labels: list[str], c: float = C) -> dict[str, Any]:
    """A multinomial logistic model over binary string features, as the JSON the package reads."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(vec.fit_transform([dict.fromkeys(f, 1) for f in features]), labels)
    names = vec.get_feature_names_out()
    coef = {str(names[j]): [round(float(clf.coef_[k, j]), 4) for k in range(clf.coef_.shape[0])]
            for j in range(len(names)) if abs(clf.coef_[:, j]).max() > 1e-3}
    return {"classes": [str(k) for k in clf.classes_], "intercept": [float(v) for v in clf.intercept_],
            "coef": coef}


def _labelled(pages, extra=None):
    feats, labels = [], []
    for n, p in enumerate(pages):
        for i, (b, lab) in enumerate(zip(p["blocks"], p["labels"], strict=True)):
            if lab:
                feats.append(b.features + (extra[n][i] if extra is not None else []))
                labels.append(lab)
    return feats, labels


def fit_stage1(pages) -> dict[str, Any]:
    return fit_linear(*_labelled(pages))


def fit_stacked(pages, inner: int = INNER_FOLDS) -> dict[str, Any]:
    """Both stages on ``pages`` (dicts with ``blocks``, ``labels``, ``site``)."""
    from sklearn.model_selection import GroupKFold

    stage1 = fit_stage1(pages)
    oof: list = [None] * len(pages)
    oof_probs: list = [None] * len(pages)
    sites = [p["site"] for p in pages]
    k = min(inner, len(set(sites)))
    if k < 2:
        raise ValueError("fit_stacked needs pages from at least two sites")
    for tr, te in GroupKFold(n_splits=k).split(pages, groups=sites):
        m = fit_stage1([pages[i] for i in tr])
        for i in te:
            blocks = pages[i]["blocks"]
            oof_probs[i] = predict(blocks, m)
            oof[i] = context_features([b.ctx for b in blocks], oof_probs[i])
    stage2 = fit_linear(*_labelled(pages, oof))
    return {"stage1": stage1, "stage2": stage2, "unsure": choose_unsure(pages, oof_probs)}


def choose_unsure(pages, probs) -> list[float]:
    """The unsure range that maximises body found minus leaked on the training pages'
    out-of-fold scores (pages without ``visible`` gold keep the default)."""
    best, best_gain = list(UNSURE), None
    for hi in UNSURE_HI:
        found = leaked = n_with = n_without = 0
        for p, pr in zip(pages, probs, strict=True):
            g = p.get("visible")
            if not g:
                continue
            roles = decide(p["blocks"], pr, (UNSURE[0], hi))
            body = norm(" ".join(b.text for b, r in zip(p["blocks"], roles, strict=True) if r == "body"))
            found += sum(norm(x) in body for x in g["with"])
            leaked += sum(norm(x) in body for x in g["without"])
            n_with, n_without = n_with + len(g["with"]), n_without + len(g["without"])
        gain = found / max(n_with, 1) - leaked / max(n_without, 1)
        if best_gain is None or gain > best_gain:
            best, best_gain = [UNSURE[0], hi], gain
    return best
