"""Hacker News (Algolia items JSON), Discourse topics and Lemmy posts/comments."""

from __future__ import annotations

import json

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


# ---------------------------------------------------------------- Hacker News
def test_hn_story_and_nested_children(platforms):
    c = threads.read(platforms / "hn_item.json")
    assert c.docs["source_format"].iloc[0] == "hackernews-json"
    assert c.docs["url"].iloc[0] == "https://news.ycombinator.com/item?id=4000"
    body = c.units[c.units["role"] == "body"]["text"].tolist()
    assert body == ["Chinese firms showed face recognition to foreign police.",
                    "Should democracies respond & how?"]
    pat, quin = unit(c, "4001"), unit(c, "4002")
    assert pat["text"] == "It's a rights issue first. See this report.\n\nSecond paragraph."
    assert pd.isna(pat["parent_id"]) and pat["depth"] == 1
    assert quin["parent_id"] == "hn_item:4001" and quin["depth"] == 2
    assert quin["locator"] == "/children/0/children/0"
    assert quin["published"] == pd.Timestamp("2023-07-21 10:10", tz="UTC")
    assert "And what about the NSA?" in quin["text"] and "<" not in quin["text"]


def test_hn_deleted_comment_keeps_its_replies(platforms):
    c = threads.read(platforms / "hn_item.json")
    gone, reply = unit(c, "4003"), unit(c, "4004")
    assert (gone["text"], gone["flags"]) == ("", "deleted") and pd.isna(gone["author"])
    assert reply["parent_id"] == gone["unit_id"] and reply["depth"] == 2


def test_hn_wrong_shape(platforms):
    with pytest.raises(FormatError, match=r"expected a Hacker News item.*looks like.*Lemmy"):
        threads.read(platforms / "lemmy_post.json", format="hackernews-json")


# ---------------------------------------------------------------- Discourse
def test_discourse_first_post_is_the_article(platforms):
    with pytest.warns(ReplyTreeWarning):
        c = threads.read(platforms / "discourse_topic.json")
    u = c.units
    assert u.loc[u["role"] == "title", "text"].tolist() == ["Surveillance exports and civil liberties"]
    assert u.loc[u["role"] == "body", "text"].tolist() == [
        "Vendors demonstrated face recognition to foreign police.", "What should forums like ours discuss?"]
    assert c.docs["published"].iloc[0] == pd.Timestamp("2024-03-01 14:00", tz="UTC")


def test_discourse_replies_notices_deleted_and_gaps(platforms):
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "discourse_topic.json")
    assert pd.isna(unit(c, "502")["parent_id"])
    assert unit(c, "503")["parent_id"] == "discourse_topic:502"
    assert unit(c, "503")["text"] == "security question\n\nI disagree \u2013 it is about rights."
    notice = unit(c, "504")
    assert notice["role"] == "meta" and notice["subject"] == "pinned.enabled"
    withdrawn = unit(c, "505")
    assert (withdrawn["text"], withdrawn["flags"], withdrawn["depth"]) == ("", "deleted", 3)
    hidden = unit(c, "507")
    assert hidden["flags"] == "removed;orphan" and pd.isna(hidden["parent_id"])
    stub = unit(c, "506 508")
    assert stub["flags"] == "more_stub" and stub["text"] == "[2 more posts not loaded]"
    assert set(c.problems["problem"]) == {"more_stub", "orphan"}


def test_real_discourse_topic(shared_data):
    c = threads.read(shared_data / "threads" / "discourse" / "try-discourse-topic-57.json")
    u = c.units
    assert (u["role"] == "comment").sum() == 2
    assert u.loc[u["platform_id"] == "84", "role"].iloc[0] == "meta"  # "This topic is now pinned."
    reply = unit(c, "226")
    assert reply["author"] == "splattne" and pd.isna(reply["parent_id"])  # replied to post 1
    assert reply["text"] == "What? So I have to post this every day?"
    assert u.loc[u["role"] == "body", "text"].iloc[0] == "Welcome!"
    assert c.problems.empty


# ---------------------------------------------------------------- Lemmy
def test_lemmy_path_gives_the_tree(platforms):
    with pytest.warns(ReplyTreeWarning):
        c = threads.read(platforms / "lemmy_post.json")
    d = c.docs.iloc[0]
    assert (d["outlet"], d["url"]) == ("!worldnews@lemmy.world", "https://lemmy.world/post/900")
    assert d["published"] == pd.Timestamp("2023-06-30 12:00:00.123456", tz="UTC")  # naive = UTC
    assert [unit(c, i)["depth"] for i in ("11", "12", "13", "14")] == [1, 2, 3, 4]
    assert unit(c, "14")["parent_id"] == "lemmy_post:13"
    # the same user name on two instances stays two authors
    assert unit(c, "11")["author"] == "ada@lemmy.world"
    assert unit(c, "12")["author"] == "ada@feddit.de"


def test_lemmy_deleted_removed_orphan_and_counts(platforms):
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "lemmy_post.json")
    assert (unit(c, "13")["text"], unit(c, "13")["flags"]) == ("", "deleted")
    assert unit(c, "15")["flags"] == "removed"
    assert unit(c, "15")["text"] == "Spam link removed by mods"  # text kept where the export has it
    assert unit(c, "16")["flags"] == "orphan"
    stubs = c.units[c.units["flags"] == "more_stub"]
    assert dict(zip(stubs["parent_id"].fillna("top"), stubs["text"], strict=True)) == {
        "lemmy_post:11": "[1 more reply not loaded]", "top": "[1 more comment not loaded]"}


def test_lemmy_comments_only_response(platforms):
    c = threads.read(platforms / "lemmy_comments.json")
    assert c.docs["title"].iloc[0] == "Facial recognition at the border"
    assert c.docs["outlet"].iloc[0] == "!privacy@lemmy.ml"
    assert unit(c, "22")["parent_id"] == "lemmy_comments:21"
    assert c.problems.empty


def test_lemmy_wrong_shape(platforms):
    with pytest.raises(FormatError, match=r"expected Lemmy API JSON.*looks like.*Reddit thread"):
        threads.read(platforms / "reddit_thread.json", format="lemmy")


def test_lemmy_comment_list_spanning_posts(platforms, tmp_path):
    data = json.loads((platforms / "lemmy_comments.json").read_text(encoding="utf-8"))
    other = json.loads(json.dumps(data["comments"][0]))
    other["comment"].update({"id": 31, "post_id": 902, "path": "0.31", "content": "On another post."})
    other["post"] = {"id": 902, "name": "Another post", "published": "2023-07-02T09:00:00Z"}
    data["comments"].append(other)
    path = tmp_path / "community.json"
    path.write_text(json.dumps(data))
    c = threads.read(path)
    assert c.docs["doc_id"].tolist() == ["community-901", "community-902"]
    assert unit(c, "31")["doc_id"] == "community-902"
    assert unit(c, "22")["parent_id"] == "community-901:21"
