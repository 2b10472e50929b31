"""Weighted log-odds with an informative Dirichlet prior, on a worked example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import analysis
from analysis.compare.terms import distinctive_terms, load_stopwords, tokenize
from threads.errors import ThreadframeError


def two_groups():
    return pd.DataFrame({
        "unit_id": ["a1", "a2", "b1"], "doc_id": ["A", "A", "B"], "role": "body",
        "outlet": ["A", "A", "B"], "text": ["tax tax", "cut", "tax health health"],
    })


def test_worked_example_by_hand():
    # Counts: A: tax 2, cut 1 (n_A = 3); B: tax 1, health 2 (n_B = 3); corpus n = 6.
    # Default prior: a0 = 6 and a_w = corpus count (tax 3, cut 1, health 2).
    out = distinctive_terms(two_groups(), by="outlet", stopwords=())
    a = out[out["group"] == "A"].set_index("term")
    # tax: log((2+3)/(3+6-2-3)) - log((1+3)/(3+6-1-3)) = log(5/4) - log(4/5)
    d_tax = math.log(5 / 4) - math.log(4 / 5)
    v_tax = 1 / 5 + 1 / 4
    assert a.loc["tax", "delta"] == pytest.approx(d_tax)
    assert a.loc["tax", "variance"] == pytest.approx(v_tax)
    assert a.loc["tax", "z"] == pytest.approx(d_tax / math.sqrt(v_tax))
    assert a.loc["tax", "z"] == pytest.approx(0.665286, abs=1e-6)
    # cut: log((1+1)/(3+6-1-1)) - log((0+1)/(3+6-0-1)) = log(2/7) - log(1/8); var 1/2 + 1/1
    assert a.loc["cut", "z"] == pytest.approx((math.log(2 / 7) - math.log(1 / 8)) / math.sqrt(1.5))
    # health: log(2/7) - log(4/5); var 1/2 + 1/4
    assert a.loc["health", "z"] == pytest.approx((math.log(2 / 7) - math.log(4 / 5)) / math.sqrt(0.75))
    assert a.loc["health", "z"] == pytest.approx(-1.188902, abs=1e-6)
    assert a.loc["tax", ["count", "count_versus", "n_tokens", "n_tokens_versus"]].tolist() == [2, 1, 3, 3]
    assert a.loc["cut", "rank"] == 1  # highest z first
    # with two groups, B's scores mirror A's
    b = out[out["group"] == "B"].set_index("term")
    assert b.loc["tax", "delta"] == pytest.approx(-d_tax)
    assert set(out["versus"]) == {"rest"}


def test_prior_strength_scales_the_prior():
    out = distinctive_terms(two_groups(), by="outlet", stopwords=(), prior_strength=3)
    a = out[out["group"] == "A"].set_index("term")
    # a0 = 3, a_tax = 1.5: log(3.5/(3+3-2-1.5)) - log(2.5/(3+3-1-1.5))
    d = math.log(3.5 / 2.5) - math.log(2.5 / 3.5)
    assert a.loc["tax", "prior"] == pytest.approx(1.5)
    assert a.loc["tax", "z"] == pytest.approx(d / math.sqrt(1 / 3.5 + 1 / 2.5))


def test_three_groups_one_vs_rest_and_pairwise():
    units = pd.DataFrame({
        "unit_id": ["1", "2", "3", "4"], "doc_id": "d", "role": "comment",
        "side": ["x", "y", "z", "z"],
        "text": ["privacy rights privacy", "security police", "trade money", "money police"],
    })
    ovr = distinctive_terms(units, by="side", stopwords=())
    assert sorted(ovr["group"].unique()) == ["x", "y", "z"]
    assert len(ovr) == 3 * 6  # every group x every term
    x = ovr[ovr["group"] == "x"].set_index("term")
    # rest of x pools y and z: police 2, money 2, privacy 0
    assert x.loc["police", "count_versus"] == 2
    assert x.loc["privacy", "count"] == 2
    assert x.loc["privacy", "rank"] == 1
    pw = distinctive_terms(units, by="side", mode="pairwise", stopwords=())
    assert set(pw["versus"]) == {"x", "y", "z"}
    assert len(pw) == 3 * 2 * 6
    xy = pw[(pw["group"] == "x") & (pw["versus"] == "y")].set_index("term")["delta"]
    yx = pw[(pw["group"] == "y") & (pw["versus"] == "x")].set_index("term")["delta"]
    pd.testing.assert_series_equal(xy.sort_index(), -yx.sort_index(), check_names=False)


def test_tokenize_without_nltk_data():
    words = tokenize("Don't stop the state-first approach of the U.S. in 2019!")
    assert words == ["stop", "state-first", "approach"]
    assert "the" in load_stopwords()
    assert tokenize("The cat", stopwords=()) == ["the", "cat"]


def test_input_is_not_mutated_and_errors_are_clear():
    units = two_groups()
    before = units.copy()
    distinctive_terms(units, by="outlet")
    pd.testing.assert_frame_equal(units, before)
    with pytest.raises(ThreadframeError, match="at least two groups"):
        distinctive_terms(units.assign(outlet="A"), by="outlet")
    with pytest.raises(ThreadframeError, match="missing column"):
        distinctive_terms(units, by="newspaper")
    with pytest.raises(ThreadframeError, match="mode"):
        distinctive_terms(units, by="outlet", mode="both")
    assert analysis.distinctive_terms is distinctive_terms


def test_prior_strength_is_stated_in_the_table():
    out = distinctive_terms(two_groups(), by="outlet", stopwords=())
    assert out.attrs["prior_strength"] == 6  # the corpus's token count
    assert (out["prior_strength"] == 6).all()
    strong = distinctive_terms(two_groups(), by="outlet", stopwords=(), prior_strength=60)
    assert strong.attrs["prior_strength"] == 60
    # z depends on the prior: a stronger prior shrinks it
    z = out.set_index(["group", "term"])["z"]
    z60 = strong.set_index(["group", "term"])["z"]
    assert (z60.abs() < z.abs()).all()
