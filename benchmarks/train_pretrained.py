"""Regenerate the pretrained models in analysis/models/pretrained/ (deterministic).

    python benchmarks/train_pretrained.py            # both
    python benchmarks/train_pretrained.py policy-frames

policy-frames: FrameClassifier on the vendored FrAC gold set (all 523 sentences).
whataboutism: WhataboutismClassifier on the YouTube and Twitter train splits of
../shared/data/whataboutism (YouTube comments read with their video title as
context). Only weights and pruned vocabularies are saved, never texts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import analysis  # noqa: E402
from analysis.models.datasets import FRAC_CITATION  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "analysis" / "models" / "pretrained"

POLICY_FRAMES_PARAMS = dict(codebook="policy-frames", name="policy-frames",
                            max_word_features=8000, max_char_features=20000)
# min_df=3: an n-gram is kept only if at least three different comments use it,
# so nothing particular to one person's comment survives in the vocabulary.
WHATABOUTISM_PARAMS = dict(name="whataboutism", context_column="context", min_df=3, C=0.03,
                           max_word_features=8000, max_char_features=20000)


def train_policy_frames():
    frac = analysis.load_frac()
    model = analysis.FrameClassifier(**POLICY_FRAMES_PARAMS).fit(frac[["unit_id", "text"]],
                                                                  frac["frame"])
    counts = frac["frame"].value_counts().sort_index().to_dict()
    path = analysis.save_model(model, OUT / "policy-frames.tfm", training_data={
        "dataset": "FrAC gold set (analysis/data/frac), all sentences",
        "n_units": len(frac), "labels": counts, "citation": FRAC_CITATION})
    return path


def train_whataboutism():
    import pandas as pd
    from _whataboutism_data import load

    data = pd.concat([load("youtube", "train"), load("twitter", "train")], ignore_index=True)
    model = analysis.WhataboutismClassifier(**WHATABOUTISM_PARAMS).fit(data, data["label"])
    path = analysis.save_model(model, OUT / "whataboutism.tfm", training_data={
        "dataset": "TQ-YT and TQ-TW train splits (Phi et al. 2024, KhiemPhi/wabt-det b5f8930, MIT)",
        "n_units": len(data),
        "positives": int(data["label"].sum()),
        "by_platform": data.groupby("platform")["label"].agg(["size", "sum"]).to_dict(orient="index"),
        "note": "weights only; n-grams used by fewer than 3 training texts, URLs, e-mail "
                "addresses, @handles and long numbers were never counted"})
    return path


if __name__ == "__main__":
    np.random.seed(0)
    wanted = sys.argv[1:] or ["policy-frames", "whataboutism"]
    for name in wanted:
        path = {"policy-frames": train_policy_frames, "whataboutism": train_whataboutism}[name]()
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
