"""The HTML formats on the real pages in ../shared/data/threads (skipped when absent).

Every gold snippet must be right: body snippets in body units, excluded
snippets out of them, comment snippets inside comment units; and the number
of comments must equal the count of comment elements in the raw page
(counted here with a regular expression, independently of the parser).
"""

from __future__ import annotations

import json
import re
import warnings

import pytest

import threads
from threads.read import make_doc_id

pytest.importorskip("lxml")
pytest.importorskip("trafilatura")

_COMMENT_ID = re.compile(r"""\bid\s*=\s*["'](?:li-|div-)?comment-(\d+)["']""", re.I)


def norm(s: str) -> str:
    return " ".join(s.split())


def gold_pages(shared_data):
    out = []
    for folder in ("wordpress", "news-comments"):
        path = shared_data / "threads" / folder / "gold-snippets.json"
        if path.exists():
            for g in json.loads(path.read_text("utf-8")).values():
                out.append((shared_data / "threads" / folder / g["file"], g))
    if not out:
        pytest.skip("no gold-snippets.json under threads/")
    return out


@pytest.fixture(scope="module")
def parsed(shared_data):
    pages = gold_pages(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read([p for p, _ in pages])
    return corpus, pages


def test_every_gold_snippet_is_right(parsed):
    corpus, pages = parsed
    u = corpus.units
    bad = []
    for path, gold in pages:
        doc = make_doc_id(path)
        mine = u[u["doc_id"] == doc]
        body = norm(" ".join(mine.loc[mine["role"] == "body", "text"]))
        comments = [norm(t) for t in mine.loc[mine["role"] == "comment", "text"]]
        bad += [(path.name, "missing", s) for s in gold["with"] if norm(s) not in body]
        bad += [(path.name, "leaked", s) for s in gold["without"] if norm(s) in body]
        bad += [(path.name, "comment", s) for s in gold["comments"]
                if not any(norm(s) in c for c in comments)]
    assert bad == []


def test_comment_counts_match_the_source(parsed):
    corpus, pages = parsed
    counts = corpus.units[corpus.units["role"] == "comment"].groupby("doc_id").size()
    for path, _ in pages:
        expected = len(set(_COMMENT_ID.findall(path.read_text("utf-8", errors="replace"))))
        doc = make_doc_id(path)
        assert counts.get(doc, 0) == expected, path.name


def test_reply_trees_are_whole(parsed):
    corpus, _ = parsed
    cm = corpus.units[corpus.units["role"] == "comment"]
    ids = set(cm["unit_id"])
    replies = cm[cm["parent_id"].notna()]
    assert replies["parent_id"].isin(ids).all()
    depth = dict(zip(cm["unit_id"], cm["depth"], strict=True))
    assert all(d == depth[p] + 1 for d, p in zip(replies["depth"], replies["parent_id"], strict=True))
    assert corpus.summary()["max_depth"].max() >= 4  # nested pages really nest
    assert cm["platform_id"].str.fullmatch(r"comment-\d+").all()
    assert cm["locator"].notna().all()


def test_netzpolitik_thread_shape(shared_data):
    path = shared_data / "threads" / "wordpress" / "netzpolitik.org.abmahnungen.html"
    if not path.exists():
        pytest.skip("netzpolitik page absent")
    c = threads.read(path)
    cm = c.units[c.units["role"] == "comment"].set_index("platform_id")
    first = cm.loc["comment-2058226"]
    assert first["author"] == "blah blubb" and first["depth"] == 1
    assert str(first["published"]) == "2016-06-23 15:21:09+00:00"
    reply = cm.loc["comment-2058234"]
    assert reply["parent_id"] == first["unit_id"] and reply["author"] == "Rafael"
    assert cm["published"].notna().all() and cm["author"].notna().all()
    d = c.docs.iloc[0]
    assert d["author"] == "Markus Reuter" and d["language"] == "de"


def test_hacker_news_item_page(shared_data):
    pages = sorted((shared_data / "threads" / "hackernews").glob("*.html"))
    if not pages:
        pytest.skip("no Hacker News page")
    text = pages[0].read_text("utf-8")
    c = threads.read(pages[0])
    assert c.docs.loc[0, "source_format"] == "hackernews_html"
    cm = c.units[c.units["role"] == "comment"]
    assert len(cm) == len(re.findall(r'class="athing comtr"', text)) == 100
    indents = [int(x) for x in re.findall(r'<td class="ind" indent="(\d+)"', text)]
    assert (cm["depth"] - 1).tolist() == indents
    assert cm["published"].notna().all()
    first = cm.iloc[0]
    assert first["author"] == "PaulRobinson"
    assert first["text"].startswith("Claude Shannon's \"A Mathematical Theory of Communication\"")
    assert "\n\n1. It's quite readable" in first["text"]


def test_every_reader_comment_has_author_time_and_text(parsed):
    corpus, _ = parsed
    cm = corpus.units[corpus.units["role"] == "comment"]
    readers = cm[~cm["flags"].str.contains("pingback")]
    assert readers["author"].notna().all()
    assert readers["published"].notna().all()
    assert (readers["text"] != "").all()
    assert cm["flags"].str.contains("pingback").sum() == 7  # 2 + 5 link notices, kept and flagged
    titled = cm[cm["doc_id"].isin(["cicero.de.pandemie", "oekonomenstimme.org.keynes"])]
    assert titled["subject"].notna().all()  # comment titles go to subject, not into the text
    assert "Wo und wie gestorben wird" in set(titled["subject"])
