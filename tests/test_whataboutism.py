"""The whataboutism rule layer: the move, not the phrase."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

import analysis
import threads
from analysis.tagging import whataboutism as wa


def _rules(text, context=None):
    return {h.rule for h in wa.rule_hits(text, context)}


@pytest.mark.parametrize("text", [
    "The US does the same thing, so why single out China?",
    "Where was the outrage when Obama droned weddings?",
    "Funny how nobody talks about what Google collects every day.",
    "Look who's talking. Clean up your own backyard first.",
    "What about the drone strikes the Americans ordered?",
])
def test_the_move_is_whataboutism(text):
    assert wa.is_whataboutism(text), wa.rule_hits(text)


@pytest.mark.parametrize("text", [
    "What about the weather tomorrow?",  # a literal "what about" is not enough
    "How about we meet at noon.",
    "China exports cameras and facial recognition to Ecuador.",
    "Police trained 2,700 officers from abroad.",
])
def test_not_whataboutism(text):
    assert not wa.is_whataboutism(text), wa.rule_hits(text)


def test_actor_switch_needs_the_thread_context():
    text = "Meanwhile Facebook and Google surveil everyone and nobody blinks."
    assert _rules(text, ("China",)) >= {"actor_switch"}
    # without context only the weak signal is left; with the same actor, none
    assert "actor_switch" not in _rules(text, None) and "other_wrong" in _rules(text, None)
    assert "actor_switch" not in _rules(text, ("Big Tech",))
    assert wa.focal_actors(["China's firms and Beijing; China again; the US once"]) == ("China", "US")
    assert wa.focal_actors(["China, China, police, the US, the US"], top=1) == ("China",)


def test_case_sensitive_us_is_the_country_not_the_pronoun():
    assert [a for a, _, _ in wa.actor_mentions("Tell us about the US")] == ["US"]


def test_features_one_column_per_rule_and_agree_with_rule_hits():
    texts = ["The US does the same", "Where were you when they did it too?", "nothing to see", "",
             "Ignoring how Facebook and Google surveil NOW. But never a mention of those here!"]
    ctx = [None, None, None, None, ("China",)]
    f = wa.rule_features(texts, context=ctx)
    assert list(f.columns) == [f"wa_{r}" for r in wa.RULES] + ["wa_score"]
    for i, t in enumerate(texts):
        hits = wa.rule_hits(t, ctx[i])
        assert f.loc[i, "wa_score"] == wa.score(hits)
        for r in wa.RULES:
            assert f.loc[i, f"wa_{r}"] == sum(h.rule == r for h in hits)
    assert wa.rule_features(texts, binary=True).to_numpy().max() <= 1 + f["wa_score"].max()


def test_comment_under_the_article_uses_the_article_actors():
    units = pd.DataFrame({
        "unit_id": ["t", "b1", "b2", "c1", "c2"], "doc_id": "d",
        "role": ["title", "body", "body", "comment", "comment"],
        "text": ["China exports its surveillance model", "Beijing trains police abroad.",
                 "China's firms sell cameras.", "And the NSA spies on everyone at home, ignoring how.",
                 "China spies on its own people."]})
    r = analysis.tag(units)
    w = r.wide()
    assert not w.loc[["t", "b1", "b2"], "whataboutism"].any()
    assert w.loc["c1", "whataboutism"] and not w.loc["c2", "whataboutism"]
    ev = r.evidence[(r.evidence["unit_id"] == "c1") & (r.evidence["category"] == "whataboutism")]
    assert "rule:actor_switch" in set(ev["cue"]) and "NSA" in set(ev["matched"])
    ex = r.explain("c1", "whataboutism")
    assert ex.present and "actor_switch" in str(ex)


def test_sample_corpus_techdirt_comment_and_afp_report():
    corpus = threads.sample_corpus()
    r = analysis.tag(corpus)
    units = r.units.set_index("unit_id")
    wide = r.wide()
    afp_doc = corpus.docs.loc[corpus.docs["outlet"] == "AFP", "doc_id"].item()
    afp = units.index[units["doc_id"] == afp_doc]
    assert len(afp) > 10 and not wide.loc[afp, "whataboutism"].any()
    # the Techdirt comment that turns from China to the NSA, Google and Facebook
    text = units["text"]
    turn = text[text.str.contains("Snowden didn't inform about China")].index
    assert len(turn) == 1 and wide.loc[turn[0], "whataboutism"]
    ev = r.evidence[(r.evidence["unit_id"] == turn[0]) & (r.evidence["category"] == "whataboutism")]
    assert {"rule:selective_attention", "rule:actor_switch"} <= set(ev["cue"])
    assert "GOOGLE" in set(ev["matched"])  # the NSA is the US, which the article mentions too
    if units.loc[turn[0], "role"] == "comment":  # the thread context is the article's actors
        assert "China" in units.loc[turn[0], "context"].split(";")
    # no comment under the Techdirt post other than this one deflects
    techdirt = units.index[(units["doc_id"] == units.loc[turn[0], "doc_id"]) & (units["role"] == "comment")]
    assert wide.loc[techdirt, "whataboutism"].sum() == 1


@pytest.mark.shared_data
def test_rules_on_real_whataboutism_replies(shared_data):
    folder = shared_data / "whataboutism"
    tw = pd.read_csv(folder / "twitter_data_1204_train.csv", dtype="str", keep_default_na=False)
    yt = pd.read_csv(folder / "youtube_context_train.csv", dtype="str", keep_default_na=False)
    y = tw["Label"].astype(int).to_numpy()
    pred = (wa.rule_features(tw["Tweet"])["wa_score"] >= wa.THRESHOLD).to_numpy()
    precision = (pred & (y == 1)).sum() / max(pred.sum(), 1)
    assert precision > y.mean() + 0.1  # clearly better than the base rate
    with_ctx = wa.rule_features(yt["Comment"], context=yt["Title"].map(html.unescape))
    without = wa.rule_features(yt["Comment"])
    assert with_ctx["wa_actor_switch"].sum() > 0 and without["wa_actor_switch"].sum() == 0
    yy = yt["Label"].astype(int).to_numpy()
    hit = (with_ctx["wa_score"] >= wa.THRESHOLD).to_numpy()
    assert (hit & (yy == 1)).sum() > 0 and np.mean(yy[hit]) > yy.mean()  # precision above base rate
