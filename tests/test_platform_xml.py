"""Disqus XML and WordPress WXR exports, and hostile XML."""

from __future__ import annotations

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning, ThreadframeWarning
from threads.formats._thread import DataGapWarning


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


def unit(corpus, doc_id, pid):
    u = corpus.units
    rows = u[(u["doc_id"] == doc_id) & (u["platform_id"] == pid) & (u["role"] != "title")]
    assert len(rows) == 1, f"{doc_id}/{pid}: {len(rows)} rows"
    return rows.iloc[0]


def read_quietly(path):
    with pytest.warns(ThreadframeWarning):
        return threads.read(path)


# ---------------------------------------------------------------- Disqus
def test_disqus_threads_are_documents(platforms):
    c = read_quietly(platforms / "disqus_export.xml")
    assert c.docs["doc_id"].tolist() == ["disqus_export-100", "disqus_export-200", "disqus_export-300"]
    first = c.docs.iloc[0]
    assert first["url"] == "https://news.example.org/2024/expo"
    assert first["title"] == "Police expo shows surveillance tech to foreign buyers"
    assert c.units.loc[c.units["role"] == "body", "text"].tolist() == ["Summary of the article."]


def test_disqus_posts_parents_flags_and_text(platforms):
    c = read_quietly(platforms / "disqus_export.xml")
    d = "disqus_export-100"
    p1 = unit(c, d, "1001")
    assert p1["text"] == "This is a security story & a rights story.\n\nTwo paragraphs."
    assert p1["author"] == "alice" and p1["locator"] == "/disqus/post[@dsq:id='1001']"
    reply = unit(c, d, "1002")
    assert reply["parent_id"] == p1["unit_id"] and reply["depth"] == 2
    assert reply["published"] == pd.Timestamp("2024-05-01 07:30", tz="UTC")  # +02:00 -> UTC
    deleted = unit(c, d, "1003")
    assert (deleted["flags"], deleted["text"]) == ("deleted", "")
    assert unit(c, d, "1005")["parent_id"] == deleted["unit_id"]  # its reply keeps the tree
    spam = unit(c, d, "1004")
    assert spam["flags"] == "spam" and spam["text"] == "Buy cheap watches here"
    # nothing personal beyond the display name leaks from the export
    assert not c.units.astype("str").apply(lambda s: s.str.contains("@example.org|203.0.113")).any().any()


def test_disqus_missing_parent_and_missing_thread(platforms):
    with pytest.warns(DataGapWarning, match="thread '300'"), pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "disqus_export.xml")
    assert unit(c, "disqus_export-200", "1006")["flags"] == "orphan"
    lost = unit(c, "disqus_export-300", "1007")
    assert lost["text"] == "The thread I belong to is missing."
    assert set(c.problems["problem"]) == {"orphan", "missing_thread"}


def test_real_disqus_fixture(shared_data):
    path = shared_data / "threads" / "disqus" / "isso-fixture-disqus.xml"
    with pytest.warns(DataGapWarning, match="1337"):
        c = threads.read(path)
    u = c.units
    comments = u[u["role"] == "comment"]
    assert len(comments) == 6
    doc = f"{path.stem}-2"
    assert unit(c, doc, "5")["parent_id"] == f"{doc}:4"
    assert unit(c, doc, "5")["text"] == "Hello, World."
    assert unit(c, doc, "9")["flags"] == "deleted"
    assert unit(c, doc, "11")["parent_id"] == f"{doc}:9"
    assert unit(c, f"{path.stem}-1337", "6")["author"] == "where am I?"
    assert unit(c, f"{path.stem}-7", "8")["author"] == "EmptyUsername"


