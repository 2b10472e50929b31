"""Reply stance feeds the comparison tools: shares by outlet and depth, with intervals, and a figure."""

from __future__ import annotations

import matplotlib.figure
import pandas as pd

import analysis
import threads
from analysis import ReplyStanceClassifier
from analysis.figures.plots import plot_prevalence

CLAIM = "The museum is closing for good next month"


def _model():
    train = pd.DataFrame({"text": ["is that confirmed? source?", "really? who said so?", "fake, they just renovated",
                                   "not true, it is a hoax", "yes, the director confirmed it",
                                   "true, it was in the paper", "I loved that museum", "went there as a kid"] * 3,
                          "parent_text": CLAIM, "source_text": CLAIM})
    labels = ["query", "query", "deny", "deny", "support", "support", "comment", "comment"] * 3
    return ReplyStanceClassifier(min_df=1).fit(train, labels)


def _corpus(n_threads=6):
    rows, outlets = [], {}
    for k in range(n_threads):
        d, outlet = f"t{k}", "A" if k % 2 else "B"
        outlets[d] = outlet
        rows += [dict(doc_id=d, unit_id=f"{d}-s", parent_id=None, role="body", text=CLAIM),
                 dict(doc_id=d, unit_id=f"{d}-1", parent_id=None, role="comment", text="is that confirmed? source?"),
                 dict(doc_id=d, unit_id=f"{d}-2", parent_id=f"{d}-1", role="comment",
                      text="not true, it is a hoax" if outlet == "B" else "yes, the director confirmed it")]
    c = threads.Corpus.from_pandas(pd.DataFrame(rows), unit_id="unit_id", parent_id="parent_id", role="role")
    return c.with_docs(c.docs.assign(outlet=c.docs["doc_id"].map(outlets)))


def test_reply_stance_shares_by_outlet_and_depth():
    corpus = _corpus()
    stance = _model().tag(corpus.units)
    prev = analysis.prevalence(stance, corpus, by=["outlet", "depth"], roles=["comment"], n_boot=200)
    share = prev.set_index(["outlet", "depth", "category"])["share"]
    assert share[("A", 1, "query")] == share[("B", 1, "query")] == 1.0
    assert share[("B", 2, "deny")] == 1.0 and share[("A", 2, "deny")] == 0.0
    assert share[("A", 2, "support")] == 1.0
    assert (prev["ci_low"] <= prev["share"]).all() and (prev["share"] <= prev["ci_high"]).all()
    assert prev["n_units"].eq(3).all()  # three threads per outlet, one reply at each depth


def test_reply_stance_by_outlet_draws_as_a_figure():
    corpus = _corpus()
    stance = _model().tag(corpus.units)
    prev = analysis.prevalence(stance, corpus, by="outlet", roles=["comment"], n_boot=200)
    fig = plot_prevalence(prev, "outlet", categories=["support", "deny", "query", "comment"])
    assert isinstance(fig, matplotlib.figure.Figure)
