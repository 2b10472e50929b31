"""Target stance benchmark on x-stance (validation split, German and French).

    python benchmarks/bench_stance_xstance.py [--folds 5] [--quick]

In the same run and on the same folds, compares threadframe's
StanceClassifier (defaults) with plain TF-IDF + logistic regression
(scikit-learn defaults; comment alone, and question + comment) and the
codebook's dictionary stance (analysis.tag; English cues, so on German and
French it mostly says NONE). Settings:

* unseen questions: GroupKFold by question (no test question in training),
  with ablations of the blocks that are off by default (char n-grams;
  target-word x text-word pairs and shared-word overlap);
* cross-language: train on German, test on French;
* seen questions: stratified 5-fold over all comments, one shared model
  against per-target heads (``per_target=True``);
* agreement of the dictionary stance with the model (Cohen's kappa, accuracy);
* prediction speed on one core (units/s of wall and of CPU time, best of 3;
  ``--speed`` measures only that and updates the results file).

Scores: the mean of the FAVOR and AGAINST F1 (SemEval-2016) and macro-F1
over the labels present. Needs ../shared/data/stance/xstance-valid (CC BY-NC
4.0: never copied into the repo; set THREADFRAME_SHARED_DATA). Writes
benchmarks/results/stance_xstance.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the speed figure says

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import cohen_kappa_score, f1_score  # noqa: E402
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from analysis.models.stance import StanceClassifier  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = Path(__file__).resolve().parent / "results"


def load(data: Path = DATA) -> pd.DataFrame:
    """x-stance valid.jsonl as a frame of text, target, label, language, question_id."""
    raw = pd.read_json(data / "stance" / "xstance-valid" / "valid.jsonl", lines=True)
    return pd.DataFrame({"text": raw["comment"].to_numpy(dtype=object),
                         "target": raw["question"].to_numpy(dtype=object),
                         "label": raw["label"].to_numpy(dtype=object),
                         "language": raw["language"].to_numpy(dtype=object),
                         "question_id": raw["question_id"].to_numpy()})


class Plain(ClassifierMixin, BaseEstimator):
    """TF-IDF + logistic regression, scikit-learn defaults, on the comment
    (or on question + comment with ``with_target``)."""

    def __init__(self, with_target: bool = False):
        self.with_target = with_target

    def _texts(self, X):
        texts = X["text"].astype(str)
        if self.with_target:
            texts = X["target"].astype(str) + " " + texts
        return texts.to_numpy(dtype=object)

    def fit(self, X, y):
        self.pipe_ = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
        self.pipe_.fit(self._texts(X), y)
        self.classes_ = self.pipe_.classes_
        return self

    def predict(self, X):
        return self.pipe_.predict(self._texts(X))


def dictionary_stance(X: pd.DataFrame) -> np.ndarray:
    """analysis.tag's stance table as FAVOR/AGAINST/NONE (no training)."""
    from analysis.tagging.tagger import tag

    frame = pd.DataFrame({"unit_id": np.arange(len(X)).astype(str),
                          "text": X["text"].to_numpy(dtype=object)})
    words = tag(frame, roles=None).stance["stance"].to_numpy(dtype=object)
    return pd.Series(words).map({"supportive": "FAVOR", "critical": "AGAINST",
                                 "neutral": "NONE"}).to_numpy(dtype=object)


def scores(y, pred) -> dict:
    labels = sorted(set(y) | set(pred))
    return {"f1_favor_against": round(float(f1_score(y, pred, labels=["FAVOR", "AGAINST"],
                                                     average="macro", zero_division=0)), 4),
            "macro_f1": round(float(f1_score(y, pred, labels=labels, average="macro",
                                             zero_division=0)), 4),
            "accuracy": round(float(np.mean(np.asarray(y) == np.asarray(pred))), 4)}


def _line(setting: str, name: str, s: dict, seconds: float) -> None:
    print(f"{setting:17s} {name:40s} F1(F,A) {s['f1_favor_against']:.3f}  macro-F1 "
          f"{s['macro_f1']:.3f}  acc {s['accuracy']:.3f}  ({seconds:.0f}s)", flush=True)


def speed(model, X: pd.DataFrame, n: int = 20000, repeats: int = 3) -> float:
    """Units per second of ``model.predict`` on ``n`` units (best of ``repeats``).

    The x-stance comments are repeated to ``n`` rows, each made distinct by a
    row number (the model computes each distinct text once; targets repeat,
    as they do in use)."""
    big = X.iloc[np.resize(np.arange(len(X)), n)].reset_index(drop=True)
    big["text"] = big["text"].astype(str) + " " + pd.Series(np.arange(n)).astype(str)
    best = cpu = np.inf
    for _ in range(repeats):
        start, cstart = time.perf_counter(), time.process_time()
        model.predict(big)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - cstart)
    return n / best, n / cpu


def transductive(data, X, y, folds: int) -> None:
    """Does centring each unseen question's scores help? A question's comments are all
    at hand when it is coded, so each comment's FAVOR log-odds can be measured against
    the median (or mean) of its question's, then the overall one added back."""
    groups = data["question_id"].to_numpy()
    out = {}
    for name, make in (("TF-IDF + LR (question + comment)", lambda: Plain(True)),
                       ("threadframe StanceClassifier()", StanceClassifier)):
        logit = np.zeros(len(y))
        for tr, te in GroupKFold(folds).split(X, y, groups):
            model = make().fit(X.iloc[tr], y[tr])
            proba = (model.predict_proba(X.iloc[te]) if hasattr(model, "predict_proba")
                     else model.pipe_.predict_proba(model._texts(X.iloc[te])))
            p = np.clip(proba[:, list(model.classes_).index("FAVOR")], 1e-9, 1 - 1e-9)
            logit[te] = np.log(p / (1 - p))
        s = pd.Series(logit)
        by_q = s.groupby(pd.Series(groups))
        for how, centred in (("none", s), ("median", s - by_q.transform("median") + s.median()),
                             ("mean", s - by_q.transform("mean") + s.mean())):
            pred = np.where(centred.to_numpy() > 0, "FAVOR", "AGAINST")
            out[f"{name} / centring {how}"] = scores(y, pred)
            _line("unseen questions", f"{name[:24]}, centring {how}", out[f"{name} / centring {how}"], 0)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stance_xstance_transductive.json").write_text(json.dumps(out, indent=2))