# ---------------------------------------------------------------- WordPress WXR
def test_wxr_posts_comments_and_statuses(platforms):
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "wxr_export.xml")
    assert c.docs["doc_id"].tolist() == ["wxr_export-42", "wxr_export-2"]
    assert c.docs["outlet"].iloc[0] == "Digital Rights Blog"
    d = "wxr_export-42"
    assert c.units.loc[(c.units["doc_id"] == d) & (c.units["role"] == "body"), "text"].tolist() == [
        "Vendors showed face recognition to police from abroad.",
        "Critics call it the export of a policing model."]
    assert unit(c, d, "501")["text"] == "A question of rights."
    assert unit(c, d, "502")["parent_id"] == f"{d}:501"
    # newlines count as WordPress shows them, also next to tags
    assert unit(c, d, "502")["text"] == "Rather a question of security.\nSecond line.\n\nNew paragraph."
    assert unit(c, d, "503")["depth"] == 3
    assert unit(c, d, "501")["published"] == pd.Timestamp("2024-05-01 08:00", tz="UTC")  # the _gmt time
    assert [unit(c, d, i)["flags"] for i in ("503", "504", "505", "507")] == [
        "unapproved", "spam", "deleted", "orphan"]
    ping = unit(c, d, "506")
    assert (ping["role"], ping["subject"]) == ("meta", "pingback")
    assert pd.isna(unit(c, d, "507")["published"])  # WordPress's 0000-00-00 means "no date"
    skipped = c.problems[c.problems["problem"] == "skipped_items"]["detail"].iloc[0]
    assert "1 attachment" in skipped and "1 nav_menu_item" in skipped


def test_real_wxr_fixture(shared_data):
    path = shared_data / "threads" / "wordpress" / "isso-fixture-wordpress-wxr.xml"
    c = threads.read(path)
    assert len(c.docs) == 3
    doc = f"{path.stem}-18"
    comments = c.units[(c.units["doc_id"] == doc) & (c.units["role"] == "comment")]
    assert len(comments) == 7
    assert unit(c, doc, "7")["parent_id"] == f"{doc}:6"
    assert unit(c, doc, "8")["parent_id"] == f"{doc}:7" and unit(c, doc, "8")["depth"] == 3
    assert unit(c, doc, "10")["text"] == "When you have a comment with multiple lines:\nWordPress exports it like this."
    assert unit(c, doc, "10")["published"] == pd.Timestamp("2022-06-06 02:13:14", tz="UTC")
    # the same comment id in another post is another unit
    assert unit(c, f"{path.stem}-item2", "11")["author"] == "Anonymous"
    assert c.problems.empty


# ---------------------------------------------------------------- hostile and broken XML
def test_billion_laughs_is_refused(platforms):
    with pytest.raises(FormatError, match=r"billion_laughs\.xml: refused.*billion laughs"):
        threads.read(platforms / "billion_laughs.xml")
    with pytest.raises(FormatError, match="refused"):
        threads.read(platforms / "billion_laughs.xml", format="wxr")


def test_external_entity_is_refused(platforms):
    with pytest.raises(FormatError, match=r"wxr_external_entity\.xml: refused.*external entity"):
        threads.read(platforms / "wxr_external_entity.xml")


def test_truncated_and_wrong_platform_xml(platforms):
    with pytest.raises(FormatError, match=r"disqus_truncated\.xml: not well-formed.*truncated.*Disqus"):
        threads.read(platforms / "disqus_truncated.xml")
    with pytest.raises(FormatError, match=r"expected a WordPress WXR export.*<disqus>"):
        threads.read(platforms / "disqus_export.xml", format="wxr")
    with pytest.raises(FormatError, match=r"expected a Disqus XML export.*<rss>"):
        threads.read(platforms / "wxr_export.xml", format="disqus")


def test_bad_file_in_a_folder_is_skipped_and_listed(platforms, tmp_path):
    for name in ("wxr_export.xml", "billion_laughs.xml"):
        (tmp_path / name).write_bytes((platforms / name).read_bytes())
    with pytest.warns(ThreadframeWarning):
        c = threads.read(tmp_path)
    assert c.docs["source_format"].unique().tolist() == ["wxr"]
    skipped = c.problems[c.problems["problem"] == "skipped"]
    assert skipped["source_path"].str.endswith("billion_laughs.xml").tolist() == [True]


def test_message_markup_as_elements_and_deep_nesting(tmp_path):
    # a message whose HTML arrived as XML elements (no CDATA), nested 100,000 deep
    n = 100_000
    path = tmp_path / "deep-markup.xml"
    path.write_text('<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
                    '<thread dsq:id="1"><title>t</title></thread><post dsq:id="2"><thread dsq:id="1"/>'
                    "<message>before " + "<b>" * n + "deep" + "</b>" * n + " after</message></post></disqus>")
    c = threads.read(path)
    assert c.units.loc[c.units["role"] == "comment", "text"].tolist() == ["before deep after"]
