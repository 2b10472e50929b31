"""The methods paragraph: intervals, what the classifier is, no scores for tiny groups."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from analysis.validation.evaluation import score_predictions
from analysis.validation.methods_text import describe_model
from analysis.validation.score_intervals import macro_f1_interval


def _labels(n=400, seed=1):
    rng = np.random.default_rng(seed)
    t = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    p = np.where(rng.random(n) < 0.7, t, rng.choice(["a", "b", "c"], size=n))
    return t, p


def test_interval_matches_a_naive_unit_bootstrap():
    t, p = _labels()
    rng = np.random.default_rng(7)
    naive = []
    for _ in range(1500):
        i = rng.integers(0, len(t), len(t))
        naive.append(f1_score(t[i], p[i], labels=["a", "b", "c"], average="macro", zero_division=0))
    lo_n, hi_n = np.percentile(naive, [2.5, 97.5])
    lo, hi = macro_f1_interval(t, p, classes=["a", "b", "c"], n_boot=4000)
    point = f1_score(t, p, average="macro")
    assert lo < point < hi
    assert abs(lo - lo_n) < 0.02 and abs(hi - hi_n) < 0.02


def test_multilabel_interval_brackets_the_point_estimate():
    rng = np.random.default_rng(3)
    yt = (rng.random((300, 4)) < 0.3).astype(int)
    yp = np.where(rng.random((300, 4)) < 0.8, yt, 1 - yt)
    point = f1_score(yt, yp, average="macro", zero_division=0)
    lo, hi = macro_f1_interval(yt, yp, multilabel=True, n_boot=1000)
    assert lo < point < hi and hi - lo < 0.2


def test_methods_text_reports_interval_description_and_leaves_out_small_groups():
    t, p = _labels()
    groups = np.where(np.arange(len(t)) < 380, "comment", "article")  # 20 article units: too few
    report = score_predictions(t, p, groups=groups, model_name="frames", setting="10-fold cross-validation")
    report.description = describe_model(LogisticRegression(C=0.5))
    text = report.methods_text()
    lo, hi = report.macro_f1_interval()
    assert f"95% bootstrap interval {lo:.2f}–{hi:.2f}" in text
    assert "(frames: LogisticRegression(C=0.5))" in text
    assert "For comment units macro-F1 was" in text
    assert "For article units" not in text
    assert "fewer than 30 coded units are not scored separately (article: n = 20)" in text


def test_describe_model_says_default_settings():
    assert describe_model(LogisticRegression()) == "LogisticRegression with default settings"
    assert describe_model(object()) == "object"
