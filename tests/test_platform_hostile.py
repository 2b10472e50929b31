"""Format sniffing, deep nesting without recursion limits, malformed input."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest

import threads
from threads.errors import FormatError
from threads.formats._json import loads_iterative

DEPTH = 5000

BY_CONTENT = {
    "reddit_thread.json": "reddit",
    "reddit_morechildren.json": "reddit-morechildren",
    "hn_item.json": "hackernews-json",
    "discourse_topic.json": "discourse",
    "lemmy_post.json": "lemmy",
    "lemmy_comments.json": "lemmy",
    "disqus_export.xml": "disqus",
    "wxr_export.xml": "wxr",
    "comments.csv": "tabular",
    "pushshift.jsonl": "tabular",
}


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


@pytest.mark.parametrize(("name", "expected"), sorted(BY_CONTENT.items()))
def test_format_is_detected_from_content_not_name(platforms, tmp_path, name, expected):
    text = (platforms / name).read_text(encoding="utf-8")
    assert threads.detect_format(text, name).name == expected
    renamed = tmp_path / "export.txt"  # a misleading name does not change the answer
    shutil.copy(platforms / name, renamed)
    assert threads.detect_format(text, renamed).name == expected


def reddit_chain(depth: int) -> str:
    """A thread whose comments each reply to the previous one, built as text (json.dumps recurses too)."""
    head = ('[{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "p", "name": "t3_p", '
            '"title": "Deep", "selftext": "", "is_self": true, "subreddit": "t", "created_utc": 1699999999}}]}}, '
            '{"kind": "Listing", "data": {"children": [')
    opens = []
    for i in range(depth):
        data = {"id": f"c{i}", "name": f"t1_c{i}", "parent_id": "t3_p" if i == 0 else f"t1_c{i - 1}",
                "author": "a", "body": f"reply {i}", "created_utc": 1700000000 + i}
        opens.append('{"kind": "t1", "data": ' + json.dumps(data)[:-1]
                     + ', "replies": {"kind": "Listing", "data": {"children": [')
    return head + "".join(opens) + "]}}}}" * depth + "]}}]"


def hn_chain(depth: int) -> str:
    head = ('{"id": 1, "type": "story", "title": "Deep", "author": "op", "created_at": "2023-01-01T00:00:00Z", '
            '"created_at_i": 1672531200, "story_id": 1, "text": null, "options": [], "children": [')
    opens = []
    for i in range(depth):
        item = {"id": i + 2, "type": "comment", "author": "a", "text": f"<p>reply {i}</p>",
                "parent_id": i + 1 if i else 1, "created_at": "2023-01-01T00:00:00Z", "story_id": 1}
        opens.append(json.dumps(item)[:-1] + ', "children": [')
    return head + "".join(opens) + "]}" * depth + "]}"


@pytest.mark.parametrize("make", [reddit_chain, hn_chain], ids=["reddit", "hackernews"])
def test_5000_levels_parse_without_recursion(tmp_path, make):
    text = make(DEPTH)
    with pytest.raises(RecursionError):
        json.loads(text)  # so the test really exercises the iterative fallback
    path = tmp_path / "deep.json"
    path.write_text(text)
    c = threads.read(path)
    comments = c.units[c.units["role"] == "comment"]
    assert len(comments) == DEPTH
    assert comments["depth"].tolist() == list(range(1, DEPTH + 1))
    ids = comments["unit_id"].tolist()
    assert comments["parent_id"].tolist()[1:] == ids[:-1]
    # locators stay short: absolute pointers restart from a named ancestor past 2,000 characters
    assert comments["locator"].str.len().max() <= 2100
    # the deepest locator: an ancestor's platform id, then the pointer from that ancestor's object
    anchor, pointer = comments["locator"].iloc[-1].split("#")
    ancestor = comments[comments["platform_id"] == anchor].iloc[0]
    step = "/data/replies/data/children/0" if make is reddit_chain else "/children/0"
    assert pointer == step * (DEPTH - ancestor["depth"])
    assert c.problems.empty


def test_deep_disqus_chain(tmp_path):
    posts = "".join(
        f'<post dsq:id="{i}"><message>m{i}</message><thread dsq:id="1"/>'
        + (f'<parent dsq:id="{i - 1}"/>' if i else "") + "</post>" for i in range(DEPTH))
    path = tmp_path / "deep.xml"
    path.write_text('<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
                    f'<thread dsq:id="1"><title>t</title></thread>{posts}</disqus>')
    c = threads.read(path)
    assert c.units["depth"].max() == DEPTH


def test_iterative_decoder_matches_json(platforms):
    for name in BY_CONTENT:
        if name.endswith(".json"):
            text = (platforms / name).read_text(encoding="utf-8")
            assert loads_iterative(text) == json.loads(text)
    assert loads_iterative('{"a": [1, -2.5e3, true, false, null, "\\u00e9", {}, []]}') == {
        "a": [1, -2500.0, True, False, None, "\u00e9", {}, []]}
    for bad in ('{"a": 1,}', "[1 2]", '{"a" 1}', "[1,", "[1]x", '{"a": tru}'):
        with pytest.raises(json.JSONDecodeError):
            loads_iterative(bad)


@pytest.mark.parametrize("content", ['{"post_stream": {"posts": [', "[{]", '{"kind": "Listing"'])
def test_malformed_json_names_file_and_expectation(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=r"broken\.json: not valid JSON .*expected"):
        threads.read(path, format="discourse")


def test_wrong_platform_names_what_it_found(platforms):
    with pytest.raises(FormatError, match=r"hn_item\.json: expected a Discourse topic.*looks like.*Hacker News"):
        threads.read(platforms / "hn_item.json", format="discourse")
    with pytest.raises(FormatError, match=r"expected a Reddit morechildren.*looks like.*Reddit thread"):
        threads.read(platforms / "reddit_thread.json", format="reddit-morechildren")


def test_json_of_no_known_platform_is_refused_not_read_as_text(tmp_path):
    path = tmp_path / "tweets.json"
    path.write_text('{"data": [{"id": "1", "full_text": "hello"}], "meta": {"result_count": 1}}')
    with pytest.raises(FormatError, match=r"tweets\.json: JSON of no known platform format "
                                          r"\(found a JSON object with keys data, meta\)"):
        threads.read(path)


@pytest.mark.parametrize("name", ["reddit_thread.json", "disqus_export.xml", "comments.csv"])
def test_platform_corpora_round_trip(platforms, tmp_path, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = threads.read(platforms / name)
    for fmt in ("parquet", "csv", "jsonl"):
        again = threads.read_corpus(c.save(tmp_path / fmt, format=fmt))
        assert again.units["unit_id"].tolist() == c.units["unit_id"].tolist()
        assert again.units["parent_id"].fillna("").tolist() == c.units["parent_id"].fillna("").tolist()
        assert again.units["flags"].tolist() == c.units["flags"].tolist()
        assert (again.units["published"] == c.units["published"]).sum() == c.units["published"].notna().sum()


def test_html_to_text():
    from threads.formats._htmltext import html_to_text, paragraphs

    html = ("<p>One &amp; <b>two</b>\n three</p><script>alert(1)</script><p>Line<br>break</p>"
            "HN style<p>next &#x27;para&#x27;<ul><li>a</li><li>b</li></ul>")
    text = html_to_text(html)
    assert text == "One & two three\n\nLine\nbreak\n\nHN style\n\nnext 'para'\n\na\nb"
    assert [p for _, _, p in paragraphs(text)] == ["One & two three", "Line\nbreak", "HN style",
                                                   "next 'para'", "a\nb"]
    start, end, para = paragraphs(text)[1]
    assert text[start:end] == para
    assert html_to_text("a <i>b</i>\nc\n\nd", keep_newlines=True) == "a b\nc\n\nd"
    assert html_to_text(None) == "" and html_to_text("<img src='x.gif' alt='image'>") == ""
