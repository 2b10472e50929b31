"""The corpus model: from_pandas, reply-tree repair, round trips, schema versions."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import threads
from threads.errors import CorpusError, ReplyTreeWarning, SchemaError


def _thread(**over):
    df = pd.DataFrame({
        "thread": ["t1", "t1", "t1", "t1", "t2"],
        "id": ["a", "b", "c", "d", "e"],
        "reply_to": [None, "a", "b", "a", None],
        "body": ["first", "reply to first", "reply to reply", "second reply", "other thread"],
    })
    return df.assign(**over)


def build(df, **kw):
    return threads.Corpus.from_pandas(df, doc_id="thread", unit_id="id", parent_id="reply_to",
                                      text="body", **kw)


def test_from_pandas_builds_tree_depths_and_does_not_mutate_input():
    df = _thread()
    before = df.copy()
    c = build(df)
    pd.testing.assert_frame_equal(df, before)
    assert c.units.set_index("unit_id")["depth"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 2, "e": 1}
    assert c.units.set_index("unit_id")["parent_id"].isna().to_dict() == {
        "a": True, "b": False, "c": False, "d": False, "e": True}
    assert list(c.docs["doc_id"]) == ["t1", "t2"]
    assert (c.units["role"] == "comment").all()
    assert len(c.problems) == 0


def test_from_pandas_missing_column_names_it_and_lists_available():
    with pytest.raises(CorpusError, match=r"text='content'.*the table has: thread, id, reply_to, body"):
        threads.Corpus.from_pandas(_thread(), doc_id="thread", text="content")


def test_from_pandas_duplicate_ids_are_an_error():
    with pytest.raises(CorpusError, match=r"duplicate unit id.*'a'"):
        build(_thread(id=["a", "a", "c", "d", "e"]))


def test_parent_pointing_nowhere_is_kept_flagged_and_reported():
    with pytest.warns(ReplyTreeWarning, match="1 orphan"):
        c = build(_thread(reply_to=[None, "zzz", "b", "a", None]))
    b = c.units.set_index("unit_id").loc["b"]
    assert pd.isna(b["parent_id"]) and b["depth"] == 1 and "orphan" in b["flags"]
    assert c.units.set_index("unit_id").loc["c", "depth"] == 2  # its own reply stays under it
    assert c.problems["problem"].tolist() == ["orphan"]
    assert "'zzz' does not exist" in c.problems["detail"].iloc[0]


def test_parent_in_another_document_is_an_orphan():
    with pytest.warns(ReplyTreeWarning):
        c = build(_thread(reply_to=[None, "a", "b", "a", "a"]))
    assert "another document" in c.problems["detail"].iloc[0]


def test_reply_loop_is_broken_with_a_warning():
    with pytest.warns(ReplyTreeWarning, match="1 loop"):
        c = build(_thread(reply_to=["c", "a", "b", "a", None]))
    u = c.units.set_index("unit_id")
    assert u["flags"].str.contains("loop").sum() == 1
    assert sorted(u.loc[["a", "b", "c"], "depth"]) == [1, 2, 3]


def test_deep_thread_has_no_recursion_limit():
    n = 20_000
    df = pd.DataFrame({"thread": "t", "id": [f"u{i}" for i in range(n)],
                       "reply_to": [None] + [f"u{i}" for i in range(n - 1)], "body": "x"})
    c = build(df)
    assert c.units["depth"].max() == n


def test_unknown_role_is_an_error():
    with pytest.raises(CorpusError, match="unknown role"):
        threads.Corpus.from_pandas(_thread(kind="opinion"), doc_id="thread", text="body", role="kind")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_round_trip_keeps_every_value(tmp_path, fmt):
    df = _thread(when=["2024-01-02T03:04:05Z"] * 5, body=["", "multi\nline, \"quoted\"", "ü ñ 中", "x", "y"])
    with pytest.warns(ReplyTreeWarning):
        c = threads.Corpus.from_pandas(df.assign(reply_to=[None, "a", "b", "nowhere", None]),
                                       doc_id="thread", unit_id="id", parent_id="reply_to",
                                       text="body", published="when")
    back = threads.read_corpus(c.save(tmp_path / fmt, format=fmt))
    pd.testing.assert_frame_equal(back.units, c.units, check_dtype=True)
    pd.testing.assert_frame_equal(back.docs, c.docs)
    pd.testing.assert_frame_equal(back.problems, c.problems)
    assert back.units.loc[0, "text"] == ""


def test_other_schema_version_is_refused(tmp_path):
    c = build(_thread())
    d = c.save(tmp_path / "c", format="csv")
    manifest = json.loads((d / "manifest.json").read_text())
    manifest["schema_version"] = "threadframe-corpus/0"
    (d / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SchemaError, match="written with schema 'threadframe-corpus/0'"):
        threads.read_corpus(d)


def test_corrupt_table_names_the_file(tmp_path):
    d = build(_thread()).save(tmp_path / "c")
    (d / "units.parquet").write_bytes(b"not parquet")
    with pytest.raises(SchemaError, match=r"units\.parquet: cannot be read as parquet"):
        threads.read_corpus(d)


def test_select_defaults_to_content_roles():
    df = _thread(kind=["title", "body", "boilerplate", "comment", "meta"], reply_to=None)
    c = threads.Corpus.from_pandas(df, doc_id="thread", unit_id="id", text="body", role="kind")
    assert set(c.select()["role"]) == {"title", "body", "comment"}
    assert c.units.set_index("unit_id")["depth"].to_dict() == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 0}
