"""YouTube comments: Data API commentThreads / comments JSON and youtube-comment-downloader JSONL."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


def unit(corpus, key):
    rows = corpus.units[corpus.units["unit_id"].str.split(":", n=1).str[1] == key]
    assert len(rows) == 1, f"{key}: {len(rows)} rows"
    return rows.iloc[0]


T1 = "UgzDE2tasfmrYLyNkGt4AaABAg"


def test_comment_threads_pages_flat_replies_and_mentions(platforms):
    c = threads.read(platforms / "youtube_comment_threads.json")
    doc = c.docs.iloc[0]
    assert doc["source_format"] == "youtube" and doc["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert (c.units["role"] != "body").all()  # the video is not in the export
    top = unit(c, T1)
    assert top["text"] == "Who else is here in 2024?\n\nStill a classic & more." and top["depth"] == 1
    assert top["published"] == pd.Timestamp("2024-01-05 10:00", tz="UTC") and top["author"] == "@ann"
    # YouTube replies are flat: @bob answering @ann and @cat answering @bob both sit under the top comment
    bob, cat = unit(c, f"{T1}.9wXYZ1"), unit(c, f"{T1}.9wXYZ2")
    assert bob["parent_id"] == cat["parent_id"] == f"youtube_comment_threads:{T1}"
    assert bob["depth"] == cat["depth"] == 2
    assert bob["reply_to"] == "@ann" and cat["reply_to"] == "@bob"
    assert pd.isna(unit(c, f"{T1}.9wXYZ3")["reply_to"]) and pd.isna(top["reply_to"])
    stub = unit(c, f"more:{T1}")
    assert stub["flags"] == "more_stub" and stub["text"] == "[4 more replies not loaded]"
    assert unit(c, "UgwHeldxxxxxxxxxxxxx4AaABAg")["flags"] == "unapproved"
    assert unit(c, "UgyPrivxxxxxxxxxxxxx4AaABAg")["flags"] == "private"  # from the second page
    # the last page has no nextPageToken: nothing reported missing but the capped replies
    assert c.problems["problem"].tolist() == ["more_stub"]


def test_comments_list_page_html_fallback_and_next_page(platforms):
    with pytest.warns(ReplyTreeWarning):
        c = threads.read(platforms / "youtube_comments_page.json")
    assert unit(c, f"{T1}.9wXYZ5")["text"] == "bold & a link"  # textDisplay HTML when textOriginal is absent
    gus = unit(c, f"{T1}.9wXYZ4")
    assert "orphan" in gus["flags"] and gus["reply_to"] == "@cat"  # its top-level comment is on another page
    assert "nextPageToken ('R1VzZXJzL3JlcGxpZXM')" in c.problems.set_index("problem")["detail"]["more_pages"]


def test_single_thread_object(platforms, tmp_path):
    pages = json.loads((platforms / "youtube_comment_threads.json").read_text())
    (tmp_path / "one.json").write_text(json.dumps(pages[0]["items"][0]))
    c = threads.read(tmp_path / "one.json")
    assert c.docs["source_format"].iloc[0] == "youtube" and len(c.units) == 5


def test_downloader_jsonl(platforms):
    c = threads.read(platforms / "youtube_downloader.jsonl")
    assert c.docs["source_format"].iloc[0] == "youtube-jsonl"  # not the generic JSONL table reader
    top = unit(c, "UgzA1xxxxxxxxxxxxxxx4AaABAg")
    assert top["text"] == "This aged well.\nReally well." and top["locator"] == "line 1"
    assert top["published"] == pd.Timestamp("2023-01-01", tz="UTC")  # time_parsed
    bob, cat = unit(c, "UgzA1xxxxxxxxxxxxxxx4AaABAg.9xR1"), unit(c, "UgzA1xxxxxxxxxxxxxxx4AaABAg.9xR2")
    assert bob["parent_id"] == cat["parent_id"] == "youtube_downloader:UgzA1xxxxxxxxxxxxxxx4AaABAg"
    assert cat["reply_to"] == "@bob" and cat["depth"] == 2
    assert pd.isna(unit(c, "UgzB2xxxxxxxxxxxxxxx4AaABAg")["author"])  # empty author: unknown, not ""


def test_truncated_jsonl_and_wrong_lines(platforms, tmp_path):
    lines = (platforms / "youtube_downloader.jsonl").read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:2]) + "\n" + lines[2][:40])
    with pytest.raises(FormatError, match=r"cut\.jsonl, line 3: not valid JSON.*truncated"):
        threads.read(cut)
    odd = tmp_path / "odd.jsonl"
    odd.write_text(lines[0] + '\n{"text": "no id"}\n')
    with pytest.raises(FormatError, match=r"odd\.jsonl.*line 2: expected youtube-comment-downloader"):
        threads.read(odd)


def test_other_platform_forced_and_truncated_page(platforms, tmp_path):
    with pytest.raises(FormatError, match=r"reddit_thread\.json.*expected YouTube Data API JSON.*looks like.*Reddit"):
        threads.read(platforms / "reddit_thread.json", format="youtube")
    cut = tmp_path / "cut.json"
    cut.write_text((platforms / "youtube_comment_threads.json").read_text()[:2000])
    with pytest.raises(FormatError, match=r"cut\.json.*truncated.*expected YouTube Data API JSON"):
        threads.read(cut)
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "youtube#commentThreadListResponse", "items": {"snippet": {}}}')
    with pytest.raises(FormatError, match=r"/items: expected an array of comment threads"):
        threads.read(bad, format="youtube")


def test_existing_formats_not_taken_for_youtube(platforms):
    for name in ("reddit_thread.json", "discourse_topic.json", "lemmy_post.json", "hn_item.json",
                 "pushshift.jsonl", "mastodon_thread.json", "bluesky_thread.json"):
        assert not threads.read(platforms / name).docs["source_format"].iloc[0].startswith("youtube")


@pytest.mark.parametrize("name", ["youtube_comment_threads.json", "youtube_comments_page.json"])
def test_any_field_of_the_wrong_type_gives_a_corpus_or_an_error_naming_the_file(platforms, name):
    from jsonfuzz import wrong_type_failures

    from threads.formats import registry

    assert wrong_type_failures(platforms / name, registry()["youtube"].parse) == []


def test_downloader_fields_of_the_wrong_type(platforms, tmp_path):
    line = json.loads((platforms / "youtube_downloader.jsonl").read_text().splitlines()[1])
    for key in line:
        for value in ([1], {"a": 1}, 5, None):
            path = tmp_path / "odd.jsonl"
            path.write_text(json.dumps({**line, key: value}) + "\n")
            try:
                c = threads.read(path)
            except FormatError as exc:
                assert str(exc).startswith(str(path)), exc
            else:
                assert len(c.units) == 1


@pytest.mark.parametrize(("name", "fmt"), [
    ("youtube_comment_threads.json", "youtube"), ("youtube_downloader.jsonl", "youtube-jsonl"),
    ("bluesky_thread.json", "bluesky"), ("bluesky_records.json", "bluesky"),
    ("atproto/post_record.json", "bluesky"), ("mastodon_thread.json", "mastodon"),
    ("mastodon_py/status_content_warning.json", "mastodon")])
def test_social_formats_detected_by_content_whatever_the_name(platforms, tmp_path, name, fmt):
    renamed = tmp_path / "saved.txt"
    renamed.write_bytes((platforms / name).read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert threads.read(renamed).docs["source_format"].iloc[0] == fmt


def test_reply_to_survives_reading_a_folder(platforms, tmp_path):
    for name in ("youtube_downloader.jsonl", "reddit_thread.json"):
        (tmp_path / name).write_bytes((platforms / name).read_bytes())
    c = threads.read(tmp_path)
    assert c.units["reply_to"].dropna().tolist() == ["@ann", "@bob"]
