"""From a scholar's two CSV tables to figures and report.md, in two commands.

Articles (id, outlet, title, text with paragraphs) and comments (integer ids
and parents, as pd.read_csv leaves them) go through ``threadframe parse
--articles`` and ``threadframe report``; the numbers in report.md are checked
against counts made here from the tables, not from the toolkit's output.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import threads
from analysis.cli import main

SECURITY = "The police say the cameras keep the city safe from crime and terrorism."
RIGHTS = "Activists say mass surveillance violates the privacy and civil liberties of citizens."
PLAIN = "The council met on Tuesday and the minutes were published later."
PLAN = {  # outlet -> per article, its paragraphs
    "Daily A": [[SECURITY, SECURITY, PLAIN], [SECURITY, PLAIN, PLAIN], [SECURITY, SECURITY, SECURITY]],
    "Weekly B": [[RIGHTS, PLAIN, PLAIN], [RIGHTS, RIGHTS, PLAIN], [PLAIN, PLAIN, PLAIN]],
}


def _tables(tmp_path):
    articles, comments = [], []
    next_comment = 1000
    for o, (outlet, plan) in enumerate(PLAN.items()):
        for a, paras in enumerate(plan):
            aid = 100 * (o + 1) + a
            articles.append({"article_id": aid, "outlet": outlet, "title": f"Story {aid}",
                             "text": "\n\n".join(paras), "date": f"2024-05-0{a + 1}"})
            # three comments per article: a top-level one, a reply, and one whose text was lost
            top, reply, lost = next_comment, next_comment + 1, next_comment + 2
            next_comment += 3
            comments += [
                {"comment_id": top, "article_id": aid, "parent_comment_id": None, "author": "u1",
                 "text": RIGHTS, "created_utc": 1714560000 + top},
                {"comment_id": reply, "article_id": aid, "parent_comment_id": top, "author": "u2",
                 "text": SECURITY if outlet == "Daily A" else PLAIN, "created_utc": 1714560000 + reply},
                {"comment_id": lost, "article_id": aid, "parent_comment_id": top, "author": "u3",
                 "text": "", "created_utc": 1714560000 + lost}]
    pd.DataFrame(articles).to_csv(tmp_path / "articles.csv", index=False)
    # integer ids with missing parents: pandas writes the parent column as floats (1000.0)
    pd.DataFrame(comments).to_csv(tmp_path / "comments.csv", index=False)
    return pd.DataFrame(articles), pd.DataFrame(comments)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("own")
    articles, comments = _tables(tmp)
    assert main(["parse", str(tmp / "comments.csv"), "--articles", str(tmp / "articles.csv"),
                 "--out", str(tmp / "corpus")]) == 0
    assert main(["report", str(tmp / "corpus"), "--by", "outlet", "--out", str(tmp / "report"),
                 "--formats", "png", "--dpi", "40", "--no-progress"]) == 0
    return articles, comments, tmp


def test_the_parsed_corpus_keeps_outlets_and_reply_structure(run):
    articles, comments, tmp = run
    corpus = threads.read_corpus(tmp / "corpus")
    assert sorted(corpus.docs["outlet"]) == sorted(articles["outlet"])
    units = corpus.units
    replies = units[units["parent_id"].notna()]
    assert len(replies) == 2 * len(articles)  # every reply found its parent: none is an orphan
    assert not units["flags"].fillna("").str.contains("orphan").any()
    n_paragraphs = sum(len(p) for plan in PLAN.values() for p in plan)
    assert (units["role"] == "body").sum() == n_paragraphs


def test_report_numbers_match_counts_from_the_tables(run):
    articles, comments, tmp = run
    text = (tmp / "report" / "report.md").read_text()
    n_lost = int((comments["text"].fillna("") == "").sum())
    n_units = len(articles) + sum(len(p) for plan in PLAN.values() for p in plan) + len(comments)
    assert f"{len(articles)} documents from 2 outlets; {n_units} content units" in text
    assert f"{n_lost} units without text" in text
    for outlet, plan in PLAN.items():
        paras = [p for article in plan for p in article]
        n_art = len(plan) + len(paras)  # title + body units
        n_sec = paras.count(SECURITY)
        share = round(100 * n_sec / n_art)
        if n_sec:
            assert re.search(rf"\*\*security\*\*: most in {outlet} \({n_sec}/{n_art} units, {share}%", text)
        n_with_text = int(((comments["article_id"] // 100 == list(PLAN).index(outlet) + 1)
                           & (comments["text"].fillna("") != "")).sum())
        assert f"**{outlet}** ({n_art} article units, {n_with_text} comments with text, " \
               f"{len(plan)} more without text left out)" in text
    for name in ("prevalence_by_outlet", "article_vs_comments", "reply_tree", "transitions"):
        assert (tmp / "report" / f"{name}.png").stat().st_size > 1000


def test_comments_of_an_unknown_article_are_an_error(tmp_path, capsys):
    _tables(tmp_path)
    comments = pd.read_csv(tmp_path / "comments.csv")
    comments.loc[0, "article_id"] = 999
    comments.to_csv(tmp_path / "comments.csv", index=False)
    code = main(["parse", str(tmp_path / "comments.csv"), "--articles", str(tmp_path / "articles.csv"),
                 "--out", str(tmp_path / "corpus")])
    assert code != 0
    assert "'999'" in capsys.readouterr().err


def test_the_notebook_tables_parse_as_notebook_02_shows(tmp_path):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "notebooks" / "data"
    assert main(["parse", str(folder / "my_comments.csv"), "--articles", str(folder / "my_articles.csv"),
                 "--out", str(tmp_path / "mine")]) == 0
    corpus = threads.read_corpus(tmp_path / "mine")
    assert sorted(corpus.docs["outlet"]) == ["Andes Weekly", "City Ledger"]
    assert corpus.units["role"].value_counts().to_dict() == {"comment": 7, "body": 5, "title": 2}
