"""Reddit thread JSON and morechildren merging (threads.formats.reddit)."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning
from threads.formats.reddit import merge_morechildren


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


def by_pid(corpus, pid):
    rows = corpus.units[corpus.units["platform_id"] == pid]
    assert len(rows) == 1, f"{pid}: {len(rows)} rows"
    return rows.iloc[0]


def test_post_becomes_the_article(platforms):
    c = threads.read(platforms / "reddit_thread.json")
    doc = c.docs.iloc[0]
    assert doc["doc_id"] == "reddit_thread"
    assert doc["source_format"] == "reddit"
    assert doc["outlet"] == "r/privacy"
    assert doc["url"] == "https://www.reddit.com/r/privacy/comments/abc123/china_is_exporting/"
    assert doc["published"] == pd.Timestamp("2023-11-14 22:13:20", tz="UTC")
    art = c.units[c.units["platform_id"] == "t3_abc123"]
    assert art["role"].tolist() == ["title", "body", "body"]
    assert art["text"].iloc[2] == "Is this about security or about control?"
    assert art["locator"].iloc[1] == "/0/data/children/0/data/selftext"
    assert (art["depth"] == 0).all()


def test_comments_tree_author_time_and_locator(platforms):
    c = threads.read(platforms / "reddit_thread.json")
    comments = c.units[c.units["role"] == "comment"]
    assert comments["platform_id"].tolist() == ["t1_c1", "t1_c2", "t1_c3", "t1_c4", "t1_c5"]
    c1, c2, c3 = by_pid(c, "t1_c1"), by_pid(c, "t1_c2"), by_pid(c, "t1_c3")
    assert pd.isna(c1["parent_id"]) and c1["depth"] == 1
    assert c2["parent_id"] == c1["unit_id"] and c2["depth"] == 2
    assert c3["parent_id"] == c2["unit_id"] and c3["depth"] == 3
    assert c3["author"] == "carol"
    assert c3["published"] == pd.Timestamp(1700000300, unit="s", tz="UTC")
    assert c3["locator"] == "/1/data/children/0/data/replies/data/children/0/data/replies/data/children/0"
    assert c1["unit_id"] == "reddit_thread:t1_c1"
    # markdown is kept as written, quote marker included
    assert "> quoted line" in by_pid(c, "t1_c5")["text"]


def test_deleted_and_removed_are_placeholders(platforms):
    c = threads.read(platforms / "reddit_thread.json")
    deleted, removed = by_pid(c, "t1_c2"), by_pid(c, "t1_c4")
    assert (deleted["text"], deleted["flags"]) == ("", "deleted")
    assert pd.isna(deleted["author"])
    assert (removed["text"], removed["flags"]) == ("", "removed")
    # the placeholders' source text is reported as unaccounted, not hidden
    assert c.docs["unaccounted_chars"].iloc[0] == len("[deleted]") + len("[removed]")


def test_more_stubs_are_recorded(platforms):
    c = threads.read(platforms / "reddit_thread.json")
    stubs = c.units[c.units["flags"] == "more_stub"]
    assert len(stubs) == 3
    assert (stubs["role"] == "meta").all()
    under_c1 = stubs[stubs["parent_id"] == "reddit_thread:t1_c1"].iloc[0]
    assert under_c1["text"] == "[load more comments (3 replies)]"
    assert under_c1["platform_id"] == "t1_c7 t1_c8"
    assert under_c1["depth"] == 2
    top = stubs[stubs["parent_id"].isna()].iloc[0]
    assert top["platform_id"] == "t1_c9 t1_c10" and top["depth"] == 1
    cont = stubs[stubs["parent_id"] == "reddit_thread:t1_c5"].iloc[0]
    assert cont["text"] == "[continue this thread]" and pd.isna(cont["platform_id"])
    probs = c.problems[c.problems["problem"] == "more_stub"]
    assert set(probs["unit_id"]) == set(stubs["unit_id"])
    assert "3 replies under t1_c1" in probs[probs["unit_id"] == under_c1["unit_id"]]["detail"].iloc[0]


def test_morechildren_merges_through_read(platforms):
    before = threads.read(platforms / "reddit_thread.json")
    c = threads.read([platforms / "reddit_thread.json", platforms / "reddit_morechildren.json"])
    assert len(c.docs) == 1
    c7, c11, c8 = by_pid(c, "t1_c7"), by_pid(c, "t1_c11"), by_pid(c, "t1_c8")
    c1 = by_pid(c, "t1_c1")
    assert c7["parent_id"] == c1["unit_id"] and c7["depth"] == 2
    assert c11["parent_id"] == c7["unit_id"] and c11["depth"] == 3
    assert c8["parent_id"] == c1["unit_id"]
    assert c7["locator"] == "reddit_morechildren.json#/json/data/things/0"
    # the stub under c1 is resolved and gone, with its problem row; the others stay
    stubs = c.units[c.units["flags"] == "more_stub"]
    assert "reddit_thread:t1_c1" not in set(stubs["parent_id"].dropna())
    assert len(stubs) == 2
    assert len(c.problems) == len(before.problems) - 1
    # loaded replies take the stub's place: after c1's subtree, before c4
    order = c.units.sort_values("position")["platform_id"].tolist()
    assert order.index("t1_c3") < order.index("t1_c7") < order.index("t1_c11") < order.index("t1_c8")
    assert order.index("t1_c8") < order.index("t1_c4")
    assert c.units["position"].is_unique
    assert c.docs["source_chars"].iloc[0] > before.docs["source_chars"].iloc[0]


def test_merge_function_equals_read_and_keeps_input(platforms):
    thread = threads.read(platforms / "reddit_thread.json")
    snapshot = thread.units.copy()
    merged = merge_morechildren(thread, platforms / "reddit_morechildren.json")
    via_read = threads.read([platforms / "reddit_thread.json", platforms / "reddit_morechildren.json"])
    pd.testing.assert_frame_equal(merged.units, via_read.units)
    pd.testing.assert_frame_equal(thread.units, snapshot)  # input untouched
    again = merge_morechildren(merged, platforms / "reddit_morechildren.json")
    assert len(again.units) == len(merged.units)
    assert "duplicate_id" in set(again.problems["problem"])


def test_morechildren_alone_or_for_another_thread_is_explained(platforms):
    with pytest.raises(FormatError, match="merged into its thread"):
        threads.read(platforms / "reddit_morechildren.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReplyTreeWarning)
        with pytest.raises(FormatError, match="no thread with that post"):
            threads.read([platforms / "reddit_broken_tree.json", platforms / "reddit_morechildren.json"])


def test_loop_and_missing_parent_are_repaired_with_warning(platforms):
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "reddit_broken_tree.json")
    z = by_pid(c, "t1_z")
    assert pd.isna(z["parent_id"]) and "orphan" in z["flags"] and z["depth"] == 1
    loop = c.units[c.units["flags"].str.contains("loop")]
    assert len(loop) == 1
    assert set(c.problems["problem"]) == {"orphan", "loop"}
    # a link post keeps its target as a meta unit
    link = c.units[(c.units["role"] == "meta") & (c.units["subject"] == "link")]
    assert link["text"].tolist() == ["https://example.org/story"]
    assert not (c.units["role"] == "body").any()


def test_truncated_and_wrong_platform(platforms, fixtures):
    with pytest.raises(FormatError, match=r"reddit_truncated\.json: not valid JSON.*truncated"):
        threads.read(platforms / "reddit_truncated.json", format="reddit")
    with pytest.raises(FormatError, match=r"expected a Reddit thread.*looks like.*Discourse"):
        threads.read(platforms / "discourse_topic.json", format="reddit")


def test_real_thread_with_more_stubs_and_deleted(shared_data):
    path = shared_data / "threads" / "reddit" / "r-funny_3hahrw_sort-confidence.json"
    c = threads.read(path)
    u = c.units
    assert (u["role"] == "comment").sum() == 476
    assert (u["flags"] == "more_stub").sum() == 18
    assert (u["flags"] == "deleted").sum() == 6
    assert (u.loc[u["flags"] == "deleted", "text"] == "").all()
    reply = by_pid(c, "t1_cu5th6m")
    assert reply["parent_id"] == f"{c.docs['doc_id'].iloc[0]}:t1_cu5p1hh"
    assert u.loc[u["role"] == "comment", "depth"].max() == 10
    top = u[(u["flags"] == "more_stub") & u["parent_id"].isna()]
    assert top["platform_id"].iloc[0].split()[:2] == ["t1_cu5tt8h", "t1_cu5v9yd"]


def test_real_morechildren_merge(shared_data):
    folder = shared_data / "threads" / "reddit"
    thread = threads.read(folder / "r-funny_3hahrw_sort-confidence.json")
    c = threads.read([folder / "r-funny_3hahrw_sort-confidence.json",
                      folder / "r-funny_3hahrw_morechildren-response-1.json"])
    assert (c.units["role"] == "comment").sum() == 476 + 11
    pg2h = by_pid(c, "t1_cu5pg2h")
    assert pg2h["parent_id"].endswith(":t1_cu5p1hh") and pg2h["depth"] == 2
    assert by_pid(c, "t1_cu5tau6")["parent_id"].endswith(":t1_cu5sb33")
    assert (c.units["flags"] == "more_stub").sum() == 17
    assert len(c.problems) == len(thread.problems) - 1


def test_real_small_thread(shared_data):
    c = threads.read(shared_data / "threads" / "reddit" / "r-redditdev_2gmzqe.json")
    comments = c.units[c.units["role"] == "comment"]
    assert comments["author"].tolist() == ["paneer_burrito", "bboe"]
    assert comments["depth"].tolist() == [1, 2]
    assert c.docs["title"].iloc[0] == "[PRAW] HTTPS enabled PRAW testing needed"


def test_default_reddit_json_is_unescaped_raw_json_is_not(platforms, tmp_path):
    raw = (platforms / "reddit_thread.json").read_text(encoding="utf-8")
    # Reddit without raw_json=1: &, <, > escaped in text fields, *_html fields start with &lt;
    escaped = raw.replace("Whatever they said, the US sells the same tools.",
                          "Whatever they said, the US &amp; UK sell the same tools &gt; so? &amp;nbsp;")
    escaped = escaped.replace('"body": "This is about', '"body_html": "&lt;div class=\\"md\\"&gt;", "body": "This is about')
    (tmp_path / "escaped.json").write_text(escaped)
    c = threads.read(tmp_path / "escaped.json")
    assert by_pid(c, "t1_c3")["text"] == "Whatever they said, the US & UK sell the same tools > so? &nbsp;"
    # a raw_json=1 file keeps what the user typed, "&amp;" included
    (tmp_path / "raw.json").write_text(raw.replace("the same tools.", "the same tools &amp; more."))
    assert by_pid(threads.read(tmp_path / "raw.json"), "t1_c3")["text"].endswith("tools &amp; more.")


def test_folder_with_thread_and_morechildren_merges(platforms, tmp_path):
    for name in ("reddit_thread.json", "reddit_morechildren.json"):
        shutil.copy(platforms / name, tmp_path / name)
    c = threads.read(tmp_path)
    assert len(c.docs) == 1 and by_pid(c, "t1_c11")["depth"] == 3
    # a morechildren file whose thread is not in the folder is skipped and listed, not fatal
    (tmp_path / "reddit_thread.json").unlink()
    shutil.copy(platforms / "hn_item.json", tmp_path / "hn_item.json")
    with pytest.warns(threads.ThreadframeWarning, match="no thread with that post"):
        c = threads.read(tmp_path)
    assert c.docs["source_format"].tolist() == ["hackernews-json"]
    skipped = c.problems[c.problems["problem"] == "skipped"]
    assert skipped["source_path"].str.endswith("reddit_morechildren.json").all() and len(skipped) == 1
