"""Whataboutism on the sample corpus (issue 13): reports are not deflections.

The articles of the sample corpus report China's surveillance; reporting a
wrong is not pointing at another actor's wrong to deflect criticism. The
Techdirt comment that turns from China to the NSA and Google is the move.
"""

from __future__ import annotations

import pytest

import analysis
import threads
from analysis.tagging import whataboutism as wa


@pytest.fixture(scope="module")
def tagged():
    result = analysis.tag(threads.sample_corpus())
    wa_tags = result.tags[result.tags["category"] == "whataboutism"]
    roles = result.units.set_index("unit_id")["role"]
    texts = result.units.set_index("unit_id")["text"]
    return wa_tags.assign(role=wa_tags["unit_id"].map(roles).to_numpy(),
                          text=wa_tags["unit_id"].map(texts).to_numpy()), result.evidence


def test_no_report_unit_is_tagged(tagged):
    tags, _ = tagged
    article = tags[tags["role"].isin(["body", "title"])]
    assert len(article) > 50  # the sample's articles were tagged at all
    assert not article["present"].any(), article[article["present"]]["unit_id"].tolist()
    assert article["score"].max() < wa.THRESHOLD


def test_reported_surveillance_does_not_score(tagged):
    # These paragraphs only say what China's surveillance is; before the lexicon
    # counted the bare noun "surveillance" as a wrong they scored 0.25 each.
    tags, evidence = tagged
    for start in ("State-of-the-art security cameras", "China is one of the most surveilled",
                  "China Exporting Its Surveillance Tech", "Chinese firms show off"):
        rows = tags[tags["text"].str.startswith(start)]
        assert len(rows) >= 1, start
        assert (rows["score"] == 0).all(), start
        wa_ev = evidence[evidence["category"] == "whataboutism"]
        assert not wa_ev["unit_id"].isin(rows["unit_id"]).any(), start


def test_techdirt_comment_is_tagged(tagged):
    tags, evidence = tagged
    row = tags[tags["text"].str.contains("never a mention of those here", regex=False)]
    assert len(row) == 1 and row["role"].iloc[0] == "comment"
    assert row["present"].iloc[0]
    ev = evidence[(evidence["unit_id"] == row["unit_id"].iloc[0])
                  & (evidence["category"] == "whataboutism")]
    assert "rule:selective_attention" in set(ev["cue"])
    switched = set(ev.loc[ev["cue"] == "rule:actor_switch", "matched"].str.upper())
    assert switched & {"NSA", "GOOGLE"}


def test_surveilling_is_still_a_wrong():
    # The verb is what an actor does to people: a comment pointing at it still counts.
    hits = wa.rule_hits("Facebook and Google surveil NOW", context_actors=("China",))
    assert {h.matched for h in hits if h.rule == "actor_switch"} >= {"Facebook", "Google"}
    hits = wa.rule_hits("But the NSA runs mass surveillance too", context_actors=("China",))
    assert any(h.rule == "actor_switch" and h.matched == "NSA" for h in hits)
    assert not wa.rule_hits("China showcased its surveillance prowess")
