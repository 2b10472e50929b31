"""WordPress pages: markup families, nesting, times, pingbacks, boilerplate, bad input."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import InputError, ThreadframeError
from threads.formats._html import TruncatedPageWarning, parse_when
from threads.read import detect_format

pytest.importorskip("lxml")

HTML = "html"


def read(fixtures, name, **kw):
    return threads.read(fixtures / HTML / name, **kw)


def comments(corpus):
    return corpus.units[corpus.units["role"] == "comment"].set_index("platform_id")


def body_text(corpus):
    u = corpus.units
    return " ".join(u.loc[u["role"] == "body", "text"])


def test_classic_commentlist_tree_authors_and_text_times(fixtures):
    c = read(fixtures, "wp_classic_commentlist.html")
    assert c.docs.loc[0, "source_format"] == "wordpress"
    cm = comments(c)
    assert list(cm.index) == ["comment-101", "comment-102", "comment-103", "comment-104"]
    assert cm.loc["comment-102", "parent_id"] == cm.loc["comment-101", "unit_id"]
    assert cm["depth"].tolist() == [1, 2, 1, 1]
    assert cm.loc["comment-101", "author"] == "Maria"
    assert cm.loc["comment-102", "author"] == "Bob"
    # "March 4, 2019 at 11:15 am" on a page published at -05:00 -> 16:15 UTC
    assert cm.loc["comment-101", "published"] == pd.Timestamp("2019-03-04 16:15", tz="UTC")
    assert cm.loc["comment-102", "published"] == pd.Timestamp("2019-03-04 18:05", tz="UTC")
    # two paragraphs of one comment stay one unit, chrome (says:, Reply) is not comment text
    assert cm.loc["comment-101", "text"] == ("This is exactly how surveillance creep begins.\n\n"
                                             "Who will watch the watchers?")
    assert "says" not in " ".join(cm["text"])
    assert "Reply" not in " ".join(cm["text"])
    assert cm.loc["comment-101", "locator"] == '//*[@id="comment-101"]'


def test_missing_time_and_pingback_are_kept(fixtures):
    cm = comments(read(fixtures, "wp_classic_commentlist.html"))
    assert pd.isna(cm.loc["comment-103", "published"])
    assert cm.loc["comment-103", "text"] == "No date on this one."
    assert cm.loc["comment-104", "flags"] == "pingback"
    assert cm.loc["comment-104", "text"].startswith("Pingback:")


def test_article_side_roles(fixtures):
    c = read(fixtures, "wp_classic_commentlist.html")
    u = c.units
    assert u.loc[u["role"] == "title", "text"].tolist() == ["Cameras on every corner"]
    body = body_text(c)
    assert "facial recognition cameras" in body and "lacks any oversight" in body
    for leaked in ("Click to enlarge", "Share this", "Twitter", "Another story about drones",
                   "Leave a Reply", "responses to", "Home", "donate now", "not text"):
        assert leaked not in body, leaked
    meta = " ".join(u.loc[u["role"] == "meta", "text"])
    assert "Click to enlarge the camera map" in meta  # a caption is meta, not lost
    boiler = " ".join(u.loc[u["role"] == "boilerplate", "text"])
    assert "Share this:" in boiler and "Leave a Reply" in boiler
    assert "not text" not in " ".join(u["text"])  # script content is not visible text
    d = c.docs.iloc[0]
    assert d["title"] == "Cameras on every corner"
    assert d["url"] == "https://blog.example.org/2019/03/cameras/"
    assert d["published"] == pd.Timestamp("2019-03-04 14:30", tz="UTC")
    assert d["language"] == "en"
    assert d["author"] == "Ana Ruiz"
    assert d["unaccounted_chars"] == 0 and d["source_chars"] > 500


def test_comment_list_article_family_with_lead_and_deep_replies(fixtures):
    c = read(fixtures, "wp_comment_list_article.html")
    cm = comments(c)
    assert cm["depth"].tolist() == [1, 2, 3]
    assert cm.loc["comment-503", "parent_id"] == cm.loc["comment-502", "unit_id"]
    assert cm.loc["comment-501", "published"] == pd.Timestamp("2020-05-12 08:15", tz="UTC")
    assert cm["author"].tolist() == ["Lena", "Tom", "Lena"]
    body = body_text(c)
    assert "anlasslose Speicherung" in body  # the lead above the body belongs to the article
    assert "galt die Speicherung als erledigt" in body
    for leaked in ("12.05.2020", "Zum Vergrößern", "schreibt über Überwachung", "spendenfinanziert",
                   "die ganze Geschichte"):
        assert leaked not in body, leaked


def test_highlander_family_german_text_times(fixtures):
    cm = comments(read(fixtures, "wp_highlander.html"))
    assert list(cm.index) == ["comment-11", "comment-12"]  # li-comment-N and comment-N are one
    assert cm.loc["comment-12", "parent_id"] == cm.loc["comment-11", "unit_id"]
    assert cm.loc["comment-11", "published"] == pd.Timestamp("2012-12-11 11:07", tz="UTC")
    assert cm.loc["comment-11", "text"] == "Danke für den Bericht!"


def test_units_are_in_document_order_and_ids_unique(fixtures):
    c = read(fixtures, "wp_classic_commentlist.html")
    u = c.units
    assert u["unit_id"].is_unique
    assert u["position"].tolist() == list(range(len(u)))
    roles = u["role"].tolist()
    assert roles.index("title") < roles.index("body") < roles.index("comment")


def test_same_page_same_ids(fixtures):
    a = read(fixtures, "wp_classic_commentlist.html").units["unit_id"].tolist()
    b = read(fixtures, "wp_classic_commentlist.html").units["unit_id"].tolist()
    assert a == b


def test_sniffer_looks_at_content_not_name(fixtures, tmp_path):
    text = (fixtures / HTML / "wp_classic_commentlist.html").read_text("utf-8")
    assert detect_format(text, "page.txt").name == "wordpress"
    renamed = tmp_path / "export.dat"
    renamed.write_text(text, encoding="utf-8")
    assert threads.read(renamed).docs.loc[0, "source_format"] == "wordpress"
    wxr = '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel></channel></rss>'
    assert detect_format(wxr + "<html>", "x.xml").name != "wordpress"


def test_truncated_page_warns_and_keeps_what_is_there(fixtures, tmp_path):
    text = (fixtures / HTML / "wp_comment_list_article.html").read_text("utf-8")
    cut = text[: text.index("Hoffentlich, aber") + 10]
    p = tmp_path / "cut.html"
    p.write_text(cut, encoding="utf-8")
    with pytest.warns(TruncatedPageWarning, match="comment list is cut off"):
        c = threads.read(p)
    cm = comments(c)
    assert list(cm.index) == ["comment-501", "comment-502"]
    assert cm.loc["comment-502", "text"] == "Hoffentlic"  # cut mid-word: kept as far as it goes
    assert "truncated" in c.problems["problem"].tolist()


def test_complete_page_does_not_warn(fixtures):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read(fixtures, "wp_comment_list_article.html")


def _deep_page(n: int) -> str:
    opening = "".join(
        f'<li class="comment depth-{i + 1}" id="comment-{i}"><div class="comment-author"><cite class="fn">u{i % 7}'
        f'</cite></div><div class="comment-content"><p>reply number {i}</p></div><ol class="children">'
        for i in range(n))
    return ('<!DOCTYPE html><html><head><link rel="stylesheet" href="/wp-content/x.css"></head><body>'
            '<article class="post"><h1 class="entry-title">Deep</h1><div class="entry-content"><p>'
            + "word " * 60 + '</p></div></article><ol class="commentlist">' + opening
            + "</ol></li>" * n + "</ol></body></html>")


def test_thousands_deep_thread_keeps_every_reply(tmp_path):
    n = 3000  # deeper than libxml2's tree limit and Python's recursion limit
    assert n > sys.getrecursionlimit()
    p = tmp_path / "deep.html"
    p.write_text(_deep_page(n), encoding="utf-8")
    c = threads.read(p)
    cm = c.units[c.units["role"] == "comment"]
    assert len(cm) == n
    assert cm["depth"].tolist() == list(range(1, n + 1))
    assert cm["text"].iloc[-1] == f"reply number {n - 1}"
    assert (cm["parent_id"].iloc[1:].tolist() == cm["unit_id"].iloc[:-1].tolist())
    assert max(len(x) for x in cm["locator"]) < 40  # locators anchor at ids, they do not grow with depth


def test_garbage_and_binary_name_the_file(tmp_path):
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x00\x01\x02\x03binary\x00" * 100)
    with pytest.raises(InputError, match="junk.html"):
        threads.read(junk)
    notes = tmp_path / "notes.html"
    notes.write_text("just some words, no markup at all", encoding="utf-8")
    with pytest.raises(ThreadframeError, match="notes.html.*no HTML markup"):
        threads.read(notes, format="wordpress")


def test_parse_when_formats():
    utc = pd.Timestamp
    assert utc(parse_when("2016-06-23T17:21:09+02:00")) == utc("2016-06-23 15:21:09", tz="UTC")
    assert utc(parse_when("23. Juni 2016 um 17:21 Uhr")) == utc("2016-06-23 17:21", tz="UTC")
    assert utc(parse_when("July 11, 2011 at 12:25 pm")) == utc("2011-07-11 12:25", tz="UTC")
    assert utc(parse_when("July 11, 2011 at 12:25 am")) == utc("2011-07-11 00:25", tz="UTC")
    assert utc(parse_when("Do  9 Apr 2020 / 08:34")) == utc("2020-04-09 08:34", tz="UTC")
    assert utc(parse_when("21.01.2015, 19:04")) == utc("2015-01-21 19:04", tz="UTC")
    assert utc(parse_when("1587481447")) == utc("2020-04-21 15:04:07", tz="UTC")
    assert parse_when("yesterday") is None and parse_when("") is None


def test_missing_html_extra_gives_install_hint(fixtures, monkeypatch):
    from threads.formats import _html

    monkeypatch.setitem(sys.modules, "lxml.etree", None)  # import of lxml.etree now fails
    with pytest.raises(ThreadframeError, match=r'pip install "threadframe\[html\]"'):
        _html.require_lxml()
    with pytest.raises(ThreadframeError, match="threadframe.html"):
        threads.read(fixtures / HTML / "wp_highlander.html")


def test_pingback_is_a_known_flag():
    from threads.schema import FLAGS

    assert "pingback" in FLAGS


def test_theme_without_comment_ids_and_long_appeal_like_paragraph(tmp_path):
    """Class-only comments (no ids) nest by their lists; a long paragraph that mentions
    donations or licences is article text, only short appeal boxes are boilerplate."""
    long_para = ("The foundation said people who donate now to the campaign fund are not registered, "
                 "and the footage is licensed under a restrictive contract that no council member has "
                 "read in full, according to documents obtained by reporters this week.")
    page = f"""<html><head><script src="/wp-includes/js/x.js"></script></head><body>
    <article class="type-post"><h1 class="entry-title">Contract</h1>
    <div class="entry-content"><p>{long_para}</p><p>{long_para.upper()}</p>
    <p>Support us: donate now!</p></div></article>
    <ol class="comment-list">
      <li class="comment"><div class="comment-author"><span class="fn">A</span></div>
        <div class="comment-content"><p>First.</p></div>
        <ul><li class="comment"><div class="comment-author"><span class="fn">B</span></div>
          <div class="comment-content"><p>Reply to first.</p></div></li></ul></li>
      <li class="comment"><div class="comment-author"><span class="fn">C</span></div>
        <div class="comment-content"><p>Second.</p></div></li>
    </ol></body></html>"""
    p = tmp_path / "theme.html"
    p.write_text(page, encoding="utf-8")
    c = threads.read(p)
    cm = c.units[c.units["role"] == "comment"].reset_index(drop=True)
    assert cm["text"].tolist() == ["First.", "Reply to first.", "Second."]
    assert cm["author"].tolist() == ["A", "B", "C"]
    assert cm["depth"].tolist() == [1, 2, 1]
    assert cm.loc[1, "parent_id"] == cm.loc[0, "unit_id"]
    assert cm["platform_id"].isna().all()  # the page gives no ids; unit ids come from the node order
    body = body_text(c)
    assert "licensed under a restrictive contract" in body
    assert "Support us" not in body
