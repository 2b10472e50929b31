"""``threadframe report`` / ``analysis.report`` on a corpus that is not the sample.

The numbers in report.md are checked against counts computed here,
independently of the toolkit's tables.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import threads
from analysis import report
from analysis.cli import main
from analysis.exceptions import LanguageMismatchWarning

SECURITY = "The police say the cameras keep the city safe from crime and terrorism."
RIGHTS = "Activists say mass surveillance violates the privacy and civil liberties of citizens."
PLAIN = "The council met on Tuesday and the minutes were published later."


def _corpus() -> threads.Corpus:
    rows = []
    # Outlet A: two articles, each 3 body paragraphs (2 security, 1 plain) and a comment thread.
    # Outlet B: two articles, each 3 body paragraphs (1 rights, 2 plain), no comments.
    for outlet, art_texts in (("A", [SECURITY, SECURITY, PLAIN]), ("B", [RIGHTS, PLAIN, PLAIN])):
        for k in (1, 2):
            doc = f"{outlet}{k}"
            for i, t in enumerate(art_texts):
                rows.append(dict(doc_id=doc, unit_id=f"{doc}-b{i}", parent_id=None, role="body", text=t))
            if outlet == "A":
                rows += [dict(doc_id=doc, unit_id=f"{doc}-c1", parent_id=None, role="comment", text=RIGHTS),
                         dict(doc_id=doc, unit_id=f"{doc}-c2", parent_id=f"{doc}-c1", role="comment",
                              text=SECURITY),
                         dict(doc_id=doc, unit_id=f"{doc}-c3", parent_id=f"{doc}-c1", role="comment",
                              text="")]  # text lost in the scrape
    table = pd.DataFrame(rows)
    corpus = threads.Corpus.from_pandas(table, unit_id="unit_id", parent_id="parent_id", role="role")
    docs = corpus.docs.assign(outlet=corpus.docs["doc_id"].str[0])
    return corpus.with_docs(docs)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    corpus = _corpus()
    corpus.save(base / "corpus")
    code = main(["report", str(base / "corpus"), "--by", "outlet", "--out", str(base / "out"),
                 "--formats", "png", "--dpi", "40", "--no-progress"])
    assert code == 0
    return corpus, base / "out"


def test_report_writes_figures_tables_and_markdown(made):
    _, out = made
    for name in ("prevalence_by_outlet", "article_vs_comments", "reply_tree", "transitions",
                 "distinctive_terms"):
        assert (out / f"{name}.png").stat().st_size > 1000
        assert (out / f"{name}.txt").read_text().strip()
    assert (out / "tables" / "prevalence_by_outlet.csv").exists()
    assert (out / "report.md").read_text().startswith("# threadframe report: 4 documents by outlet")


def test_report_numbers_match_independent_counts(made):
    corpus, out = made
    text = (out / "report.md").read_text()
    units = corpus.units.merge(corpus.docs[["doc_id", "outlet"]], on="doc_id")
    n_lost = int((units["text"].fillna("").str.strip() == "").sum())
    assert n_lost == 2
    assert f"4 documents from 2 outlets; {len(units)} content units" in text
    assert f"{n_lost} units without text" in text
    # security in outlet A's article text: 2 of 3 paragraphs in each of two articles = 4/6.
    body = units[units["role"] == "body"]
    n_a = int((body["outlet"] == "A").sum())
    n_sec = int(((body["outlet"] == "A") & (body["text"] == SECURITY)).sum())
    assert (n_sec, n_a) == (4, 6)
    assert re.search(rf"\*\*security\*\*: most in A \({n_sec}/{n_a} units, 67%", text)
    # Outlet A's comments: 2 with text per article (the third lost) -> 4 comments with text, 2 left out.
    assert "**A** (6 article units, 4 comments with text, 2 more without text left out)" in text
    # Two documents per outlet: tests are run, not declared descriptive.
    tests = pd.read_csv(out / "tables" / "outlet_tests.csv")
    assert not tests["descriptive"].any()
    varied = tests[~tests["test"].str.startswith("none")]
    assert len(varied) == 3 and (varied["test"] == "permutation (cluster)").all()  # documents permuted
    assert "frames tested differ by outlet" in text


def test_steps_the_data_cannot_support_are_skipped_with_a_sentence(tmp_path):
    corpus = _corpus()
    only_b = threads.Corpus(docs=corpus.docs[corpus.docs["outlet"] == "B"],
                            units=corpus.units[corpus.units["doc_id"].str.startswith("B")])
    result = report(only_b, tmp_path, progress=False, formats=("png",), dpi=40, n_boot=50)
    assert set(result.skipped) == {"article against comments", "reply trees", "distinctive terms",
                                   "one story across documents"}
    text = result.report.read_text()
    assert "*Skipped: the corpus does not have both article text and comments*" in text
    assert "Only one value of outlet: nothing to compare." in text


def test_by_must_be_a_docs_column(made, capsys):
    _, out = made
    code = main(["report", str(out.parent / "corpus"), "--by", "country", "--out", str(out.parent / "x"),
                 "--no-progress"])
    assert code != 0
    err = capsys.readouterr().err
    assert "by='country' is not a column of the documents table" in err


def test_a_german_corpus_with_an_english_codebook_is_said_in_the_report(tmp_path):
    german = ("Die Bundesregierung will die Vorratsdatenspeicherung wieder einführen. Kritiker sehen "
              "darin einen Eingriff in die Grundrechte aller Bürgerinnen und Bürger.")
    table = pd.DataFrame({"doc_id": ["d1", "d1"], "role": ["body", "body"], "text": [german, german]})
    corpus = threads.Corpus.from_pandas(table, role="role")
    with pytest.warns(LanguageMismatchWarning):
        result = report(corpus, tmp_path, progress=False, formats=("png",), dpi=40, n_boot=50)
    text = result.report.read_text()
    assert "Languages (stated in the data or detected): de 1." in text
    assert "**Warning:** codebook 'surveillance' is in 'en'" in text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pd.read_csv(tmp_path / "tables" / "languages.csv")["source"].tolist() == ["detected"]
