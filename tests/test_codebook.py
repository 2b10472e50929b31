"""Codebooks: the shipped ones load, the format is validated with line numbers."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis.tagging.codebook import BUILTIN, CodebookError, parse_codebook
from threads.errors import ThreadframeError


def test_builtin_codebooks_load_with_contract_categories():
    cb = analysis.load_codebook("surveillance")
    assert cb.categories == ("security", "rights", "geopolitics", "economy", "technology", "whataboutism")
    assert cb.stance is not None and "surveillance" in cb.stance.target
    assert cb["whataboutism"].rules == "whataboutism"
    for name in BUILTIN:
        book = analysis.load_codebook(name)
        for cat in book:
            assert cat.definition, f"{name}:{cat.name} has no definition"


def test_policy_frames_keeps_mfc_codes():
    cb = analysis.load_codebook("policy-frames")
    codes = {c.name: c.code for c in cb}
    assert sorted(codes.values()) == list(range(1, 16))
    assert codes["economic"] == 1 and codes["security_defense"] == 8 and codes["other"] == 15


def test_codebook_is_immutable_and_displays(fixtures):
    cb = analysis.load_codebook(fixtures / "tagging" / "good.yaml")
    with pytest.raises(AttributeError):
        cb.name = "x"
    frame = cb.to_frame()
    assert list(frame["category"]) == ["privacy", "safety"]
    assert frame.loc[1, "threshold"] == 2
    assert "<table" in cb._repr_html_() and "classroom" in str(cb)
    cues = cb.cues()
    watch = cues[cues["cue"] == "watch*"].iloc[0]
    assert watch["window"] == 2 and "stopwatch" in watch["not_near"]
    assert set(cues["category"]) >= {"stance:critical", "stance:supportive"}


def test_bad_cues_report_file_and_line(fixtures):
    path = fixtures / "tagging" / "bad_cue.yaml"
    with pytest.raises(CodebookError) as err:
        analysis.load_codebook(path)
    msg = str(err.value)
    assert "bad_cue.yaml, line 8" in msg and "not regular expressions" in msg
    assert "bad_cue.yaml, line 9" in msg and "may only end a word" in msg
    assert isinstance(err.value, ThreadframeError)


def test_unknown_keys_are_named_with_a_suggestion(fixtures):
    with pytest.raises(CodebookError) as err:
        analysis.load_codebook(fixtures / "tagging" / "bad_keys.yaml")
    msg = str(err.value)
    assert "line 5" in msg and "did you mean 'definition'" in msg
    assert "line 7" in msg and "category name 'Bad Name'" in msg


def test_invalid_yaml_names_the_line(fixtures):
    with pytest.raises(CodebookError, match=r"bad_yaml.yaml, line \d+: not valid YAML"):
        analysis.load_codebook(fixtures / "tagging" / "bad_yaml.yaml")


def test_duplicate_cues_and_missing_fields():
    text = "name: x\nversion: '1'\ncategories:\n  a:\n    definition: d\n    cues: [spy, spy]\n"
    with pytest.raises(CodebookError, match="line 6: .*repeats the cue on line 6"):
        parse_codebook(text, source="dup.yaml")
    with pytest.raises(CodebookError, match="version is required"):
        parse_codebook("name: x\ncategories:\n  a:\n    definition: d\n    cues: [spy]\n")
    with pytest.raises(CodebookError, match="a definition is required"):
        parse_codebook("name: x\nversion: '1'\ncategories:\n  a:\n    cues: [spy]\n")
    with pytest.raises(CodebookError, match="weight must be a number"):
        parse_codebook("name: x\nversion: '1'\ncategories:\n  a:\n    definition: d\n"
                       "    cues: [{cue: spy, weight: heavy}]\n")


def test_unknown_codebook_name_and_missing_file(tmp_path):
    with pytest.raises(CodebookError, match="did you mean 'surveillance'"):
        analysis.load_codebook("surveilance")
    with pytest.raises(CodebookError, match="file not found"):
        analysis.load_codebook(tmp_path / "nope.yaml")


def test_user_copy_of_a_codebook_round_trips(tmp_path):
    from analysis.tagging.codebook import codebook_path

    text = codebook_path("surveillance").read_text(encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(text.replace("name: surveillance", "name: mine").replace(
        "      - fentanyl\n", "      - fentanyl\n      - cartel*\n"), encoding="utf-8")
    cb = analysis.load_codebook(mine)
    assert cb.name == "mine" and "cartel*" in [q.pattern for q in cb["security"].cues]
    tags = analysis.tag(["The cartels are moving in."], cb).tags
    assert bool(tags.set_index("category").loc["security", "present"])
    assert isinstance(cb.to_frame(), pd.DataFrame)


def test_the_example_codebook_in_the_docs_is_valid():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "codebooks.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    cb = parse_codebook(block, source="docs/codebooks.md")
    assert cb.categories == ("privacy", "safety") and cb["safety"].threshold == 2
    r = analysis.tag(["Big Brother is watching the kids", "Safety first, safe school"], cb)
    assert r.wide().to_dict("list") == {"privacy": [True, False], "safety": [False, True]}


@pytest.mark.shared_data
def test_policy_frames_codes_line_up_with_frac_gold_labels(shared_data):
    import numpy as np

    gold = pd.read_csv(shared_data / "frac" / "frac_gold.csv")
    cb = analysis.load_codebook("policy-frames")
    r = analysis.tag(pd.DataFrame({"unit_id": np.arange(len(gold)).astype(str), "text": gold["sentence"]}), cb)
    scores = r.wide("score")
    code = {c.name: c.code for c in cb}
    pred = np.where(scores.max(axis=1) > 0, scores.idxmax(axis=1).map(code), 15)
    accuracy = (pred == gold["label"].to_numpy()).mean()
    majority = gold["label"].value_counts(normalize=True).iloc[0]
    assert accuracy > 2 * majority  # a lexical tagger, but clearly informative
