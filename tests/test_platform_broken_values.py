"""Platform exports with values of the wrong type: the project's own error naming the file, or a flagged row."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import FormatError


def _write(tmp_path, name, data) -> object:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reply-tree repairs warn; the rows are what is checked
        return threads.read(path)


def _problems(corpus, kind):
    p = corpus.problems
    return p[p["problem"] == kind]


def reddit(post: dict | None = None, comments: list | None = None, post_thing: dict | None = None) -> list:
    thing = post_thing if post_thing is not None else {"kind": "t3", "data": post or {
        "id": "p", "name": "t3_p", "title": "T", "selftext": "", "subreddit": "s", "created_utc": 1700000000}}
    return [{"kind": "Listing", "data": {"children": [thing]}},
            {"kind": "Listing", "data": {"children": comments or []}}]


def discourse(*posts: dict) -> dict:
    return {"id": 1, "title": "T", "slug": "t", "post_stream": {"posts": [
        {"id": 10, "post_number": 1, "username": "op", "cooked": "<p>the post</p>"}, *posts]}}


# ------------------------------------------------------------------ tracebacks that are now errors or flags
def test_reddit_post_without_data_names_the_file(tmp_path):
    path = _write(tmp_path, "thread.json", reddit(post_thing={"kind": "t3"}))
    with pytest.raises(FormatError, match=r"thread\.json: /0/data/children/0: the post \(t3\) has no \"data\" "
                                          r"object; expected a Reddit thread"):
        threads.read(path)


def test_reddit_parent_id_that_is_not_text_is_an_orphan_not_a_traceback(tmp_path):
    comment = {"kind": "t1", "data": {"id": "c", "name": "t1_c", "parent_id": 5, "body": "hi", "created_utc": 1700000000}}
    corpus = _read(_write(tmp_path, "thread.json", reddit(comments=[comment])))
    row = corpus.units.set_index("platform_id").loc["t1_c"]
    assert row["text"] == "hi" and row["flags"] == "orphan"


def test_discourse_cooked_that_is_not_text_is_flagged(tmp_path):
    path = _write(tmp_path, "topic.json", discourse({"id": 11, "post_number": 2, "username": "a", "cooked": 5}))
    corpus = _read(path)
    row = corpus.units.set_index("platform_id").loc["11"]
    assert row["text"] == "" and row["flags"] == "text_lost"
    bad = _problems(corpus, "bad_value")
    assert bad["detail"].tolist() == ["/post_stream/posts/1/cooked: expected text, found a JSON number (5); "
                                      "kept with empty text (flag text_lost)"]
    assert bad["unit_id"].tolist() == ["topic:11"] and bad["source_path"].tolist() == [str(path)]


def test_discourse_reply_to_that_is_not_a_number_is_flagged(tmp_path):
    corpus = _read(_write(tmp_path, "topic.json", discourse(
        {"id": 11, "post_number": 2, "username": "a", "cooked": "<p>x</p>", "reply_to_post_number": [1]},
        {"id": 12, "post_number": [3], "username": "b", "cooked": "<p>y</p>", "reply_to_post_number": 2})))
    rows = corpus.units.set_index("platform_id")
    assert rows.loc["11", "flags"] == "orphan" and pd.isna(rows.loc["11", "parent_id"])
    assert rows.loc["12", "parent_id"] == "topic:11"  # a bad post_number of its own does not stop it
    assert _problems(corpus, "bad_value")["detail"].tolist() == [
        "/post_stream/posts/1/reply_to_post_number: expected a post number, found a JSON array; "
        "placed at the top level (flag orphan)"]


def test_lemmy_post_that_is_not_an_object_names_the_file(tmp_path):
    path = _write(tmp_path, "post.json", {"post_view": {"post": "str"}})
    with pytest.raises(FormatError, match=r"post\.json: /post_view/post: expected a Lemmy post object, "
                                          r"found a JSON string \('str'\)"):
        threads.read(path)


def test_lemmy_counts_and_community_of_the_wrong_type_are_ignored(tmp_path):
    data = {"post_view": {"post": {"id": 1, "name": "T"}, "community": "c", "counts": 3},
            "comments": [{"comment": {"id": 5, "post_id": 1, "path": "0.5", "content": "c"}, "counts": "x"}]}
    corpus = _read(_write(tmp_path, "post.json", data))
    assert corpus.units["text"].tolist() == ["T", "c"]


def test_a_corpus_check_failing_inside_a_parser_names_the_file(tmp_path, monkeypatch):
    from threads.corpus import Corpus
    from threads.formats import _REGISTRY, Format

    def parse(text, path, doc_id):  # a parser that builds a table with a repeated unit id
        units = pd.DataFrame({"doc_id": [doc_id] * 2, "unit_id": ["u", "u"], "role": ["body"] * 2,
                              "text": ["a", "b"]})
        return Corpus(docs=pd.DataFrame({"doc_id": [doc_id]}), units=units)

    monkeypatch.setitem(_REGISTRY, "broken", Format("broken", "test", sniff=lambda h, n: 0.0, parse=parse))
    path = tmp_path / "x.txt"
    path.write_text("some text\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"x\.txt: broken: units: duplicate unit_id\(s\) 'u'"):
        threads.read(path, format="broken")


# ------------------------------------------------------------------ silent changes that are now flagged
def test_reddit_body_given_as_an_object_is_flagged_not_its_repr(tmp_path):
    comment = {"kind": "t1", "data": {"id": "c", "name": "t1_c", "parent_id": "t3_p", "body": {"x": 1},
                                      "author": "a", "created_utc": 1700000000}}
    path = _write(tmp_path, "thread.json", reddit(comments=[comment]))
    corpus = _read(path)
    row = corpus.units.set_index("platform_id").loc["t1_c"]
    assert row["text"] == "" and row["flags"] == "text_lost"
    assert "{'x': 1}" not in " ".join(corpus.units["text"])
    bad = _problems(corpus, "bad_value")
    assert bad["unit_id"].tolist() == ["thread:t1_c"]
    assert bad["detail"].tolist() == ["/1/data/children/0/data/body: expected text, found a JSON object; "
                                      "kept with empty text (flag text_lost)"]


def test_reddit_post_title_and_selftext_of_the_wrong_type_are_flagged(tmp_path):
    post = {"id": "p", "name": "t3_p", "title": ["T"], "selftext": 7, "subreddit": "s", "created_utc": 1700000000}
    corpus = _read(_write(tmp_path, "thread.json", reddit(post=post)))
    assert corpus.units[["role", "text", "flags"]].values.tolist() == [["title", "", "text_lost"],
                                                                       ["body", "", "text_lost"]]
    assert len(_problems(corpus, "bad_value")) == 2


def test_lemmy_path_that_is_not_a_path_is_flagged(tmp_path):
    data = {"post_view": {"post": {"id": 1, "name": "T"}},
            "comments": [{"comment": {"id": 5, "post_id": 1, "path": "0.5", "content": "parent"}},
                         {"comment": {"id": 6, "post_id": 1, "path": "hello", "content": "c"}},
                         {"comment": {"id": 7, "post_id": 1, "path": "0.5.7", "content": {"md": "x"}}}]}
    corpus = _read(_write(tmp_path, "post.json", data))
    rows = corpus.units.set_index("platform_id")
    assert rows.loc["6", "flags"] == "orphan" and pd.isna(rows.loc["6", "parent_id"])
    assert rows.loc["7", "parent_id"] == "post:5" and rows.loc["7", "flags"] == "text_lost"
    assert _problems(corpus, "bad_value")["detail"].tolist() == [
        "/comments/1/comment/path: expected a path of comment ids such as \"0.12.6\", found a JSON string "
        "('hello'); placed at the top level (flag orphan)",
        "/comments/2/comment/content: expected text, found a JSON object; kept with empty text (flag text_lost)"]


@pytest.mark.parametrize(("content", "found"), [
    ("null", "JSON null"), ("42\n", "a JSON number (42)"), ('"str"', "a JSON string ('str')"),
    ("true", "JSON true")])
def test_a_bare_json_value_is_refused_not_read_as_text(tmp_path, content, found):
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(f"data.json: the whole file is {found}, not an export")):
        threads.read(path)
    assert threads.read(path, format="text").units["text"].tolist() == [content.strip()]  # on request


def test_a_text_that_is_not_json_is_still_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("42 ways to say no\n", encoding="utf-8")
    assert threads.read(path).docs["source_format"].tolist() == ["text"]


# ------------------------------------------------------------------ every field of the wrong type
@pytest.mark.parametrize(("name", "fmt"), [("reddit_thread.json", "reddit"), ("discourse_topic.json", "discourse"),
                                           ("lemmy_post.json", "lemmy"), ("lemmy_comments.json", "lemmy"),
                                           ("hn_item.json", "hackernews-json")])
def test_any_field_of_the_wrong_type_gives_a_corpus_or_an_error_naming_the_file(fixtures, name, fmt):
    from jsonfuzz import wrong_type_failures

    from threads.formats import registry

    assert wrong_type_failures(fixtures / "platforms" / name, registry()[fmt].parse) == []


@pytest.mark.parametrize("replies", [{"kind": "Listing", "data": 5}, {"kind": "Listing", "data": {"children": 5}}])
def test_reddit_replies_of_the_wrong_type_are_listed(tmp_path, replies):
    comment = {"kind": "t1", "data": {"id": "c", "name": "t1_c", "parent_id": "t3_p", "body": "hi",
                                      "created_utc": 1700000000, "replies": replies}}
    more = {"kind": "more", "data": {"id": "m", "parent_id": "t3_p", "count": 2, "children": "abc"}}
    corpus = _read(_write(tmp_path, "thread.json", reddit(comments=[comment, more])))
    assert corpus.units["text"].tolist()[:2] == ["T", "hi"]
    details = _problems(corpus, "bad_value")["detail"].tolist()
    assert details[-1] == ("/1/data/children/1/data/children: expected an array, found a JSON string ('abc'); "
                           "nothing under it was read")
    assert details[0].startswith("/1/data/children/0/data/replies/data/children: expected an array"
                                 if isinstance(replies["data"], dict) else
                                 "/1/data/children/0/data/replies: a Listing without a \"data\" object")


def test_morechildren_of_the_wrong_type_give_an_error_naming_the_file(fixtures, tmp_path):
    from jsonfuzz import json_paths, replaced

    from threads.errors import ThreadframeError
    from threads.formats.reddit import merge_morechildren_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thread = threads.read(fixtures / "platforms" / "reddit_thread.json")
    data = json.loads((fixtures / "platforms" / "reddit_morechildren.json").read_text(encoding="utf-8"))
    failures = []
    for path in list(json_paths(data))[1:]:
        for value in (5, [1], {"a": 1}):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    merge_morechildren_text(thread, json.dumps(replaced(data, path, value)), tmp_path / "m.json")
            except ThreadframeError as exc:
                assert str(exc).startswith(f"{tmp_path / 'm.json'}: ")
            except Exception as exc:  # noqa: BLE001 - the point: collect every raw traceback
                failures.append(f"{'/'.join(map(str, path))} = {value!r}: {type(exc).__name__}: {exc}")
    assert failures == []


def test_an_export_with_nothing_readable_names_the_file(tmp_path):
    path = _write(tmp_path, "comments.json", {"comments": [1, "x"]})
    with pytest.raises(FormatError, match=re.escape(f"{path}: lemmy: nothing could be read (/comments/0: not a "
                                                    "Lemmy comment view; skipped; /comments/1:")):
        threads.read(path, format="lemmy")
