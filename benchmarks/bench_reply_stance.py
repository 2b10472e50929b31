"""Reply stance benchmark (RumourEval 2019 subtask A): macro-F1 on the dev split, trained on train.

    python benchmarks/bench_reply_stance.py [--tune]

Reads the thread folders with ``threads.read`` and the keys with
``analysis.validation.rumoureval.read_rumoureval_key``; compares, in the same run, the
majority class, a bag-of-words baseline (reply TF-IDF, balanced logistic
regression) and ReplyStanceClassifier. ``--tune`` picks ``C`` and
``cue_weight`` by 5-fold cross-validation on train grouped by thread (dev is
scored once, after). Prints units/s prediction speed. Needs
../shared/data/stance/rumoureval2019 (set THREADFRAME_SHARED_DATA). Writes
benchmarks/results/reply_stance.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the speed figure says

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

import threads  # noqa: E402
from analysis.models.reply_stance import (  # noqa: E402
    ReplyStanceClassifier,
    bag_of_words_baseline,
    majority_baseline,
    reply_context,
)
from analysis.validation.rumoureval import read_rumoureval_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data")) / "stance" / "rumoureval2019"
RESULTS = Path(__file__).resolve().parent / "results"
GRID = [{"C": c, "cue_weight": w} for c in (0.3, 1.0, 3.0) for w in (0.5, 1.0, 2.0)]


def load(data: Path = DATA):
    """(context table, labels, thread ids) for the train and dev keys."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read([p for p in sorted(data.iterdir()) if p.is_dir()])
    context = reply_context(corpus.units).set_index("unit_id", drop=False)
    doc_of = dict(zip(corpus.units["unit_id"], corpus.units["doc_id"], strict=True))
    out = {}
    for split in ("train", "dev"):
        codes = read_rumoureval_key(data / f"{split}-key.json", corpus)
        table = context.loc[codes["unit_id"].to_numpy()].reset_index(drop=True)
        out[split] = (table, codes["code"].to_numpy(dtype=object),
                      np.array([doc_of[u] for u in codes["unit_id"]], dtype=object))
    return corpus, out


def macro_f1(y, pred) -> float:
    return float(f1_score(y, pred, average="macro", labels=["support", "deny", "query", "comment"]))


def tune(X, y, groups) -> dict:
    scores = []
    folds = list(GroupKFold(n_splits=5).split(X, y, groups))
    for params in GRID:
        f = [macro_f1(y[te], ReplyStanceClassifier(**params).fit(X.iloc[tr], y[tr]).predict(X.iloc[te]))
             for tr, te in folds]
        scores.append((float(np.mean(f)), params))
        print(f"  cv {params}: macro-F1 {np.mean(f):.3f}")
    return max(scores, key=lambda s: s[0])[1]


def speed(model, X, copies: int = 7, repeats: int = 3) -> dict:
    """Prediction speed on ``copies`` copies of the dev posts, each text made
    distinct by a row number (best of ``repeats``): units per second of wall
    time and of this process's CPU time (one thread; the CPU figure is what an
    idle core gives when the machine is shared)."""
    big = pd.concat([X] * copies, ignore_index=True)
    big["text"] = big["text"].astype(str) + " " + pd.Series(np.arange(len(big))).astype(str)
    wall = cpu = np.inf
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        model.predict(big)
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return {"n_units": len(big), "units_per_s": len(big) / wall, "units_per_cpu_s": len(big) / cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", action="store_true", help="grid search on train (grouped 5-fold CV by thread)")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (set THREADFRAME_SHARED_DATA)")
        return
    corpus, splits = load()
    (Xtr, ytr, gtr), (Xdv, ydv, _) = splits["train"], splits["dev"]
    print(f"train {len(ytr)} posts in {len(set(gtr))} threads; dev {len(ydv)} posts")
    params = tune(Xtr, ytr, gtr) if args.tune else {}
    rows = {}
    for name, model in (("majority", majority_baseline()), ("bag-of-words", bag_of_words_baseline()),
                        ("ReplyStanceClassifier", ReplyStanceClassifier(**params))):
        model = clone(model).fit(Xtr, ytr)
        pred = model.predict(Xdv)
        per_class = f1_score(ydv, pred, average=None, labels=["support", "deny", "query", "comment"])
        fast = speed(model, Xdv)
        rows[name] = {"dev_macro_f1": macro_f1(ydv, pred), **fast,
                      "f1": dict(zip(["support", "deny", "query", "comment"], map(float, per_class), strict=True))}
        print(f"{name:24s} dev macro-F1 {rows[name]['dev_macro_f1']:.3f}  "
              + " ".join(f"{k} {v:.2f}" for k, v in rows[name]["f1"].items())
              + f"  {fast['units_per_s']:,.0f} units/s ({fast['units_per_cpu_s']:,.0f} per CPU second)")
    RESULTS.mkdir(exist_ok=True)
    used = {k: v for k, v in ReplyStanceClassifier(**params).get_params().items() if k in ("C", "cue_weight")}
    (RESULTS / "reply_stance.json").write_text(json.dumps(
        {"params": used, "load_average": [round(v, 2) for v in os.getloadavg()], "results": rows}, indent=1))


if __name__ == "__main__":
    main()
