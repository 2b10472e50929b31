"""Mastodon statuses with their context (ancestors / descendants, in_reply_to_id)."""

from __future__ import annotations

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


def unit(corpus, pid):
    rows = corpus.units[corpus.units["platform_id"] == pid]
    assert len(rows) == 1, f"{pid}: {len(rows)} rows"
    return rows.iloc[0]


def test_real_status_and_reply_from_mastodon_py_cassette(platforms):
    # tests/cassettes/test_status_reply.yaml of halcy/Mastodon.py (MIT): a status and the reply to it
    c = threads.read(platforms / "mastodon_py" / "status_reply_context.json")
    assert c.docs["source_format"].iloc[0] == "mastodon"
    assert c.docs["author"].iloc[0] == "mastodonpy_test_2@localhost"
    assert c.docs["outlet"].iloc[0] == "localhost"
    body = c.units[c.units["role"] == "body"]
    assert body["text"].tolist() == ["Toot, finally!"]
    reply = unit(c, "117020583258292382")
    # the mention's h-card HTML becomes plain text; the reply hangs under the root
    assert reply["text"] == "@mastodonpy_test_2 same!"
    assert reply["role"] == "comment" and pd.isna(reply["parent_id"]) and reply["depth"] == 1
    assert reply["author"] == "admin@localhost"
    assert reply["published"] == pd.Timestamp("2026-08-01 13:53:15.910", tz="UTC")
    assert c.problems.empty


def test_real_content_warning_kept_as_subject(platforms):
    c = threads.read(platforms / "mastodon_py" / "status_content_warning.json")
    root = c.units.iloc[0]
    assert root["subject"] == "Content warning" and root["text"] == "Toot!"


def test_thread_tree_flags_and_html(platforms):
    with pytest.warns(ReplyTreeWarning):
        c = threads.read(platforms / "mastodon_thread.json")
    body = c.units[c.units["role"] == "body"]["text"].tolist()
    assert body == ["Should the city ban cars\nfrom the centre?", "Thoughts welcome."]  # the first ancestor
    assert unit(c, "1002")["text"] == "Replying to Ann & all:\n\nsecond paragraph"
    assert pd.isna(unit(c, "1002")["parent_id"])  # replies to the root status: top level
    cw = unit(c, "1003")
    assert cw["parent_id"] == "mastodon_thread:1002" and cw["depth"] == 2
    assert cw["subject"] == "politics, cars" and cw["author"] == "carl@other.example"
    assert unit(c, "1004")["flags"] == "private" and unit(c, "1004")["depth"] == 3
    gone = unit(c, "1005")
    assert gone["flags"] == "deleted" and gone["text"] == "I take that back"
    orphan = unit(c, "1006")
    assert "orphan" in orphan["flags"] and orphan["depth"] == 1
    assert c.units["unit_id"].is_unique


def test_context_without_its_status_and_array_of_statuses(platforms, tmp_path):
    import json
    data = json.loads((platforms / "mastodon_thread.json").read_text())
    (tmp_path / "context.json").write_text(json.dumps(data["context"]))
    c = threads.read(tmp_path / "context.json")
    assert c.docs["source_format"].iloc[0] == "mastodon"
    # 1002 is missing: its reply 1003 is kept and repaired as an orphan, never re-parented by guess
    assert "orphan" in unit(c, "1003")["flags"]
    flat = [data["context"]["ancestors"][0], data["status"], *data["context"]["descendants"][:2]]
    (tmp_path / "statuses.json").write_text(json.dumps(flat))
    c = threads.read(tmp_path / "statuses.json")
    assert unit(c, "1003")["parent_id"] == "statuses:1002"


def test_first_status_a_reply_is_reported(platforms, tmp_path):
    import json
    data = json.loads((platforms / "mastodon_thread.json").read_text())
    (tmp_path / "no_ancestors.json").write_text(json.dumps({"status": data["status"], "context": {
        "ancestors": [], "descendants": data["context"]["descendants"][:1]}}))
    c = threads.read(tmp_path / "no_ancestors.json")
    assert c.problems["problem"].tolist() == ["missing_parent"]
    assert "replies to 1001" in c.problems["detail"].iloc[0]


def test_other_platform_forced_and_truncated(platforms, tmp_path):
    with pytest.raises(FormatError, match=r"lemmy_post\.json.*expected Mastodon API JSON.*looks like.*Lemmy"):
        threads.read(platforms / "lemmy_post.json", format="mastodon")
    cut = tmp_path / "cut.json"
    cut.write_text((platforms / "mastodon_thread.json").read_text()[:900])
    with pytest.raises(FormatError, match=r"cut\.json.*truncated.*expected Mastodon API JSON"):
        threads.read(cut)
    bad = tmp_path / "bad.json"
    bad.write_text('{"ancestors": [], "descendants": {"id": "1"}}')
    with pytest.raises(FormatError, match=r"/descendants: expected an array of statuses"):
        threads.read(bad)


def test_existing_formats_not_taken_for_mastodon(platforms):
    for name in ("reddit_thread.json", "discourse_topic.json", "lemmy_post.json", "hn_item.json"):
        assert threads.read(platforms / name).docs["source_format"].iloc[0] != "mastodon"


@pytest.mark.parametrize("name", ["mastodon_thread.json"])  # the same fields as the real cassettes, fewer
def test_any_field_of_the_wrong_type_gives_a_corpus_or_an_error_naming_the_file(platforms, name):
    from jsonfuzz import wrong_type_failures

    from threads.formats import registry

    assert wrong_type_failures(platforms / name, registry()["mastodon"].parse) == []
