"""Default classifiers as a user calls them, against a TF-IDF + LR floor (issue 13).

    python benchmarks/bench_defaults.py [--out NAME] [--only frac|whataboutism]

FrAC: plain sentences and labels, 10-fold stratified CV (shuffled, seed 0),
``cross_val_predict(FrameClassifier(), texts, labels)``, macro-F1; beside it a
word TF-IDF + logistic regression on the same folds.
Whataboutism: train + validation splits pooled per platform, 5-fold stratified
CV (seed 0), ``cross_val_predict(WhataboutismClassifier(), X, y)`` with X the
plain texts and, for YouTube, also a table with the video title as ``context``;
positive-class F1 beside word TF-IDF + LR. Writes benchmarks/results/<NAME>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _whataboutism_data import load  # noqa: E402

import analysis  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def _floor():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))


def _timed(model, X, y, folds):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = cross_val_predict(model, X, y, cv=folds)
    return pred, round(time.perf_counter() - start, 1)


def frac_rows() -> list[dict]:
    frac = analysis.load_frac()
    texts, labels = frac["text"].tolist(), frac["frame"].to_numpy(dtype=object)
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    rows = []
    for name, model in (("word TF-IDF + LR", _floor()), ("FrameClassifier()", analysis.FrameClassifier())):
        pred, seconds = _timed(model, texts, labels, folds)
        row = {"data": "FrAC sentences", "model": name, "cv": "10-fold stratified, seed 0",
               "macro_f1": round(float(f1_score(labels, pred, average="macro")), 4),
               "seconds": seconds}
        print(row, flush=True)
        rows.append(row)
    return rows


def whataboutism_rows() -> list[dict]:
    rows = []
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for platform in ("youtube", "twitter"):
        data = pd.concat([load(platform, "train"), load(platform, "val")], ignore_index=True)
        y = data["label"].to_numpy()
        inputs = {"texts": data["text"].tolist()}
        if platform == "youtube":
            inputs["table text+context"] = data[["text", "context"]]
        runs = [("word TF-IDF + LR", _floor(), "texts")]
        runs += [("WhataboutismClassifier()", analysis.WhataboutismClassifier(), k) for k in inputs]
        for name, model, key in runs:
            pred, seconds = _timed(model, inputs[key], y, folds)
            row = {"data": f"whataboutism {platform} train+val", "n": len(data),
                   "positives": int(y.sum()), "model": name, "input": key,
                   "cv": "5-fold stratified, seed 0",
                   "f1": round(float(f1_score(y, pred)), 4), "seconds": seconds}
            print(row, flush=True)
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="defaults")
    parser.add_argument("--only", choices=("frac", "whataboutism"))
    args = parser.parse_args()
    rows = []
    if args.only != "whataboutism":
        rows += frac_rows()
    if args.only != "frac":
        rows += whataboutism_rows()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{args.out}.json"
    path.write_text(json.dumps({"benchmark": "defaults as a user calls them (issue 13)",
                                "results": rows}, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
