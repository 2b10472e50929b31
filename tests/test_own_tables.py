"""A corpus from the user's own tables of articles and comments (issue 11, bug 6).

Document-level columns (outlet, url, title, ...) belong in ``docs``, whether
they come from an articles table or repeat on every row of a comments table.
"""

from __future__ import annotations

import pandas as pd
import pytest

import threads
from threads.errors import CorpusError

ARTICLES = pd.DataFrame({
    "article": ["expo", "ecuador", "quiet"],
    "outlet": ["Daily A", "Weekly B", "Radio C"],
    "link": ["https://a.example/expo", "https://b.example/ec", None],
    "date": ["2024-09-08T09:00:00+02:00", "2024-09-10", None],
    "headline": ["Surveillance fair opens", "Cameras in Quito", "Nothing happened"],
    "body": ["The fair opened today.\n\nForty countries came.\n\n", "One line.\nAnother line.", ""],
    "section": ["world", "americas", "local"],
})
COMMENTS = pd.DataFrame({
    "article": ["expo", "expo", "ecuador"],
    "comment_id": ["c1", "c2", "c3"],
    "reply_to": [None, "c1", None],
    "comment": ["A sales fair.", "Why single out China?", "Privacy!"],
    "outlet": ["Daily A", "Daily A", "Weekly B"],
})
COLUMNS = {"title": "headline", "url": "link", "published": "date", "text": "body"}


def _both(**kw) -> threads.Corpus:
    return threads.Corpus.from_pandas(COMMENTS, ARTICLES, doc_id="article", unit_id="comment_id",
                                      parent_id="reply_to", text="comment", article_columns=COLUMNS, **kw)


def test_articles_and_comments_together():
    c = _both()
    docs = c.docs.set_index("doc_id")
    assert docs.index.tolist() == ["expo", "ecuador", "quiet"]
    assert docs["outlet"].tolist() == ["Daily A", "Weekly B", "Radio C"]
    assert docs.loc["expo", "url"] == "https://a.example/expo" and pd.isna(docs.loc["quiet", "url"])
    assert docs.loc["expo", "title"] == "Surveillance fair opens"
    assert docs.loc["expo", "published"] == pd.Timestamp("2024-09-08T07:00:00Z")
    assert docs.loc["ecuador", "section"] == "americas"  # other columns ride along on docs
    u = c.units
    expo = u[u["doc_id"] == "expo"]
    assert expo["role"].tolist() == ["title", "body", "body", "comment", "comment"]
    assert expo["text"].tolist() == ["Surveillance fair opens", "The fair opened today.", "Forty countries came.",
                                     "A sales fair.", "Why single out China?"]
    assert expo["position"].tolist() == [0, 1, 2, 3, 4]
    assert expo["depth"].tolist() == [0, 0, 0, 1, 2]
    assert expo["unit_id"].tolist()[:3] == ["expo:title", "expo:p1", "expo:p2"]
    body = ARTICLES.loc[0, "body"]
    assert [body[s:e] for s, e in zip(expo["start"][1:3], expo["end"][1:3], strict=True)] == expo["text"].tolist()[1:3]
    # a text without blank lines is split at its line breaks; an empty one has no body units
    assert u.loc[(u["doc_id"] == "ecuador") & (u["role"] == "body"), "text"].tolist() == ["One line.",
                                                                                          "Another line."]
    assert u.loc[u["doc_id"] == "quiet", "role"].tolist() == ["title"]
    assert "outlet" not in u.columns
    assert c.summary().set_index("doc_id").loc["expo", ["n_title", "n_body", "n_comment"]].tolist() == [1, 2, 2]


def test_a_document_level_column_of_the_comments_table_moves_to_docs():
    c = threads.Corpus.from_pandas(COMMENTS, doc_id="article", unit_id="comment_id", parent_id="reply_to",
                                   text="comment")
    assert c.docs.set_index("doc_id")["outlet"].to_dict() == {"expo": "Daily A", "ecuador": "Weekly B"}
    assert "outlet" not in c.units.columns
    # and other columns when named, under the docs column they stand for
    extra = COMMENTS.assign(site=["a.example", "a.example", "b.example"])
    c = threads.Corpus.from_pandas(extra, doc_id="article", text="comment", doc_columns={"site": "url"})
    assert c.docs["url"].tolist() == ["a.example", "b.example"] and c.docs["outlet"].isna().all()


