"""Bluesky: app.bsky.feed.getPostThread responses and exported app.bsky.feed.post records."""

from __future__ import annotations

import json

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


def test_real_thread_view_from_atproto_sdk(platforms):
    # tests/test_atproto_client/models/test_data of MarshalX/atproto (MIT): a post with only an embed
    c = threads.read(platforms / "atproto" / "thread_view_post_with_embed_media.json")
    doc = c.docs.iloc[0]
    assert doc["source_format"] == "bluesky" and doc["author"] == "test.marshal.dev"
    assert doc["url"] == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert doc["published"] == pd.Timestamp("2023-09-28 12:49:36.735", tz="UTC") and doc["language"] == "en"
    root = c.units.iloc[0]
    assert len(c.units) == 1 and root["role"] == "body" and root["text"] == ""
    assert root["platform_id"] == "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"


def test_real_post_record_from_atproto_sdk(platforms):
    c = threads.read(platforms / "atproto" / "post_record.json")
    assert c.docs["source_format"].iloc[0] == "bluesky"
    root = c.units.iloc[0]
    assert root["text"] == "new text114" and root["author"] == "did:plc:kvwvcn5iqfooopmyzvb4qzba"
    assert root["published"] == pd.Timestamp("2024-02-22 19:58:13.903293", tz="UTC")


def test_parent_chain_replies_and_placeholders(platforms):
    c = threads.read(platforms / "bluesky_thread.json")
    root = c.units.iloc[0]
    assert root["role"] == "body" and root["text"] == "Should the city make buses free?"  # the topmost parent
    focal = unit(c, "3kfocal000002")
    assert focal["role"] == "comment" and pd.isna(focal["parent_id"]) and focal["depth"] == 1
    assert focal["author"] == "bob.bsky.social"
    nested = unit(c, "3kreply000004")
    assert nested["parent_id"] == "bluesky_thread:3kreply000003" and nested["depth"] == 3
    assert unit(c, "3kreply000003")["text"] == "The city, from parking fees.\n\nSee the budget."
    blocked, gone = unit(c, "3kblock000005"), unit(c, "3kgone0000006")
    assert blocked["flags"] == "blocked" and blocked["text"] == "" and blocked["depth"] == 2
    assert gone["flags"] == "not_found" and gone["text"] == "" and pd.isna(gone["author"])
    assert gone["platform_id"] == "at://did:plc:dan6pl4o7kuozx2gqz3pscfa/app.bsky.feed.post/3kgone0000006"
    stub = unit(c, "more:3kreply000007")
    assert stub["flags"] == "more_stub" and stub["text"] == "[2 more replies not loaded]" and stub["depth"] == 3
    assert c.problems["problem"].tolist() == ["more_stub"]
    assert unit(c, "3kreply000007")["published"] == pd.Timestamp("2024-05-02 09:40", tz="UTC")


def test_deleted_thread_start_is_a_flagged_placeholder(platforms):
    c = threads.read(platforms / "bluesky_deleted_root.json")
    root = c.units.iloc[0]
    assert root["role"] == "body" and root["flags"] == "not_found" and root["text"] == ""
    assert unit(c, "3kreply000012")["depth"] == 2 and pd.isna(unit(c, "3kfocal000011")["parent_id"])


def test_records_grouped_by_thread_with_cursor_reported(platforms):
    with pytest.warns(ReplyTreeWarning):
        c = threads.read(platforms / "bluesky_records.json")
    assert c.docs["doc_id"].tolist() == ["bluesky_records-3kroot0000001", "bluesky_records-3kother000020"]
    # its parent (Bob's post) is not in Ann's export: kept at the top level, flagged, not guessed
    assert "orphan" in unit(c, "3kreply000007")["flags"]
    problems = c.problems.set_index("problem")["detail"]
    assert "cursor ('3kown00000021')" in problems["more_pages"]
    assert "app.bsky.feed.like record" in problems["unreadable"]
    assert "3kother000020 is not in the file" in problems["missing_thread"]


def test_first_post_a_reply_is_reported(platforms, tmp_path):
    data = json.loads((platforms / "bluesky_thread.json").read_text())
    del data["thread"]["parent"]
    (tmp_path / "focal.json").write_text(json.dumps(data))
    c = threads.read(tmp_path / "focal.json")
    assert "missing_parent" in c.problems["problem"].tolist()
    assert c.units.iloc[0]["text"] == "Fair point, but who pays for the buses?"


def test_other_platform_forced_truncated_and_bad_shapes(platforms, tmp_path):
    with pytest.raises(FormatError, match=r"discourse_topic\.json.*expected Bluesky JSON.*looks like.*Discourse"):
        threads.read(platforms / "discourse_topic.json", format="bluesky")
    cut = tmp_path / "cut.json"
    cut.write_text((platforms / "bluesky_thread.json").read_text()[:1500])
    with pytest.raises(FormatError, match=r"cut\.json.*truncated.*expected Bluesky JSON"):
        threads.read(cut)
    bad = tmp_path / "bad.json"
    bad.write_text('{"thread": ["app.bsky.feed.defs#threadViewPost"]}')
    with pytest.raises(FormatError, match=r"bad\.json.*/thread: expected a Bluesky thread view"):
        threads.read(bad, format="bluesky")
    page = tmp_path / "page.json"
    page.write_text('{"records": {"uri": "at://x", "value": {"$type": "app.bsky.feed.post"}}}')
    with pytest.raises(FormatError, match=r"/records: expected an array of records"):
        threads.read(page)


def test_existing_formats_not_taken_for_bluesky(platforms):
    for name in ("reddit_thread.json", "discourse_topic.json", "lemmy_post.json", "hn_item.json",
                 "mastodon_thread.json"):
        assert threads.read(platforms / name).docs["source_format"].iloc[0] != "bluesky"


@pytest.mark.parametrize("name", ["bluesky_thread.json", "bluesky_records.json", "bluesky_deleted_root.json",
                                  "atproto/thread_view_post_with_embed_media.json"])
def test_any_field_of_the_wrong_type_gives_a_corpus_or_an_error_naming_the_file(platforms, name):
    from jsonfuzz import wrong_type_failures

    from threads.formats import registry

    assert wrong_type_failures(platforms / name, registry()["bluesky"].parse) == []