def speed_result(X, y) -> dict:
    """Prediction speed of StanceClassifier() trained on all comments (wall and CPU time, one thread)."""
    model = StanceClassifier().fit(X, y)
    wall, cpu = speed(model, X)
    out = {"predict_units_per_s_one_core": round(wall), "predict_units_per_cpu_s_one_core": round(cpu),
           "load_average": [round(v, 2) for v in os.getloadavg()]}
    print(f"prediction speed: {out['predict_units_per_s_one_core']} units/s wall, "
          f"{out['predict_units_per_cpu_s_one_core']} units per CPU second (one core)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="unseen questions only, no speed")
    parser.add_argument("--transductive", action="store_true",
                        help="only the per-question centring experiment (stance_xstance_transductive.json)")
    parser.add_argument("--speed", action="store_true",
                        help="only the prediction speed, written into the existing results file")
    args = parser.parse_args()
    if not (DATA / "stance" / "xstance-valid" / "valid.jsonl").is_file():
        print(f"x-stance not found under {DATA}/stance/xstance-valid; nothing to do "
              "(set THREADFRAME_SHARED_DATA)")
        return
    data = load()
    X, y = data[["text", "target"]], data["label"].to_numpy(dtype=object)
    if args.transductive:
        transductive(data, X, y, args.folds)
        return
    if args.speed:
        path = RESULTS / "stance_xstance.json"
        saved = json.loads(path.read_text()) if path.is_file() else {}
        saved.update(speed_result(X, y))
        path.write_text(json.dumps(saved, indent=2))
        return
    rows: list[dict] = []
    makers = {"TF-IDF + LR (comment)": lambda: Plain(False),
              "TF-IDF + LR (question + comment)": lambda: Plain(True),
              "threadframe StanceClassifier()": StanceClassifier,
              # ablations: blocks that are off by default, and why (docs/stance.md)
              "StanceClassifier(char_ngrams=(2, 5))": lambda: StanceClassifier(char_ngrams=(2, 5)),
              "StanceClassifier(pair_weight=1, overlap_weight=1)":
                  lambda: StanceClassifier(pair_weight=1.0, overlap_weight=1.0)}

    def record(setting, name, truth, pred, seconds, **extra):
        s = scores(truth, pred)
        rows.append({"setting": setting, "model": name, "n_test": len(truth), **s,
                     "seconds": round(seconds, 1), **extra})
        _line(setting, name, s, seconds)

    # -- unseen questions
    groups = data["question_id"].to_numpy()
    folds = GroupKFold(args.folds)
    oof = {}
    for name, make in makers.items():
        start = time.perf_counter()
        oof[name] = cross_val_predict(make(), X, y, cv=folds, groups=groups)
        record("unseen questions", name, y, oof[name], time.perf_counter() - start)
    start = time.perf_counter()
    dict_pred = dictionary_stance(X)
    record("unseen questions", "dictionary stance (English cues)", y, dict_pred,
           time.perf_counter() - start, share_none=round(float(np.mean(dict_pred == "NONE")), 4))
    model_pred = oof["threadframe StanceClassifier()"]
    said = dict_pred != "NONE"
    agreement = {"kappa_all": round(float(cohen_kappa_score(dict_pred, model_pred)), 4),
                 "accuracy_all": round(float(np.mean(dict_pred == model_pred)), 4),
                 "n_dictionary_not_none": int(said.sum()),
                 "accuracy_where_dictionary_not_none": (
                     round(float(np.mean(dict_pred[said] == model_pred[said])), 4)
                     if said.any() else None)}
    print(f"dictionary vs model: {agreement}")
    result: dict = {"benchmark": "x-stance target stance (valid split)", "folds": args.folds,
                    "n": len(data), "n_questions": int(data["question_id"].nunique()),
                    "dictionary_vs_model": agreement}
    if not args.quick:
        # -- cross-language: German -> French
        de, fr = (data["language"] == "de").to_numpy(), (data["language"] == "fr").to_numpy()
        for name, make in makers.items():
            start = time.perf_counter()
            pred = make().fit(X[de], y[de]).predict(X[fr])
            record("de -> fr", name, y[fr], pred, time.perf_counter() - start)
        # -- seen questions: one shared model against per-target heads
        strat = StratifiedKFold(args.folds, shuffle=True, random_state=0)
        for name, make in {"TF-IDF + LR (comment)": lambda: Plain(False),
                           "threadframe StanceClassifier()": StanceClassifier,
                           "StanceClassifier(per_target=True)":
                               lambda: StanceClassifier(per_target=True)}.items():
            start = time.perf_counter()
            pred = cross_val_predict(make(), X, y, cv=strat)
            record("seen questions", name, y, pred, time.perf_counter() - start)
        result.update(speed_result(X, y))
    result["results"] = rows
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("stance_xstance_quick.json" if args.quick else "stance_xstance.json")
    path.write_text(json.dumps(result, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
