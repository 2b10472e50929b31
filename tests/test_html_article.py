"""Other article pages (Drupal, unknown markup) and Hacker News item pages."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning, UnplacedTextWarning
from threads.formats._html import TruncatedPageWarning, looks_like_html
from threads.read import detect_format

pytest.importorskip("lxml")
pytest.importorskip("trafilatura")


def comments(corpus):
    return corpus.units[corpus.units["role"] == "comment"].set_index("platform_id")


def body_text(corpus):
    u = corpus.units
    return " ".join(u.loc[u["role"] == "body", "text"])


def test_drupal_anchors_and_indented_replies(fixtures):
    c = threads.read(fixtures / "html" / "drupal_indented.html")
    assert c.docs.loc[0, "source_format"] == "article_html"
    cm = comments(c)
    assert list(cm.index) == ["comment-901", "comment-902", "comment-904", "comment-903"]
    uid = cm["unit_id"]
    # a reply sits in div.indented *after* the comment it answers
    assert cm.loc["comment-902", "parent_id"] == uid["comment-901"]
    assert cm.loc["comment-904", "parent_id"] == uid["comment-902"]
    assert pd.isna(cm.loc["comment-903", "parent_id"])
    assert cm["depth"].tolist() == [1, 2, 3, 1]
    assert cm["author"].tolist() == ["Gerd", "Uta", "Gerd", "Ali"]
    assert cm.loc["comment-901", "published"] == pd.Timestamp("2023-10-18 11:11:26", tz="UTC")
    assert cm.loc["comment-904", "text"] == "Eben."
    body = body_text(c)
    assert "dreimal eine Überwachungssoftware" in body
    assert "Dreimal ist dreimal" not in body and "Impressum" not in body
    d = c.docs.iloc[0]
    assert d["author"] == "Petra Lang"
    assert d["published"] == pd.Timestamp("2023-10-18 07:00", tz="UTC")


def test_unknown_markup_body_by_density_and_comments_found_by_the_model(fixtures):
    # no profile knows this comment markup: the page-region model finds the records
    # (issue 18); before, they were kept as boilerplate with an unplaced_comments warning
    c = threads.read(fixtures / "html" / "article_unmarked_comments.html")
    body = body_text(c)
    assert "surveillance drones now patrol" in body
    assert "legal safeguards" in body
    for leaked in ("Thermal cameras at night sound expensive", "Who audits", "Most read",
                   "Ten things about taxes", "Copyright", "Subscribe"):
        assert leaked not in body, leaked
    u = c.units
    cm = u[u["role"] == "comment"]
    assert cm["text"].tolist() == ["Thermal cameras at night sound expensive.", "Who audits this program?"]
    assert cm["author"].tolist() == ["reader1", "reader2"]
    assert cm["depth"].tolist() == [1, 1] and cm["parent_id"].isna().all()
    boiler = " ".join(u.loc[u["role"] == "boilerplate", "text"])
    assert "Who audits" not in boiler and "Reader comments" in boiler
    assert "unplaced_comments" not in c.problems["problem"].tolist()
    d = c.docs.iloc[0]  # from the page's JSON-LD
    assert d["author"] == "Sam Lee"
    assert d["published"] == pd.Timestamp("2021-06-01 12:00", tz="UTC")
    assert u.loc[u["role"] == "title", "text"].tolist() == ["Drones over the border"]


def test_trafilatura_fallback_when_no_container(tmp_path):
    lines = "<br>".join(
        f"Line {i} of a statement about the new biometric passport rules and their critics." for i in range(12))
    page = ("<html><head><title>Statement</title></head><body><div class='menu'><a href='/'>Home</a></div>"
            f"<div>{lines}</div><div class='foot'>Imprint</div></body></html>")
    p = tmp_path / "statement.html"
    p.write_text(page, encoding="utf-8")
    c = threads.read(p)
    assert c.docs.loc[0, "source_format"] == "article_html"
    body = body_text(c)
    assert "Line 0 of a statement" in body and "Line 11 of a statement" in body
    assert "Imprint" not in body


def test_html_sniffing_needs_markup():
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert not looks_like_html('<?xml version="1.0"?><rss><channel></channel></rss>')
    assert not looks_like_html('{"kind": "Listing"}')
    assert detect_format("<html><body><p>hello</p></body></html>", "a.txt").name == "article_html"


# ---------------------------------------------------------------- Hacker News
def test_hn_page_starting_inside_a_thread_flags_orphans(fixtures, tmp_path):
    page = (fixtures / "html" / "hn_item_small.html").read_text(encoding="utf-8")
    cut = tmp_path / "hn_cut.html"
    cut.write_text("\n".join(ln for ln in page.splitlines() if 'id="9001"' not in ln), encoding="utf-8")
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(cut, format="hackernews_html")
    cm = comments(c)
    assert cm.loc["9002", "flags"] == "orphan" and pd.isna(cm.loc["9002", "parent_id"])
    assert cm.loc["9003", "parent_id"] == cm.loc["9002", "unit_id"]  # its own replies stay under it
    assert c.problems.set_index("unit_id").loc[cm.loc["9002", "unit_id"], "problem"] == "orphan"


def test_hn_tree_from_indent_and_spacer_width(fixtures):
    c = threads.read(fixtures / "html" / "hn_item_small.html")
    assert c.docs.loc[0, "source_format"] == "hackernews_html"
    cm = comments(c)
    assert list(cm.index) == ["9001", "9002", "9003", "9004", "9005"]
    assert cm["depth"].tolist() == [1, 2, 3, 2, 1]  # 9003 has only the spacer image (80px)
    uid = cm["unit_id"]
    assert cm.loc["9002", "parent_id"] == uid["9001"]
    assert cm.loc["9003", "parent_id"] == uid["9002"]
    assert cm.loc["9004", "parent_id"] == uid["9001"]
    assert pd.isna(cm.loc["9005", "parent_id"])
    assert cm.loc["9001", "text"] == "It depends on the state.\n\nIllinois has BIPA."
    assert cm.loc["9001", "author"] == "alice"
    assert cm.loc["9001", "published"] == pd.Timestamp("2023-07-21 19:51:36", tz="UTC")
    assert "reply" not in " ".join(cm["text"])


def test_hn_deleted_comment_is_a_flagged_placeholder(fixtures):
    c = threads.read(fixtures / "html" / "hn_item_small.html")
    cm = comments(c)
    assert cm.loc["9004", "text"] == ""
    assert set(cm.loc["9004", "flags"].split(";")) == {"deleted", "text_lost"}
    assert "text_lost" in c.problems["problem"].tolist()


def test_hn_story_and_top_text(fixtures):
    c = threads.read(fixtures / "html" / "hn_item_small.html")
    u = c.units.set_index("role")
    assert u.loc["title", "text"] == "Ask HN: Is face recognition in schools legal?"
    assert u.loc["body", "text"] == "Our district wants to install it.\n\nHas anyone fought this?"
    assert c.docs.loc[0, "author"] == "asker"


def test_hn_truncated_and_wrong_page(fixtures, tmp_path):
    text = (fixtures / "html" / "hn_item_small.html").read_text("utf-8")
    cut = tmp_path / "hn_cut.html"
    cut.write_text(text[: text.index('id="9003"')], encoding="utf-8")
    with pytest.warns(TruncatedPageWarning):
        c = threads.read(cut, format="hackernews_html")
    assert len(comments(c)) == 2
    other = tmp_path / "not_hn.html"
    other.write_text("<html><body><p>nothing here</p></body></html>", encoding="utf-8")
    with pytest.raises(FormatError, match="not_hn.html.*Hacker News"):
        threads.read(other, format="hackernews_html")


def test_all_fixture_pages_read_as_one_corpus(fixtures):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnplacedTextWarning)
        c = threads.read(fixtures / "html")
    assert set(c.docs["source_format"]) == {"wordpress", "article_html", "hackernews_html"}
    assert c.units["unit_id"].is_unique
    top = c.units[(c.units["role"] == "comment") & c.units["parent_id"].isna()]
    assert (top["depth"] == 1).all()


def test_fragment_with_html_name_is_read_without_truncation_warning(tmp_path):
    p = tmp_path / "snippet.html"
    p.write_text("<p>Police bought spyware.</p><p>Critics object.</p>", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncatedPageWarning)
        c = threads.read(p)
    assert c.docs.loc[0, "source_format"] == "article_html"
    assert body_text(c) == "Police bought spyware. Critics object."
    renamed = tmp_path / "snippet.txt"  # without the name, a fragment is plain text
    renamed.write_text("<p>Police bought spyware.</p>", encoding="utf-8")
    assert threads.read(renamed).docs.loc[0, "source_format"] == "text"


def test_byline_from_author_page_link(tmp_path):
    words = " ".join(["Sentence about border cameras and the people they watch."] * 8)
    page = (f"<html><body><article><h1>Border cameras</h1><p class='info'>Autor: <a href='/autoren/eva-kern'>"
            f"Eva Kern</a>, 3. März 2022</p><div class='article-text'><p>{words}</p><p>{words}</p></div>"
            "</article><aside><a href='/autoren/someone-else'>Someone Else</a></aside></body></html>")
    p = tmp_path / "byline.html"
    p.write_text(page, encoding="utf-8")
    d = threads.read(p).docs.iloc[0]
    assert d["author"] == "Eva Kern"
    assert d["published"] == pd.Timestamp("2022-03-03", tz="UTC")  # written-out date in the byline


_TAGS = ["<html>", "<body>", "<p>", "</p>", "<div class='entry-content'>", "</div>",
         "<ol class='commentlist'>", "<li class='comment' id='comment-1'>", "<li id='comment-2'>",
         "</li>", "</ol>", "<ul class='children'>", "</ul>", "<a id='comment-3'></a>",
         "<article class='comment'>", "</article>", "<div class='indented'>", "<time datetime='x'>",
         "</time>", "<br>", "<script>", "</script>", "<!--", "-->", "<?xml version='1.0'?>",
         "<cite class='fn'>", "</cite>", "</body>", "</html>", "&amp;", "&#0;", "\x00", "<", ">"]


def test_any_tag_soup_gives_a_corpus_or_an_error_naming_the_file(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    from threads.errors import ThreadframeError

    pieces = st.lists(st.one_of(st.sampled_from(_TAGS), st.text(max_size=12)), max_size=40)

    @hypothesis.settings(max_examples=60, deadline=None, derandomize=True)
    @hypothesis.given(pieces, st.sampled_from(["wordpress", "article_html", "hackernews_html"]))
    def check(parts, fmt):
        p = tmp_path / "soup.html"
        p.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                c = threads.read(p, format=fmt)
            except ThreadframeError as exc:
                assert "soup.html" in str(exc) or "threadframe[html]" in str(exc)
                return
        assert c.units["unit_id"].is_unique
        cm = c.units[c.units["role"] == "comment"]
        assert cm["parent_id"].dropna().isin(set(cm["unit_id"])).all()

    check()
