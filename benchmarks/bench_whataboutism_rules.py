"""Precision, recall and F1 of the whataboutism rule layer on TQ-YT and TQ-TW.

    python benchmarks/bench_whataboutism_rules.py

Reads ../shared/data/whataboutism (or $THREADFRAME_SHARED_DATA/whataboutism);
the data is never copied into the repository. The rules were written by
reading the *train* splits, so the validation splits are the honest figures
(they are small: 40 YouTube and 33 Twitter replies; bootstrap 95% intervals
are given). Beside the rules, in the same run: TF-IDF + logistic regression
trained on the train split (what a user would otherwise reach for), and
the two combined (the rule columns appended to the TF-IDF features).
The supervised rows are also given as 5-fold cross-validated figures on the
train split. Writes benchmarks/results/whataboutism_rules.json.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.tagging import whataboutism as wa  # noqa: E402

DATA = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data")) / "whataboutism"


def load(split: str) -> dict[str, pd.DataFrame]:
    yt = pd.read_csv(DATA / f"youtube_context_{split}.csv", dtype="str", keep_default_na=False)
    yt = pd.DataFrame({"text": yt["Comment"], "context": yt["Title"].map(html.unescape),
                       "label": yt["Label"].astype(int)})
    tw = pd.read_csv(DATA / f"twitter_data_1204_{split}.csv", dtype="str", keep_default_na=False)
    tw = pd.DataFrame({"text": tw["Tweet"], "context": None, "label": tw["Label"].astype(int)})
    return {"youtube": yt, "twitter": tw}


def prf(y, p) -> dict[str, float]:
    y, p = np.asarray(y, bool), np.asarray(p, bool)
    tp, fp, fn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "n": len(y)}


def f1_interval(y, p, n_boot=2000, seed=0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    y, p = np.asarray(y, bool), np.asarray(p, bool)
    vals = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        vals.append(prf(y[i], p[i])["f1"])
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def rules_predict(df: pd.DataFrame, use_context: bool) -> np.ndarray:
    feats = wa.rule_features(df["text"], context=df["context"] if use_context else None)
    return (feats["wa_score"] >= wa.THRESHOLD).to_numpy()


def baselines(train: pd.DataFrame, test: pd.DataFrame):
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    xtr, xte = vec.fit_transform(train["text"]), vec.transform(test["text"])
    lr = LogisticRegression(max_iter=2000, class_weight="balanced", C=1.0)
    plain = lr.fit(xtr, train["label"]).predict(xte)
    ftr = wa.rule_features(train["text"], context=train["context"]).to_numpy()
    fte = wa.rule_features(test["text"], context=test["context"]).to_numpy()
    xtr2 = sparse.hstack([xtr, sparse.csr_matrix(ftr)]).tocsr()
    xte2 = sparse.hstack([xte, sparse.csr_matrix(fte)]).tocsr()
    combined = LogisticRegression(max_iter=2000, class_weight="balanced", C=1.0).fit(
        xtr2, train["label"]).predict(xte2)
    return plain, combined


def cross_validated(train: pd.DataFrame, folds: int = 5) -> dict[str, dict]:
    """5-fold cross-validated predictions on the train split (more stable than the tiny val)."""
    from sklearn.model_selection import StratifiedKFold

    y = train["label"].to_numpy()
    preds = {"tfidf+logreg": np.zeros(len(y), bool), "tfidf+logreg + rule features": np.zeros(len(y), bool)}
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(train, y):
        plain, combined = baselines(train.iloc[tr], train.iloc[te])
        preds["tfidf+logreg"][te] = plain == 1
        preds["tfidf+logreg + rule features"][te] = combined == 1
    return {k: prf(y, v) for k, v in preds.items()}


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (set THREADFRAME_SHARED_DATA)")
        return 0
    train, val = load("train"), load("val")
    rows = []
    for corpus in ("youtube", "twitter"):
        for split, data in (("train", train[corpus]), ("val", val[corpus])):
            for method, use_ctx in (("rules", False), ("rules + context", True)):
                if corpus == "twitter" and use_ctx:
                    continue
                pred = rules_predict(data, use_ctx)
                r = prf(data["label"], pred)
                lo, hi = f1_interval(data["label"], pred) if split == "val" else (np.nan, np.nan)
                rows.append({"corpus": corpus, "split": split, "method": method, **r,
                             "f1_lo": lo, "f1_hi": hi})
        for method, r in cross_validated(train[corpus]).items():
            rows.append({"corpus": corpus, "split": "train (5-fold CV)", "method": method, **r,
                         "f1_lo": np.nan, "f1_hi": np.nan})
        plain, combined = baselines(train[corpus], val[corpus])
        for method, pred in (("tfidf+logreg", plain), ("tfidf+logreg + rule features", combined)):
            r = prf(val[corpus]["label"], pred)
            lo, hi = f1_interval(val[corpus]["label"], pred)
            rows.append({"corpus": corpus, "split": "val", "method": method, **r, "f1_lo": lo, "f1_hi": hi})
    table = pd.DataFrame(rows)
    show = table.copy()
    for c in ("precision", "recall", "f1", "f1_lo", "f1_hi"):
        show[c] = show[c].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    print(show[["corpus", "split", "method", "n", "precision", "recall", "f1", "f1_lo", "f1_hi",
                "tp", "fp", "fn"]].to_string(index=False))
    out = ROOT / "benchmarks" / "results" / "whataboutism_rules.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"data": str(DATA), "threshold": wa.THRESHOLD,
                               "rows": json.loads(table.to_json(orient="records"))}, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
