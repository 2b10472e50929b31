"""Broken HTML: unknown marked sections, impossible time zones, repeated comment ids, empty pages."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import FormatError
from threads.formats._htmltext import html_to_text

pytest.importorskip("lxml")


@pytest.fixture()
def classic(fixtures) -> str:
    return (fixtures / "html" / "wp_classic_commentlist.html").read_text(encoding="utf-8")


def _read(path):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        corpus = threads.read(path)
    return corpus, [str(w.message) for w in record]


@pytest.mark.parametrize(("html", "text"), [
    ("a <![foo[ b", "a"),  # a bogus comment to the end, as a browser reads it
    ("<p>a</p><![foo[ hidden ]]><p>b</p>", "a\n\nb"),
    ("<p>a</p><![if x]>y<![endif]>", "a\n\ny"),  # the keywords html.parser knows still work
])
def test_unknown_marked_section_is_not_an_assertion_error(html, text):
    assert html_to_text(html) == text


def test_unknown_marked_section_in_a_discourse_post(tmp_path):
    import json

    topic = {"id": 1, "title": "T", "post_stream": {"posts": [
        {"id": 10, "post_number": 1, "cooked": "<p>the post</p>"},
        {"id": 11, "post_number": 2, "cooked": "<p>before</p><![foo[ x"}]}}
    (tmp_path / "topic.json").write_text(json.dumps(topic), encoding="utf-8")
    corpus, _ = _read(tmp_path / "topic.json")
    assert corpus.units.set_index("platform_id").loc["11", "text"] == "before"


def test_impossible_page_offset_is_flagged_not_a_traceback(classic, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(classic.replace("2019-03-04T09:30:00-05:00", "2019-03-04T09:30:00-45:00"), encoding="utf-8")
    corpus, warned = _read(path)
    assert pd.isna(corpus.docs.loc[0, "published"])
    bad = corpus.problems[corpus.problems["problem"] == "bad_timezone"]
    assert bad["source_path"].tolist() == [str(path)]
    assert "UTC offset -45:00, which no time zone has" in bad["detail"].iloc[0]
    assert any(m.startswith(f"{path}: the page's time '2019-03-04T09:30:00-45:00'") for m in warned)
    cm = corpus.units[corpus.units["role"] == "comment"].set_index("platform_id")
    # comment times without a zone are read as UTC, as the detail says
    assert cm.loc["comment-101", "published"] == pd.Timestamp("2019-03-04 11:15", tz="UTC")


def test_comment_list_twice_keeps_both_copies_with_suffixes(classic, tmp_path):
    block = re.search(r'<ol class="commentlist">.*?</ol>', classic, re.S).group()
    path = tmp_path / "twice.html"
    path.write_text(classic.replace(block, block + block), encoding="utf-8")
    corpus, _ = _read(path)
    cm = corpus.units[corpus.units["role"] == "comment"].set_index("unit_id")
    assert list(cm.index) == ["twice:comment-101", "twice:comment-102", "twice:comment-103", "twice:comment-104",
                              "twice:comment-101~2", "twice:comment-102~2", "twice:comment-103~2",
                              "twice:comment-104~2"]
    assert cm.loc["twice:comment-102~2", "parent_id"] == "twice:comment-101~2"  # the copy's own tree
    dup = corpus.problems[corpus.problems["problem"] == "duplicate_id"]
    assert dup["unit_id"].tolist() == [f"twice:comment-10{i}~2" for i in range(1, 5)]
    assert dup["source_path"].tolist() == [str(path)] * 4
    assert dup["detail"].iloc[0] == "the page repeats id 'comment-101' (//*[@id=\"comment-101\"]); kept as " \
                                    "twice:comment-101~2"


def test_hacker_news_page_with_a_repeated_item(fixtures, tmp_path):
    page = (fixtures / "html" / "hn_item_small.html").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if 'id="9002"' in line)
    path = tmp_path / "hn.html"
    path.write_text(page.replace(row, row + "\n" + row), encoding="utf-8")
    corpus, _ = _read(path)
    assert "hn:9002~2" in set(corpus.units["unit_id"])
    assert corpus.problems[corpus.problems["problem"] == "duplicate_id"]["unit_id"].tolist() == ["hn:9002~2"]


@pytest.mark.parametrize("page", ["<html></html>", "<html><head><script>render()</script></head><body></body></html>"])
def test_a_page_with_no_text_is_an_error_not_zero_units(tmp_path, page):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(FormatError, match=r"page\.html: the page has no visible text"):
        threads.read(path)


def test_impossible_comment_offset_is_not_guessed(classic, tmp_path):
    from threads.formats._html import parse_when

    assert parse_when("2019-03-04T09:30:00-45:00") is None  # the date patterns used to read it as 09:30 UTC
    assert parse_when("2019-03-04T09:30:00+05:00") == pd.Timestamp("2019-03-04 04:30", tz="UTC")
    page = classic.replace('<a href="#comment-102">March 4, 2019 at 1:05 pm</a>',
                           '<time datetime="2019-03-04T13:05:00+99:00">soon</time>')
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    corpus, _ = _read(path)
    cm = corpus.units[corpus.units["role"] == "comment"].set_index("platform_id")
    assert pd.isna(cm.loc["comment-102", "published"])
    bad = corpus.problems[corpus.problems["problem"] == "bad_timezone"]
    assert bad["unit_id"].tolist() == ["page:comment-102"]
    assert bad["detail"].tolist() == ["comment time '2019-03-04T13:05:00+99:00' has the UTC offset +99:00, "
                                      "which no time zone has; left NaT"]


def test_implausible_page_and_comment_times_are_flagged(classic, tmp_path):
    """An out-of-range time on a page was left empty without a flag."""
    page = classic.replace("2019-03-04T09:30:00-05:00", "1901-03-04T09:30:00-05:00").replace(
        '<a href="#comment-102">March 4, 2019 at 1:05 pm</a>', '<time datetime="9999-03-04T13:05:00Z">later</time>')
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    corpus, _ = _read(path)
    assert pd.isna(corpus.docs.loc[0, "published"])
    cm = corpus.units[corpus.units["role"] == "comment"].set_index("platform_id")
    assert pd.isna(cm.loc["comment-102", "published"]) and "bad_date" in cm.loc["comment-102", "flags"]
    bad = corpus.problems[corpus.problems["problem"] == "bad_date"]
    assert bad["unit_id"].isna().sum() == 1 and "1901-03-04" in bad["detail"].iloc[0]
    assert bad["unit_id"].dropna().tolist() == ["page:comment-102"]
