"""Bundled human-coded data: the FrAC gold set (see analysis/data/frac/LICENSE.md)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

#: FrAC's labels (Media Frames Corpus codes) and their names; FrAC merges MFC's
#: legality with crime (5) and policy with politics (6).
FRAC_FRAMES = {
    1: "economic", 3: "morality", 4: "fairness_equality", 5: "legality_crime",
    6: "political_policies", 8: "security_defense", 9: "health_safety",
    11: "cultural_identity", 12: "public_opinion", 15: "other",
}

FRAC_CITATION = (
    "Guida, M., Otmakhova, Y., Hovy, E., & Frermann, L. (2025). Retain or reframe? A computational "
    "framework for the analysis of framing in news articles and reader comments. arXiv:2507.04612. "
    "Sentences from the SFU Opinion and Comments Corpus (Kolhatkar & Taboada 2017). "
    "Licence: CC BY-NC-SA 4.0.")


def load_frac() -> pd.DataFrame:
    """The FrAC gold set: 523 sentences from Globe and Mail opinion articles and
    their reader comments, one frame each.

    Columns: ``unit_id`` (``<id>:<row>``), ``doc_id`` (FrAC's id), ``text``, ``code`` (MFC code), ``frame`` (name),
    ``type`` (``article``, ``comment``, or ``unknown`` for the one row without).
    """
    path = resources.files("analysis") / "data" / "frac" / "frac_gold.csv"
    with path.open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"sentence": "str", "id": "str", "type": "str"})
    # FrAC's `id` names the article (or comment) a sentence comes from, so several
    # sentences can share it: it becomes doc_id, and unit_id adds the row.
    doc = raw["id"].fillna("unknown").astype("str")
    out = pd.DataFrame({
        "unit_id": doc + ":" + pd.Series(range(len(raw))).astype("str"),
        "doc_id": doc,
        "text": raw["sentence"],
        "code": raw["label"].astype("int64"),
        "frame": raw["label"].map(FRAC_FRAMES).astype("str"),
        "type": raw["type"].fillna("unknown").astype("str"),
    })
    return out
