"""Loading the whataboutism splits (../shared/data/whataboutism; never vendored)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
FILES = {
    ("youtube", "train"): "youtube_context_train.csv",
    ("youtube", "val"): "youtube_context_val.csv",
    ("twitter", "train"): "twitter_data_1204_train.csv",
    ("twitter", "val"): "twitter_data_1204_val.csv",
}


def load(platform: str, split: str) -> pd.DataFrame:
    """``text``, ``context`` (the YouTube video title, unescaped; empty for Twitter), ``label``."""
    path = SHARED / "whataboutism" / FILES[(platform, split)]
    if not path.is_file():
        raise SystemExit(f"{path} is missing: set THREADFRAME_SHARED_DATA to the shared data folder")
    raw = pd.read_csv(path)
    text = raw["Comment"] if "Comment" in raw.columns else raw["Tweet"]
    context = (raw["Title"].fillna("").map(html.unescape) if "Title" in raw.columns
               else pd.Series([""] * len(raw)))
    return pd.DataFrame({"text": text.astype("str"), "context": context.astype("str"),
                         "label": raw["Label"].astype(int), "platform": platform})
