"""Figures: built without error from the analysis tables, returning Figures,
honouring ax=, leaving global state alone, and saved byte-identically."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.compare.alignment import align_versions, alignment_matrix, story_sentences
from analysis.compare.groups import prevalence
from analysis.compare.replies import article_vs_comments, transitions
from analysis.compare.terms import distinctive_terms
from analysis.figures import plots
from analysis.figures.save import save_figure
from analysis.figures.style import category_colors, house_style
from threads.errors import ThreadframeError

CATS = ["security", "rights", "whataboutism"]


@pytest.fixture(scope="module")
def tables():
    rng = np.random.default_rng(7)
    rows = []
    for d, outlet in enumerate(["Alpha", "Beta"]):
        doc = f"d{d}"
        for i in range(6):
            rows.append({"unit_id": f"{doc}:b{i}", "doc_id": doc, "role": "body", "parent_id": None,
                         "depth": 0, "position": i, "outlet": outlet,
                         "text": f"{outlet} police surveillance cameras rights {i}. Second sentence {i}."})
        parent = None
        for i in range(8):
            rows.append({"unit_id": f"{doc}:c{i}", "doc_id": doc, "role": "comment",
                         "parent_id": parent if i % 3 else None, "depth": 0, "position": 10 + i,
                         "outlet": outlet, "text": f"comment {i} about privacy and china"})
            parent = f"{doc}:c{i}"
    units = pd.DataFrame(rows)
    tags = pd.DataFrame([{"unit_id": u, "category": c, "present": bool(rng.random() < 0.4)}
                         for u in units["unit_id"] for c in CATS])
    prev = prevalence(tags, units, by="outlet", n_boot=100)
    avc = article_vs_comments(tags, units, by=["outlet"], n_boot=100)
    tr = transitions(tags, units, include_article=True)
    terms = distinctive_terms(units, by="outlet", stopwords=())
    sents = story_sentences(units)
    matrix = alignment_matrix(align_versions(sents, by="outlet"))
    return {"units": units, "tags": tags, "prev": prev, "avc": avc, "tr": tr, "terms": terms,
            "matrix": matrix}


def draw_all(t, ax_for=None):
    ax = ax_for or (lambda: None)
    return [
        plots.plot_prevalence(t["prev"], "outlet", ax=ax()),
        plots.plot_article_vs_comments(t["avc"], "outlet", ax=ax()),
        plots.plot_reply_tree(t["units"], t["tags"], "d0", ax=ax()),
        plots.plot_transitions(t["tr"], ax=ax()),
        plots.plot_transitions(t["tr"], value="lift", ax=ax()),
        plots.plot_distinctive_terms(t["terms"], k=3, ax=ax()),
        plots.plot_alignment_matrix(t["matrix"], ax=ax()),
    ]


def test_every_plot_returns_a_figure_without_touching_global_state(tables, monkeypatch):
    def no_show(*a, **k):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    before_rc = dict(mpl.rcParams)
    before_figs = plt.get_fignums()
    figs = draw_all(tables)
    assert all(isinstance(f, Figure) for f in figs)
    assert all(f.axes and f.axes[0].has_data() for f in figs)
    assert plt.get_fignums() == before_figs  # built without pyplot
    assert dict(mpl.rcParams) == before_rc


def test_ax_is_honoured(tables):
    fig = Figure(figsize=(7, 20))
    axes = iter(fig.subplots(7, 1))
    figs = draw_all(tables, ax_for=lambda: next(axes))
    assert all(f is fig for f in figs)
    assert all(ax.has_data() for ax in fig.axes[:7])


def test_house_style_applies_and_can_be_overridden(tables):
    fig = plots.plot_prevalence(tables["prev"], "outlet")
    ticks = fig.axes[0].get_yticklabels()
    assert ticks[0].get_fontsize() == pytest.approx(7)
    assert not fig.axes[0].spines["top"].get_visible()
    big = plots.plot_prevalence(tables["prev"], "outlet", rc={"ytick.labelsize": 11})
    assert big.axes[0].get_yticklabels()[0].get_fontsize() == pytest.approx(11)
    with house_style({"font.size": 12}):
        assert mpl.rcParams["font.size"] == 12
    assert mpl.rcParams["font.size"] != 12 or mpl.rcParamsDefault["font.size"] == 12


def test_colours_are_fixed_per_frame_and_colour_blind_safe():
    a = category_colors(["rights", "security", "mystery", "none"])
    b = category_colors(["security", "rights"])
    assert a["security"] == b["security"] == "#0072B2"
    assert a["none"] == "#BBBBBB"
    assert a["mystery"] not in (a["security"], a["rights"])


def test_tree_layout_is_tidy():
    units = pd.DataFrame({
        "unit_id": ["a", "b", "c", "d", "e"], "doc_id": "d", "role": "comment", "position": range(5),
        "parent_id": [None, "a", "a", "c", None]})
    lay = plots.tree_layout(units).set_index("unit_id")
    assert lay.loc["d:<article>", "x"] == 0
    assert lay.loc[["a", "b", "c", "d", "e"], "x"].tolist() == [1, 2, 2, 3, 1]
    # leaves b, d, e take rows 0, 1, 2 in reading order; parents sit between their children
    assert lay.loc[["b", "d", "e"], "y"].tolist() == [0, 1, 2]
    assert lay.loc["c", "y"] == 1
    assert lay.loc["a", "y"] == pytest.approx(0.5)
    assert lay.loc["d:<article>", "y"] == pytest.approx((0.5 + 2) / 2)
    deep = pd.DataFrame({"unit_id": [f"u{i}" for i in range(3000)], "doc_id": "d", "role": "comment",
                         "parent_id": [None] + [f"u{i}" for i in range(2999)]})
    assert plots.tree_layout(deep)["x"].max() == 3000  # iterative: no recursion limit


def test_save_figure_is_byte_identical(tables, tmp_path):
    def build():
        return plots.plot_prevalence(tables["prev"], "outlet")

    one = save_figure(build(), tables["prev"], tmp_path / "a" / "prev", "Caption.", dpi=100)
    two = save_figure(build(), tables["prev"], tmp_path / "b" / "prev", "Caption.", dpi=100)
    assert sorted(p.suffix for p in one) == [".csv", ".pdf", ".png", ".svg", ".txt"]
    for p, q in zip(one, two, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    assert b"CreationDate" not in one[0].read_bytes()
    assert (tmp_path / "a" / "prev.txt").read_text() == "Caption.\n"
    back = pd.read_csv(tmp_path / "a" / "prev.csv")
    assert list(back.columns) == list(tables["prev"].columns)


def test_bad_calls_raise_clear_errors(tables, tmp_path):
    fig = plots.plot_transitions(tables["tr"])
    with pytest.raises(ThreadframeError, match="caption"):
        save_figure(fig, None, tmp_path / "x", "  ")
    with pytest.raises(ThreadframeError, match="format"):
        save_figure(fig, None, tmp_path / "x", "c", formats=("gif",))
    with pytest.raises(ThreadframeError, match="missing column"):
        plots.plot_prevalence(tables["tr"])
    with pytest.raises(ThreadframeError, match="value"):
        plots.plot_transitions(tables["tr"], value="odds")
    with pytest.raises(ThreadframeError, match="give doc_id"):
        plots.tree_layout(tables["units"])


def test_distinctive_terms_figure_shows_the_threshold_and_the_prior():
    from matplotlib.colors import to_rgba

    terms = pd.DataFrame({"group": ["A"] * 4 + ["B"] * 2, "versus": "rest",
                          "term": ["w1", "w2", "w3", "w4", "v1", "v2"],
                          "z": [3.0, 2.1, 1.5, 0.4, 1.2, 0.3], "count": 5})
    terms.attrs["prior_strength"] = 250.0
    fig = plots.plot_distinctive_terms(terms, k=4)
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert len(lines) == 1 and np.allclose(lines[0].get_xdata(), 1.96)
    assert ax.get_xlim()[1] > 1.96
    assert "prior strength a0 = 250" in ax.get_title(loc="right")
    assert "z = 1.96" in ax.get_title(loc="right")
    bars = [p for p in ax.patches if p.get_width() > 0]
    pale = sorted(round(p.get_width(), 2) for p in bars if to_rgba(p.get_facecolor())[3] < 1)
    assert pale == [0.3, 0.4, 1.2, 1.5]  # every bar under 1.96, and only those
    dropped = plots.plot_distinctive_terms(terms, k=4, below="drop").axes[0]
    assert [t.get_text() for t in dropped.get_yticklabels()] == ["w1", "w2"]
    assert any("no term reaches z = 1.96" in t.get_text() for t in dropped.texts)
    # an axis that stops short of the threshold would hide it
    weak = terms.assign(z=terms["z"] / 10)
    assert plots.plot_distinctive_terms(weak).axes[0].get_xlim()[1] > 1.96
    with pytest.raises(ThreadframeError, match="below="):
        plots.plot_distinctive_terms(terms, below="hide")


def test_transition_cells_on_too_few_replies_are_greyed():
    from analysis.figures._helpers import MUTED_TEXT

    units = pd.DataFrame({"unit_id": [f"c{i}" for i in range(14)], "doc_id": "d", "role": "comment",
                          "parent_id": [None] + ["c0"] * 11 + [None, "c12"], "text": "words"})
    carries = {"c0": "security", "c12": "rights"}  # c0 has 11 replies, c12 one
    tags = pd.DataFrame([{"unit_id": u, "category": c, "present": carries.get(u) == c}
                         for u in units["unit_id"] for c in ("security", "rights")])
    tr = transitions(tags, units)
    ax = plots.plot_transitions(tr).axes[0]
    muted = [t.get_text() for t in ax.texts if t.get_color() == MUTED_TEXT]
    assert sorted(muted) == ["0%\n0/1", "0%\n0/1", "100%\n1/1"]  # the rights row: one reply
    assert "fewer than 10 replies" in ax.get_title(loc="right")
    none = plots.plot_transitions(tr, min_replies=1).axes[0]
    assert not [t for t in none.texts if t.get_color() == MUTED_TEXT]
    assert none.get_title(loc="right") == ""
