"""One rule for which units count: units without text (lost in a scrape,
deleted placeholders) are left out of every denominator and reply edge, and
the tables say how many were left out."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import analysis
import threads
from analysis.compare.groups import compare_groups, prevalence
from analysis.compare.replies import answered_by, article_vs_comments, transitions
from analysis.countable import countable_units, has_text


def test_has_text_reads_text_and_the_lost_flag():
    units = pd.DataFrame({"unit_id": list("abcdef"), "doc_id": "d",
                          "text": ["words", "", "   ", None, "kept", "words"],
                          "flags": ["", "text_lost", "deleted", "", "editorial", "deleted;text_lost"]})
    assert has_text(units).tolist() == [True, False, False, False, True, False]
    assert has_text(units.drop(columns="text")).tolist() == [True, False, True, True, True, False]
    assert has_text(units[["unit_id", "doc_id"]]).all()
    kept, left = countable_units(units)
    assert kept["unit_id"].tolist() == ["a", "e"] and len(left) == 4


@pytest.fixture(scope="module")
def sample():
    corpus = threads.sample_corpus()
    return corpus, analysis.tag(corpus)  # every unit tagged, the lost ones too


def test_techdirt_comments_without_text_are_left_out(sample):
    corpus, result = sample
    avc = article_vs_comments(result.tags, corpus, by=["outlet"], n_boot=50)
    tc = avc[(avc["outlet"] == "Techdirt") & (avc["side"] == "comments")].set_index("category")
    comments = corpus.units[(corpus.units["doc_id"] == "techdirt-ecuador")
                            & (corpus.units["role"] == "comment")]
    with_text = comments[has_text(comments)]
    assert (len(comments), len(with_text)) == (14, 8)
    assert (tc["n_units"] == 8).all() and (tc["n_excluded"] == 6).all()
    eco = result.tags[result.tags["unit_id"].isin(with_text["unit_id"])
                      & (result.tags["category"] == "economy")]
    assert tc.loc["economy", "n_present"] == int(eco["present"].sum())
    assert tc.loc["economy", "share"] == pytest.approx(eco["present"].mean())
    assert tc.loc["economy", "share"] == pytest.approx(5 / 8)
    # tagging only the units with text gives the same table: the lost ones add nothing
    kept = corpus.units[has_text(corpus.units)]
    only = article_vs_comments(analysis.tag(kept).tags, corpus, by=["outlet"], n_boot=50)
    pd.testing.assert_frame_equal(avc, only)


def _with_empty_units(k: int = 3):
    rows, tags = [], []
    for g in ("A", "B"):
        for i in range(8):
            uid = f"{g}{i}"
            rows.append({"unit_id": uid, "doc_id": f"{g}-d{i % 4}", "role": "body", "outlet": g,
                         "text": "words", "flags": ""})
            tags.append({"unit_id": uid, "category": "security", "present": bool(i % 3 == 0)})
            tags.append({"unit_id": uid, "category": "rights", "present": bool(i % 2)})
    units, tags = pd.DataFrame(rows), pd.DataFrame(tags)
    lost = pd.DataFrame({"unit_id": [f"A-lost{i}" for i in range(k)], "doc_id": "A-d0", "role": "body",
                         "outlet": "A", "text": "", "flags": "text_lost"})
    lost_tags = pd.DataFrame([{"unit_id": u, "category": c, "present": False}
                              for u in lost["unit_id"] for c in ("security", "rights")])
    return (tags, units), (pd.concat([tags, lost_tags], ignore_index=True),
                           pd.concat([units, lost], ignore_index=True))


def test_empty_text_units_leave_prevalence_unchanged_and_are_counted():
    (tags, units), (tags_l, units_l) = _with_empty_units(3)
    clean = prevalence(tags, units, by="outlet", n_boot=200)
    lost = prevalence(tags_l, units_l, by="outlet", n_boot=200)
    assert (clean["n_excluded"] == 0).all()
    assert lost.set_index(["outlet", "category"])["n_excluded"].to_dict() == {
        ("A", "rights"): 3, ("A", "security"): 3, ("B", "rights"): 0, ("B", "security"): 0}
    pd.testing.assert_frame_equal(lost.drop(columns="n_excluded"), clean.drop(columns="n_excluded"))
    # untagged units without text are left out silently, not as "units without tags"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        untagged = prevalence(tags, units_l, by="outlet", n_boot=200)
    pd.testing.assert_frame_equal(untagged, lost)
    tests_clean = compare_groups(tags, units)
    tests_lost = compare_groups(tags_l, units_l)
    pd.testing.assert_frame_equal(tests_clean, tests_lost, check_like=True, check_flags=False)
    assert tests_lost.attrs["n_excluded"] == 3


def _tree(lost: bool):
    ids = ["t", "c1", "c2", "c3"]
    parent = [None, None, "c1", "c1"]
    text = ["title words", "first", "second", "third"]
    carries = {"t": {"security"}, "c1": {"security"}, "c2": {"rights"}, "c3": {"security"}}
    if lost:  # a lost reply under c1 and a reply to the lost one
        ids += ["c4", "c5"]
        parent += ["c1", "c4"]
        text += ["", "fifth"]
        carries |= {"c4": set(), "c5": {"rights"}}
    units = pd.DataFrame({"unit_id": ids, "doc_id": "d1", "role": ["title"] + ["comment"] * (len(ids) - 1),
                          "parent_id": parent, "text": text,
                          "flags": ["text_lost" if t == "" else "" for t in text]})
    tags = pd.DataFrame([{"unit_id": u, "category": c, "present": c in cs}
                         for u, cs in carries.items() for c in ("security", "rights")])
    return tags, units


@pytest.mark.parametrize("include_article", [False, True])
def test_reply_edges_skip_units_without_text(include_article):
    clean = transitions(*_tree(False), include_article=include_article)
    lost = transitions(*_tree(True), include_article=include_article)
    assert (clean["n_excluded"] == 0).all() and (lost["n_excluded"] == 1).all()
    # the lost reply is not a "none" reply of c1, and c5's edge from it cannot be read
    pd.testing.assert_frame_equal(lost.drop(columns="n_excluded"), clean.drop(columns="n_excluded"))
    ans = answered_by(*_tree(True), "rights")
    assert (ans["n_excluded"] == 1).all() and (ans["n_replies"] == 1).all()


def test_reply_tree_draws_units_without_text_hollow():
    from analysis.figures.plots import plot_reply_tree

    tags, units = _tree(True)
    fig = plot_reply_tree(units, tags, "d1")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "no text" in labels and "none" not in labels
    hollow = [c for c in ax.collections if len(c.get_offsets()) and
              np.allclose(c.get_facecolors()[0][:3], 1.0)]
    assert sum(len(c.get_offsets()) for c in hollow) == 1
