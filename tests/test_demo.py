"""``threadframe demo`` end to end on the bundled sample corpus, into a tmp dir."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import threads
from analysis.cli import main

FIGURES = ["prevalence_by_outlet", "article_vs_comments", "reply_tree", "transitions",
           "distinctive_terms", "story_alignment"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    # PNG only at a low resolution keeps it fast; tests/test_plots.py checks PDF/SVG saving
    assert main(["demo", "--out", str(out), "--no-progress", "--formats", "png", "--dpi", "60"]) == 0
    return out


def test_every_figure_comes_with_its_data_and_caption(demo):
    for stem in FIGURES:
        for ext in ("png", "csv", "txt"):
            path = demo / f"{stem}.{ext}"
            assert path.is_file() and path.stat().st_size > 0, path
        assert len((demo / f"{stem}.txt").read_text().split()) > 15  # a real caption
    assert (demo / "tables" / "prevalence_by_outlet.csv").is_file()


def test_the_analysis_covers_the_sample(demo):
    prev = pd.read_csv(demo / "tables" / "prevalence_by_outlet.csv")
    docs = threads.sample_corpus().docs
    assert set(prev["outlet"]) == set(docs["outlet"].fillna(docs["doc_id"]))
    assert prev["outlet"].nunique() == 5
    assert (prev["n_present"] <= prev["n_units"]).all()
    tr = pd.read_csv(demo / "tables" / "transitions.csv")
    assert tr["n_edges"].iloc[0] > 0
    matrix = pd.read_csv(demo / "tables" / "story_alignment_matrix.csv")
    assert len(matrix) == 4 * 3  # four Lianyungang versions, ordered pairs
    assert "Techdirt" not in set(matrix["version"])


def test_report_numbers_come_from_the_tables(demo, capsys):
    report = (demo / "report.md").read_text()
    prev = pd.read_csv(demo / "tables" / "prevalence_by_outlet.csv")
    sec = prev[prev["category"] == "security"].sort_values(["share", "outlet"], ascending=[False, True])
    top = sec.iloc[0]
    line = next(ln for ln in report.splitlines() if ln.startswith("- **security**"))
    assert f"most in {top['outlet']} ({top['n_present']}/{top['n_units']} units" in line
    for stem in FIGURES:
        assert f"![]({stem}.png)" in report
    assert not re.search(r"\bnan\b", report)
    assert "Skipped" not in report


def test_figure_data_and_the_api_agree_on_comments_without_text(demo):
    """The Techdirt comment section has 14 comments, 6 of them with their text
    lost: the figure's data and the API called on the whole corpus both count
    the 8 with text and say 6 were left out (issue 11, bug 3)."""
    import analysis
    from analysis.compare.replies import article_vs_comments

    corpus = threads.sample_corpus()
    api = article_vs_comments(analysis.tag(corpus).tags, corpus, by=["outlet"], n_boot=50)
    fig = pd.read_csv(demo / "article_vs_comments.csv")
    rows = []
    for table in (api, fig):
        tc = table[(table["outlet"] == "Techdirt") & (table["side"] == "comments")]
        rows.append(tc.set_index("category").loc["economy", ["n_units", "n_excluded", "share"]])
    assert rows[0]["n_units"] == rows[1]["n_units"] == 8
    assert rows[0]["n_excluded"] == rows[1]["n_excluded"] == 6
    assert rows[0]["share"] == pytest.approx(rows[1]["share"])
    report = (demo / "report.md").read_text()
    assert "8 comments with text, 6 more without text left out" in report


def test_report_claims_no_distinctive_word_below_the_threshold(demo):
    report = (demo / "report.md").read_text()
    section = report.split("## Distinctive words by outlet")[1].split("\n## ")[0]
    assert "prior strength a0 = " in section
    zs = [float(z) for z in re.findall(r"z = (-?[\d.]+)\)", section)]
    assert all(z >= 1.96 for z in zs)
    assert "no word reaches z = 1.96" in section  # the sample is small: most outlets have none
    caption = (demo / "distinctive_terms.txt").read_text()
    assert "1.96" in caption and "a0 = " in caption


def test_report_takes_no_finding_from_thin_transition_cells(demo):
    report = (demo / "report.md").read_text()
    tr = pd.read_csv(demo / "tables" / "transitions.csv")
    assert not tr["enough_replies"].any()  # five reply edges in the sample
    section = report.split("## Reply trees")[1].split("\n## ")[0]
    assert "- Replies to" not in section
    assert "no transition is reported as a finding" in section
    assert "too few (under 10) to say what whataboutism answers" in section
    assert "fewer than 10" in (demo / "transitions.txt").read_text()


def test_bad_format_is_a_user_error(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--formats", "gif", "--no-progress"]) == 2
    assert "unknown figure format" in capsys.readouterr().err


def test_one_article_per_outlet_gets_no_test_between_outlets(demo):
    """Each outlet has one article: the report may describe them, not test them
    (it said "1 of 6 frames differ between outlets")."""
    report = (demo / "report.md").read_text()
    tests = pd.read_csv(demo / "tables" / "outlet_tests.csv")
    assert tests["descriptive"].all() and tests["p_value"].isna().all()
    assert "differ between outlets" not in report
    assert "No test of differences between outlets: one outlet contributes one document" in report
    section = report.split("## Frames in the article text")[1].split("\n## ")[0]
    assert " p = " not in section and " p < " not in section
