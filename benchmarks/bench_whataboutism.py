"""Whataboutism benchmark: positive-class F1 on the validation split and by
5-fold cross-validation on the train split, YouTube and Twitter apart.

    python benchmarks/bench_whataboutism.py [--folds 5]

Compares, in the same run and on the same folds: plain TF-IDF + logistic
regression (scikit-learn defaults: the paper's floor), the tagger's rule layer
alone, and threadframe's WhataboutismClassifier (n-grams + rule features +,
for YouTube, the video title as context). Needs ../shared/data/whataboutism
(set THREADFRAME_SHARED_DATA). Writes benchmarks/results/whataboutism.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _whataboutism_data import load  # noqa: E402
from train_pretrained import WHATABOUTISM_PARAMS  # noqa: E402

import analysis  # noqa: E402
from analysis.tagging.whataboutism import THRESHOLD, rule_features  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


class RulesOnly:
    """The rule layer as a classifier (no training)."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        scores = rule_features(X["text"].tolist(), context=[c or None for c in X["context"]])
        return (scores["wa_score"].to_numpy() >= THRESHOLD).astype(int)


class Plain:
    def __init__(self):
        self.pipe = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))

    def fit(self, X, y):
        self.pipe.fit(X["text"].tolist(), y)
        return self

    def predict(self, X):
        return self.pipe.predict(X["text"].tolist())


def _ours(platform):
    params = dict(WHATABOUTISM_PARAMS, name=f"whataboutism-{platform}")
    if platform == "twitter":
        params.pop("context_column", None)
    return analysis.WhataboutismClassifier(**params)


def _scores(y, pred) -> dict:
    return {"f1": round(float(f1_score(y, pred, zero_division=0)), 4),
            "precision": round(float(precision_score(y, pred, zero_division=0)), 4),
            "recall": round(float(recall_score(y, pred, zero_division=0)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for platform in ("youtube", "twitter"):
        train, val = load(platform, "train"), load(platform, "val")
        y = train["label"].to_numpy()
        makers = {"plain TF-IDF + LR": Plain, "rule layer alone": RulesOnly,
                  "threadframe WhataboutismClassifier": lambda p=platform: _ours(p)}
        for name, make in makers.items():
            start = time.perf_counter()
            oof = np.zeros(len(train), dtype=int)
            folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
            for tr, te in folds.split(train, y):
                model = make()
                model = clone(model) if hasattr(model, "get_params") else model
                model.fit(train.iloc[tr], y[tr])
                oof[te] = model.predict(train.iloc[te])
            model = make().fit(train, y)
            val_pred = model.predict(val)
            seconds = time.perf_counter() - start
            row = {"platform": platform, "model": name, "n_train": len(train),
                   "n_val": len(val), "val_positives": int(val["label"].sum()),
                   "cv": _scores(y, oof), "val": _scores(val["label"], val_pred),
                   "seconds": round(seconds, 1)}
            rows.append(row)
            print(f"{platform:8s} {name:36s} CV F1 {row['cv']['f1']:.3f}  "
                  f"val F1 {row['val']['f1']:.3f} (val: {len(val)} comments, "
                  f"{row['val_positives']} positive)  ({seconds:.0f}s)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "whataboutism.json"
    path.write_text(json.dumps({"benchmark": "whataboutism positive-class F1",
                                "folds": args.folds, "random_state": 0, "results": rows}, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
