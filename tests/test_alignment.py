"""Sentence alignment of versions of one story, on texts with known overlaps."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis.compare.alignment import (
    align_versions,
    alignment_matrix,
    change_frames,
    story_sentences,
)
from threads.errors import ThreadframeError

ORIGINAL = ("China showcased its surveillance technology at a forum in Lianyungang. "
            "Delegates from a hundred countries attended the event. "
            "Huawei said its system is now used in more than 100 countries. "
            "The police minister promised to train thousands more officers.")
REWRITE = ("China showcased its surveillance technology at a forum in Lianyungang. "
           "Representatives of about one hundred countries attended the event this week. "
           "Huawei said its system is now used in more than 100 countries. "
           "Critics say the same cameras are used to repress Uyghurs in Xinjiang.")


def versions(**texts):
    return pd.DataFrame({"unit_id": [f"{k}:0" for k in texts], "doc_id": list(texts),
                         "role": "body", "position": 0, "outlet": [k.upper() for k in texts],
                         "text": list(texts.values())})


def test_story_sentences_keeps_abbreviations_and_quotes():
    units = versions(a="In 2018, the U.S. Treasury said residents “were required to download” it. "
                       "Col. Galo Erazo agreed! “We can learn from China,” says Sydney Gabela. "
                       "A last one")
    s = story_sentences(units)
    assert s["text"].tolist() == [
        "In 2018, the U.S. Treasury said residents “were required to download” it.",
        "Col. Galo Erazo agreed!",
        "“We can learn from China,” says Sydney Gabela.",
        "A last one",
    ]
    assert s["unit_id"].tolist() == ["a:0:s0", "a:0:s1", "a:0:s2", "a:0:s3"]
    assert (s["source_unit_id"] == "a:0").all()
    text = units.at[0, "text"]
    assert all(text[b:e].strip() == t for b, e, t in zip(s["start"], s["end"], s["text"], strict=True))
    assert (s["outlet"] == "A").all()  # other unit columns travel with the sentence


@pytest.mark.parametrize("method", ["hungarian", "greedy"])
def test_known_shared_paraphrased_added_and_omitted(method):
    s = story_sentences(versions(orig=ORIGINAL, new=REWRITE))
    al = align_versions(s, by="doc_id", method=method)
    new = al[(al["version"] == "new") & (al["reference"] == "orig")].set_index("unit_id")
    assert new.loc["new:0:s0", "status"] == "shared"
    assert new.loc["new:0:s0", "match_id"] == "orig:0:s0"
    assert new.loc["new:0:s0", "similarity"] == pytest.approx(1.0)
    assert new.loc["new:0:s1", "status"] == "paraphrased"
    assert new.loc["new:0:s1", "match_id"] == "orig:0:s1"
    assert new.loc["new:0:s2", "status"] == "shared"
    assert new.loc["new:0:s3", "status"] == "added"
    assert new.loc["orig:0:s3", "status"] == "omitted"
    assert len(new) == 5
    # the other direction mirrors it
    back = al[(al["version"] == "orig") & (al["reference"] == "new")].set_index("unit_id")
    assert back.loc["orig:0:s3", "status"] == "added"
    assert back.loc["new:0:s3", "status"] == "omitted"


def test_matrix_and_frames_of_changes():
    s = story_sentences(versions(orig=ORIGINAL, new=REWRITE, copy=ORIGINAL))
    al = align_versions(s, by="outlet")
    m = alignment_matrix(al).set_index(["version", "reference"])
    assert m.loc[("COPY", "ORIG"), "share_shared"] == pytest.approx(1.0)
    row = m.loc[("NEW", "ORIG")]
    assert (row["n_shared"], row["n_paraphrased"], row["n_added"], row["n_omitted"]) == (2, 1, 1, 1)
    assert row["share_kept"] == pytest.approx(3 / 4)
    tags = pd.DataFrame({"unit_id": s["unit_id"], "category": "rights",
                         "present": s["text"].str.contains("repress")})
    ch = change_frames(al, tags).set_index(["version", "reference", "status"])
    assert ch.loc[("NEW", "ORIG", "added"), "n_present"] == 1
    assert ch.loc[("ORIG", "NEW", "omitted"), "share"] == pytest.approx(1.0)
    assert ch.loc[("NEW", "ORIG", "shared"), "n_present"] == 0


def test_thresholds_move_sentences_between_classes():
    s = story_sentences(versions(orig=ORIGINAL, new=REWRITE))
    strict = align_versions(s, paraphrase_threshold=0.95, shared_threshold=0.95)
    new = strict[(strict["version"] == "new") & (strict["reference"] == "orig")].set_index("unit_id")
    assert new.loc["new:0:s1", "status"] == "added"
    assert new.loc["orig:0:s1", "status"] == "omitted"


def test_errors():
    s = story_sentences(versions(orig=ORIGINAL))
    with pytest.raises(ThreadframeError, match="at least two versions"):
        align_versions(s)
    with pytest.raises(ThreadframeError, match="threshold"):
        align_versions(s, paraphrase_threshold=0.9, shared_threshold=0.5)
    with pytest.raises(ThreadframeError, match="no sentences"):
        align_versions(s, versions=["orig", "missing"])
    assert analysis.align_versions is align_versions
