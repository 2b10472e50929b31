"""CSV / JSONL tables of already-structured comments (threads.formats.tabular)."""

from __future__ import annotations

import pandas as pd
import pytest

import threads
from threads.errors import FormatError, ReplyTreeWarning


@pytest.fixture()
def platforms(fixtures):
    return fixtures / "platforms"


def test_csv_columns_are_recognised(platforms):
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = threads.read(platforms / "comments.csv")
    assert c.docs["doc_id"].tolist() == ["story-1", "story-2"]
    assert set(c.docs["source_format"]) == {"csv"}
    u = c.units.set_index("unit_id")
    assert u.loc["story-1:b", "parent_id"] == "story-1:a"
    assert u.loc["story-1:c", "depth"] == 3
    assert u.loc["story-1:b", "text"] == "No, rights first.\nSecond line of the same comment."
    assert u.loc["story-1:a", "published"] == pd.Timestamp(1700000000, unit="s", tz="UTC")
    assert u.loc["story-1:d", "flags"] == "orphan"
    # the same raw id in two threads stays two units; the raw id is the platform id
    assert u.loc["story-2:a", "platform_id"] == "a" and u.loc["story-2:a", "author"] == "eve"
    assert u.loc["story-1:c", "locator"] == "row 3"
    assert u.loc["story-1:a", "score"] == "5"  # unmapped columns ride along


def test_pushshift_style_jsonl(platforms):
    c = threads.read(platforms / "pushshift.jsonl")
    assert c.docs["doc_id"].tolist() == ["t3_post9"]
    u = c.units.set_index("platform_id")
    assert pd.isna(u.loc["k1", "parent_id"])  # parent t3_post9 is the thread itself
    assert u.loc["k2", "parent_id"] == "t3_post9:k1"  # t1_ prefix matched to the bare id
    assert u.loc["k3", "depth"] == 3
    assert u.loc["k2", "locator"] == "line 2"
    assert u.loc["k1", "score"] == "10" and pd.isna(u.loc["k3", "score"])


def test_unmappable_columns_are_listed(platforms):
    with pytest.raises(FormatError, match=r"no_text_column\.csv: cannot find the comment text column; "
                                          r"the table has: id, parent, score"):
        threads.read(platforms / "no_text_column.csv")


def test_malformed_jsonl_names_the_line(platforms):
    with pytest.raises(FormatError, match=r"malformed\.jsonl, line 2: not valid JSON"):
        threads.read(platforms / "malformed.jsonl")


def test_json_array_of_records_and_duplicate_ids(tmp_path):
    p = tmp_path / "records.json"
    p.write_text('[{"thread": "t", "comment_id": 1, "reply_to": null, "message": "hi"},'
                 ' {"thread": "t", "comment_id": 2, "reply_to": 1, "message": "hello"}]')
    c = threads.read(p)  # detected: an array of flat records with a text column
    assert c.docs["source_format"].tolist() == ["json"]
    assert c.units["parent_id"].tolist()[1] == "t:1"
    assert c.units["locator"].tolist() == ["/0", "/1"]
    dup = tmp_path / "dup.csv"
    dup.write_text("id,text\n1,a\n1,b\n")
    with pytest.raises(FormatError, match=r"dup\.csv: .*duplicate unit id"):
        threads.read(dup)


def test_a_reddit_thread_is_not_a_table(platforms):
    with pytest.raises(FormatError, match="looks like Reddit thread"):
        threads.read(platforms / "reddit_thread.json", format="tabular")


def test_loop_in_a_table_is_broken(tmp_path):
    p = tmp_path / "loop.csv"
    p.write_text("thread,id,parent_id,body\nt,a,b,first\nt,b,a,second\nt,c,b,third\n")
    with pytest.warns(ReplyTreeWarning, match="1 loop"):
        c = threads.read(p)
    u = c.units.set_index("platform_id")
    assert u["flags"].str.contains("loop").sum() == 1
    # the walk from a closes the loop at b: b becomes top level, a and c reply to it
    assert pd.isna(u.loc["b", "parent_id"]) and u.loc["b", "flags"] == "loop"
    assert (u.loc["a", "parent_id"], u.loc["c", "parent_id"]) == ("t:b", "t:b")
    assert u["depth"].tolist() == [2, 1, 2]
    assert c.problems["problem"].tolist() == ["loop"]
