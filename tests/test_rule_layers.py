"""Rule layers are plug-ins: a new one is one class, registered by name, and the
tagger, the evidence table and explain() use it like the built-in one."""

from __future__ import annotations

import numpy as np
import pytest

import analysis
from analysis.tagging.codebook import CodebookError, Cue, parse_codebook
from analysis.tagging.matcher import cue_tokens

CODEBOOK = """
name: shouting
version: "1"
description: capitals as a rule layer
categories:
  shouting:
    label: Shouting
    definition: A unit that shouts about something.
    rules: {rules}
"""


class ShoutLayer:
    """Fires once per text on the word 'LOUD' (case-sensitive cue), weight 1."""

    name = "shout"

    def cues(self):
        return {"shout:loud": [Cue(pattern="LOUD", tokens=cue_tokens("LOUD"), case_sensitive=True)]}

    def hits(self, matcher, matches, n, contexts):
        gid = matcher.groups.index("shout:loud")
        sel = matcher.entry_group[matches.entry] == gid
        ti = matches.text[sel]
        first = np.unique(ti, return_index=True)[1]  # each text counts once
        ti = ti[first]
        score = np.bincount(ti, minlength=n).astype(float)
        return analysis.LayerHits(score=score, text=ti, rule=np.full(len(ti), "rule:loud", dtype=object),
                                  start=matches.start[sel][first], end=matches.end[sel][first],
                                  weight=np.ones(len(ti)))


@pytest.fixture
def shout():
    layer = analysis.register_rule_layer(ShoutLayer())
    yield layer
    from analysis.tagging import layers

    layers._REGISTERED.pop("shout", None)


def test_builtin_whataboutism_is_a_layer_found_by_name():
    assert "whataboutism" in analysis.rule_layer_names()


def test_unknown_layer_in_a_codebook_is_a_clear_error():
    with pytest.raises(CodebookError, match="rule layer.*'shout'"):
        parse_codebook(CODEBOOK.format(rules="shout"), "shouting.yaml")


def test_a_registered_layer_scores_tags_and_explains(shout):
    cb = parse_codebook(CODEBOOK.format(rules="shout"), "shouting.yaml")
    res = analysis.tag(["this is LOUD and LOUD", "this is loud", "quiet"], cb)
    wide = res.wide()
    assert wide["shouting"].tolist() == [True, False, False]
    ev = res.evidence
    assert ev["cue"].tolist() == ["rule:loud"] and ev[["start", "end"]].values.tolist() == [[8, 12]]
    why = analysis.explain("this is LOUD and LOUD", "shouting", cb)
    assert why.present and why.score == 1.0 and why.rules["rule"].tolist() == ["loud"]


def test_register_refuses_what_is_not_a_layer():
    with pytest.raises(TypeError, match="not a rule layer"):
        analysis.register_rule_layer(object())


def test_explain_agrees_with_tag_on_whataboutism():
    texts = ["What about the NSA spying on everyone? The US does the same.",
             "Cameras in Xinjiang are a human rights abuse.",
             "Funny how nobody cared when Google tracked us."]
    res = analysis.tag(texts)
    for uid, text in zip(res.units["unit_id"], texts, strict=True):
        row = res.tags[(res.tags["unit_id"] == uid) & (res.tags["category"] == "whataboutism")].iloc[0]
        why = analysis.explain(text, "whataboutism")
        assert (why.present, why.score) == (bool(row["present"]), float(row["score"]))
