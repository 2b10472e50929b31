"""Prediction speed of the classifiers on one core (issue 13 target: >= 5,000 units/s).

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/bench_predict_speed.py

Fits each model on FrAC (frames) or the YouTube + Twitter train splits
(whataboutism; needs ../shared/data), then times ``predict_proba`` on 20,000
real sentences and replies (the training texts repeated: the vectorisers do
the same work on a repeat). Best of three runs; the time of each feature part
apart. Writes benchmarks/results/predict_speed.json.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

import analysis  # noqa: E402
from analysis.models.classifiers import as_units  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
N = 20000


def _row(name, model, texts) -> dict:
    texts = (texts * (N // len(texts) + 1))[:N]
    seconds = best_of(lambda: model.predict_proba(texts))
    units = as_units(texts)
    parts = {part_name: round(N / best_of(lambda p=part: p.transform(units), 1))
             for part_name, part in model.features_.transformer_list}
    row = {"model": name, "n_units": N, "units_per_s": round(N / seconds), "parts_units_per_s": parts}
    print(row, flush=True)
    return row


def main() -> None:
    frac = analysis.load_frac()
    ftexts, flabels = frac["text"].tolist(), frac["frame"].to_numpy(dtype=object)
    rows = [_row("FrameClassifier()", analysis.FrameClassifier().fit(ftexts, flabels), ftexts),
            _row("FrameClassifier(char_ngrams=(1, 5), min_df=2) (the old n-grams)",
                 analysis.FrameClassifier(char_ngrams=(1, 5), min_df=2).fit(ftexts, flabels), ftexts)]
    try:
        from _whataboutism_data import load

        data = pd.concat([load("youtube", "train"), load("twitter", "train")], ignore_index=True)
        wtexts = data["text"].tolist()
        rows.append(_row("WhataboutismClassifier()",
                         analysis.WhataboutismClassifier().fit(wtexts, data["label"]), wtexts))
    except SystemExit as exc:
        print(f"whataboutism skipped: {exc}")
    for name in ("policy-frames", "whataboutism"):
        rows.append(_row(f"load_pretrained({name!r})", analysis.load_pretrained(name),
                         ftexts if name == "policy-frames" else ftexts[::-1]))
    RESULTS.mkdir(exist_ok=True)
    out = {"benchmark": "predict_proba units per second, one core",
           "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
           "affinity": sorted(os.sched_getaffinity(0)), "results": rows}
    (RESULTS / "predict_speed.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
