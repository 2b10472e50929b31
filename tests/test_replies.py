"""Reply-tree transitions on a small hand-built tree.

    article d1: title t (security), body b1 (rights), body b2 (none)
    c1 (security)
    ├── c2 (whataboutism)
    │   └── c4 (security, rights)
    └── c3 (security)
    c5 (none)
    └── c6 (whataboutism)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.compare.replies import (
    answered_by,
    article_vs_comments,
    frames_by_depth,
    reply_edges,
    transitions,
)
from threads.errors import ThreadframeError

CATS = ("security", "rights", "whataboutism")
CARRIES = {"t": {"security"}, "b1": {"rights"}, "b2": set(), "c1": {"security"},
           "c2": {"whataboutism"}, "c3": {"security"}, "c4": {"security", "rights"},
           "c5": set(), "c6": {"whataboutism"}}


@pytest.fixture()
def tree():
    units = pd.DataFrame({
        "unit_id": ["t", "b1", "b2", "c1", "c2", "c3", "c4", "c5", "c6"],
        "doc_id": "d1",
        "role": ["title", "body", "body"] + ["comment"] * 6,
        "parent_id": [None, None, None, None, "c1", "c1", "c2", None, "c5"],
        "depth": [0, 0, 0, 1, 2, 2, 3, 1, 2],
        "text": "some words",
    })
    tags = pd.DataFrame([{"unit_id": u, "doc_id": "d1", "category": c, "present": c in cs}
                         for u, cs in CARRIES.items() for c in CATS])
    return tags, units


def cell(table, a, b):
    row = table[(table["from_category"] == a) & (table["to_category"] == b)]
    assert len(row) == 1
    return row.iloc[0]


def test_edges(tree):
    _, units = tree
    edges = reply_edges(units)
    assert sorted(zip(edges["parent_id"], edges["unit_id"], strict=True)) == [
        ("c1", "c2"), ("c1", "c3"), ("c2", "c4"), ("c5", "c6")]
    with_article = reply_edges(units, include_article=True)
    assert len(with_article) == 6
    assert set(with_article.loc[with_article["parent_id"] == "d1:<article>", "unit_id"]) == {"c1", "c5"}


def test_transition_counts_shares_and_lift(tree):
    tags, units = tree
    before = tags.copy()
    tr = transitions(tags, units)
    pd.testing.assert_frame_equal(tags, before)
    assert len(tr) == 4 * 4  # three categories plus "none", both ways
    assert (tr["n_edges"] == 4).all()
    s_w = cell(tr, "security", "whataboutism")  # c1 -> c2 of c1's two replies
    assert (s_w["n_from"], s_w["n_transitions"]) == (2, 1)
    assert s_w["share"] == pytest.approx(0.5)
    assert s_w["base_rate"] == pytest.approx(2 / 4)  # c2, c6 of four replies
    assert s_w["lift"] == pytest.approx(1.0)
    w_r = cell(tr, "whataboutism", "rights")  # c2 -> c4
    assert (w_r["n_from"], w_r["n_transitions"]) == (1, 1)
    assert w_r["lift"] == pytest.approx(1.0 / (1 / 4))
    n_w = cell(tr, "none", "whataboutism")  # c5 -> c6
    assert n_w["n_transitions"] == 1 and n_w["lift"] == pytest.approx(2.0)
    assert cell(tr, "rights", "security")["n_from"] == 0
    assert np.isnan(cell(tr, "rights", "security")["share"])
    assert cell(tr, "security", "none")["base_rate"] == 0


def test_transitions_from_the_article(tree):
    tags, units = tree
    # security is in one of the article's three units (t), rights in one (b1): under the
    # default article_share (half) the article carries neither and answers as "none"
    tr = transitions(tags, units, include_article=True)
    assert cell(tr, "security", "security")["n_from"] == 2  # c1's two replies only
    assert cell(tr, "rights", "security")["n_from"] == 0
    assert cell(tr, "none", "security")["n_from"] == 1 + 2  # c5 -> c6, article -> c1, c5
    assert cell(tr, "none", "security")["n_transitions"] == 1  # article -> c1
    assert tr.attrs["article_share"] == 0.5
    # a third of its units is enough with article_share=1/3: it then carries both
    third = transitions(tags, units, include_article=True, include_none=False, article_share=1 / 3)
    assert cell(third, "security", "security")["n_from"] == 2 + 2
    assert cell(third, "rights", "security")["n_transitions"] == 1  # article -> c1
    assert set(third["from_category"]) == set(CATS)
    with pytest.raises(ThreadframeError, match="article_share"):
        transitions(tags, units, include_article=True, article_share=0)


def test_the_article_carries_its_majority_stance_not_every_stance(tree):
    _, units = tree
    stance = pd.DataFrame({"unit_id": units["unit_id"],
                           "stance": ["critical", "critical", "supportive", "neutral", "critical",
                                      "supportive", "neutral", "critical", "neutral"]})
    tr = transitions(stance, units, include_article=True, include_none=False)
    # the article (t, b1 critical; b2 supportive) is critical, not also supportive
    assert cell(tr, "critical", "neutral")["n_from"] == 2 + 2  # c2 -> c4, c5 -> c6, article -> c1, c5
    assert cell(tr, "supportive", "neutral")["n_from"] == 0  # c3 has no replies
    assert cell(tr, "critical", "neutral")["n_transitions"] == 3  # c4, c6, c1
    assert cell(tr, "critical", "critical")["n_transitions"] == 1  # article -> c5


def test_cells_on_too_few_replies_are_flagged(tree):
    tags, units = tree
    tr = transitions(tags, units)
    assert tr.attrs["min_replies"] == 10
    assert not tr["enough_replies"].any()  # four edges in all
    two = transitions(tags, units, min_replies=2)
    enough = two.groupby("from_category")["enough_replies"].first().to_dict()
    assert enough == {"security": True, "rights": False, "whataboutism": False, "none": False}
    ans = answered_by(tags, units, "whataboutism", min_replies=2)
    assert ans["enough_replies"].all()  # c2 and c6
    assert not answered_by(tags, units, "whataboutism")["enough_replies"].any()
    with pytest.raises(ThreadframeError, match="min_replies"):
        transitions(tags, units, min_replies=0)


def test_what_whataboutism_answers(tree):
    tags, units = tree
    ans = answered_by(tags, units, "whataboutism").set_index("parent_category")
    assert (ans["n_replies"] == 2).all()  # c2 and c6
    assert ans.loc["security", "n_parent"] == 1  # c2 answers c1
    assert ans.loc["none", "n_parent"] == 1  # c6 answers c5
    assert ans.loc["rights", "n_parent"] == 0
    # parents over all six edges (article included): security c1, c1; the article
    # (no frame in half its units) is "none" twice, with c5
    assert ans.loc["security", "base_rate"] == pytest.approx(2 / 6)
    assert ans.loc["none", "base_rate"] == pytest.approx(3 / 6)
    assert ans.loc["none", "lift"] == pytest.approx(0.5 / (3 / 6))
    third = answered_by(tags, units, "whataboutism", article_share=1 / 3).set_index("parent_category")
    assert third.loc["security", "base_rate"] == pytest.approx(4 / 6)  # the article carries it
    with pytest.raises(ThreadframeError, match="not in the tags"):
        answered_by(tags, units, "sarcasm")


def test_frames_by_depth_and_article_against_comments(tree):
    tags, units = tree
    depth = frames_by_depth(tags, units, cluster="unit", n_boot=20)
    sec = depth[depth["category"] == "security"].set_index("depth")
    assert sec["n_units"].to_dict() == {0: 3, 1: 2, 2: 3, 3: 1}
    assert sec.loc[2, "share"] == pytest.approx(1 / 3)
    avc = article_vs_comments(tags, units, n_boot=20)
    sec = avc[avc["category"] == "security"].set_index("side")
    assert sec.loc["article", "share"] == pytest.approx(1 / 3)
    assert sec.loc["comments", "share"] == pytest.approx(3 / 6)
    assert sec.loc["comments", "n_clusters"] == 2  # two comment threads
    assert analysis.transitions is transitions


def test_no_replies_is_an_error(tree):
    tags, units = tree
    flat = units.assign(parent_id=None)
    with pytest.raises(ThreadframeError, match="no reply edges"):
        transitions(tags, flat)