def test_a_document_column_needs_one_value_per_document():
    bad = COMMENTS.assign(outlet=["Daily A", "Daily B", "Weekly B"])
    with pytest.raises(CorpusError, match=r"'outlet' holds more than one value for document 'expo'.*Daily A.*Daily B"):
        threads.Corpus.from_pandas(bad, doc_id="article", text="comment")
    with pytest.raises(CorpusError, match=r"'outlet'.*document 'expo'.*Daily A.*Daily X"):
        threads.Corpus.from_pandas(COMMENTS.assign(outlet="Daily X"), ARTICLES, doc_id="article",
                                   text="comment", article_columns=COLUMNS)


def test_articles_alone_and_with_numeric_ids():
    arts = ARTICLES.assign(article=[10, 11, 12])
    coms = COMMENTS.assign(article=[10.0, 10.0, 11.0]).drop(columns="outlet")
    c = threads.Corpus.from_pandas(coms, arts, doc_id="article", text="comment", article_columns=COLUMNS)
    assert c.docs["doc_id"].tolist() == ["10", "11", "12"]
    assert (c.units["doc_id"] == "10").sum() == 5
    alone = threads.Corpus.from_pandas(articles=ARTICLES, doc_id="article", article_columns=COLUMNS)
    assert alone.units["role"].value_counts().to_dict() == {"body": 4, "title": 3}
    assert len(alone.docs) == 3


def test_article_table_mistakes_are_named():
    with pytest.raises(CorpusError, match=r"articles table has no 'story' column.*article, outlet"):
        threads.Corpus.from_pandas(COMMENTS.rename(columns={"article": "story"}), ARTICLES, doc_id="story",
                                   text="comment")
    with pytest.raises(CorpusError, match=r"article_columns.*'txt'.*not in the articles table"):
        threads.Corpus.from_pandas(COMMENTS, ARTICLES, doc_id="article", text="comment",
                                   article_columns={"text": "txt"})
    with pytest.raises(CorpusError, match=r"article_columns: unknown field 'body'"):
        threads.Corpus.from_pandas(COMMENTS, ARTICLES, doc_id="article", text="comment",
                                   article_columns={"body": "body"})
    with pytest.raises(CorpusError, match=r"not in the articles table: 'gone'"):
        threads.Corpus.from_pandas(COMMENTS.assign(article=["expo", "expo", "gone"]), ARTICLES,
                                   doc_id="article", text="comment")
    with pytest.raises(CorpusError, match=r"duplicate document id.*'expo'"):
        threads.Corpus.from_pandas(articles=pd.concat([ARTICLES, ARTICLES]), doc_id="article")
    with pytest.raises(CorpusError, match="give a table"):
        threads.Corpus.from_pandas()


def test_the_reader_moves_a_constant_outlet_column_to_docs(tmp_path):
    path = tmp_path / "comments.csv"
    COMMENTS.assign(url=["u1", "u2", "u3"]).to_csv(path, index=False)
    c = threads.read(path)
    assert c.docs.set_index("doc_id")["outlet"].to_dict() == {"expo": "Daily A", "ecuador": "Weekly B"}
    assert "outlet" not in c.units.columns
    # a url per comment (a permalink) is no document column: it stays with the comments
    assert c.units["url"].tolist() == ["u1", "u2", "u3"] and c.docs["url"].isna().all()


def test_from_pandas_reads_times_like_the_table_reader(tmp_path):
    """Epoch seconds were read as nanoseconds (1700000000 -> 1970-01-01 00:00:01.7)
    and unreadable times became NaT without a flag."""
    import threads

    df = pd.DataFrame({"doc_id": ["a"] * 3, "comment_id": [1, 2, 3], "parent_comment_id": [None, 1, 1],
                       "text": ["x", "y", "z"], "published": [1700000000, "garbage", "2024-03-01T10:00:00+01:00"]})
    c = threads.Corpus.from_pandas(df, unit_id="comment_id", parent_id="parent_comment_id",
                                   published="published")
    units = c.units.set_index("unit_id")
    assert units.loc["1", "published"] == pd.Timestamp("2023-11-14 22:13:20", tz="UTC")
    assert pd.isna(units.loc["2", "published"]) and "bad_date" in units.loc["2", "flags"]
    assert units.loc["3", "published"] == pd.Timestamp("2024-03-01 09:00", tz="UTC")
    assert c.problems["problem"].tolist() == ["bad_date"]
    path = tmp_path / "comments.csv"
    df.rename(columns={"published": "created_utc"}).to_csv(path, index=False)
    read = threads.read(path).units.sort_values("platform_id")
    assert read["published"].tolist()[::2] == units.sort_index()["published"].tolist()[::2]
    assert "bad_date" in read["flags"].iloc[1]
