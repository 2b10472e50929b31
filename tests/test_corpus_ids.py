"""Ids that are numbers match whatever their dtype (issue 11, bug 2).

``pd.read_csv`` reads an integer id column as int64 and a parent column with
empty cells (the roots) as float64, so a reply's parent is ``1001.0`` while
its parent's id is ``1001``; both must become the id ``"1001"``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import threads
from threads.errors import CorpusError, FormatError, ReplyTreeWarning
from threads.ids import id_strings

CSV = """article,comment_id,parent_comment_id,author,comment
a1,1001,,ann,First.
a1,1002,1001,ben,A reply.
a1,1003,1002,cat,A reply to the reply.
a1,1004,1001,dan,Another reply.
a2,2001,,eve,Other article.
"""
DEPTHS = {"1001": 1, "1002": 2, "1003": 3, "1004": 2, "2001": 1}
PARENTS = {"1001": None, "1002": "1001", "1003": "1002", "1004": "1001", "2001": None}


def _build(df: pd.DataFrame) -> threads.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplyTreeWarning)  # an orphan would warn
        return threads.Corpus.from_pandas(df, doc_id="article", unit_id="comment_id",
                                          parent_id="parent_comment_id", text="comment", author="author")


def _tree(c: threads.Corpus) -> tuple[dict, dict]:
    u = c.units.set_index("unit_id")
    parents = {k: (None if pd.isna(v) else v) for k, v in u["parent_id"].items()}
    return u["depth"].to_dict(), parents


def test_from_pandas_on_read_csv_with_integer_ids_keeps_the_replies(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text(CSV, encoding="utf-8")
    df = pd.read_csv(path)
    assert df["comment_id"].dtype == np.int64 and df["parent_comment_id"].dtype == np.float64
    c = _build(df)
    assert _tree(c) == (DEPTHS, PARENTS)
    assert not c.units["flags"].str.contains("orphan").any() and len(c.problems) == 0


def _as(df: pd.DataFrame, dtype) -> pd.DataFrame:
    return df.assign(comment_id=df["comment_id"].astype(dtype),
                     parent_comment_id=df["parent_comment_id"].astype(dtype))


@pytest.mark.parametrize("convert", [
    lambda df: df,                                                   # int64 ids, float64 parents
    lambda df: _as(df, "Int64"),                                     # pandas nullable integers
    lambda df: _as(df, "float64"),                                   # floats without a fraction
    lambda df: _as(df, "Float64"),
    lambda df: _as(df.astype({"comment_id": "Int64", "parent_comment_id": "Int64"}), "str"),  # text
    lambda df: _as(df, object),                                      # Python ints and nan
    lambda df: df.assign(parent_comment_id=df["parent_comment_id"].map(  # text rendered from floats
        lambda v: None if pd.isna(v) else f"{v}")),
], ids=["int-float", "Int64", "float", "Float64", "str", "object", "float-text"])
def test_numeric_ids_match_whatever_their_dtype(tmp_path, convert):
    path = tmp_path / "comments.csv"
    path.write_text(CSV, encoding="utf-8")
    assert _tree(_build(convert(pd.read_csv(path)))) == (DEPTHS, PARENTS)


def test_numeric_doc_ids_match_the_docs_table():
    units = pd.DataFrame({"story": [7, 7, 8], "text": ["a", "b", "c"]})
    docs = pd.DataFrame({"story": [7.0, 8.0], "outlet": ["X", "Y"]})
    c = threads.Corpus.from_pandas(units, docs, doc_id="story")
    assert c.docs["doc_id"].tolist() == ["7", "8"] and c.units["doc_id"].tolist() == ["7", "7", "8"]
    assert c.units["unit_id"].tolist() == ["7:0", "7:1", "8:0"]


def test_an_id_with_a_fraction_is_an_error_not_truncated():
    df = pd.read_csv(pd.io.common.StringIO(CSV)).astype({"parent_comment_id": "float64"})
    df.loc[2, "parent_comment_id"] = 1002.5
    with pytest.raises(CorpusError, match=r"'parent_comment_id'.*fraction.*1002\.5.*row 2"):
        _build(df)


def test_id_strings_keeps_text_ids_and_refuses_what_cannot_be_an_id():
    assert id_strings(pd.Series(["007", " a ", None, "t1_x"])).tolist()[:2] == ["007", "a"]
    assert id_strings(pd.Series(["007", None])).isna().tolist() == [False, True]
    # text that is not all float renderings stays as it is: "1.1" may be an outline number
    assert id_strings(pd.Series(["1", "1.1", "1.2"])).tolist() == ["1", "1.1", "1.2"]
    assert id_strings(pd.Series([1.0, np.nan, 3.0])).tolist()[::2] == ["1", "3"]
    assert id_strings(pd.Series([12345678901234567], dtype="int64")).tolist() == ["12345678901234567"]
    with pytest.raises(CorpusError, match="2\\*\\*53"):
        id_strings(pd.Series([1.2345678901234568e17]), what="column 'id'")
    with pytest.raises(CorpusError, match="column 'flag'.*True"):
        id_strings(pd.Series([True, False]), what="column 'flag'")
    assert id_strings(pd.Series([], dtype=float)).dtype == "str"


def test_the_reader_and_from_pandas_agree_on_the_same_table(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text(CSV, encoding="utf-8")
    read = threads.read(path)
    own = _build(pd.read_csv(path))
    # the reader prefixes ids with the thread ("a1:1001", so ids may repeat across
    # threads); the raw id it keeps in platform_id is the id from_pandas gives
    u = read.units.set_index("unit_id")
    assert u["platform_id"].tolist() == own.units["unit_id"].tolist()
    assert read.units["unit_id"].tolist() == (own.units["doc_id"] + ":" + own.units["unit_id"]).tolist()
    parents = {pid: None if pd.isna(p) else u.loc[p, "platform_id"]
               for pid, p in zip(u["platform_id"], u["parent_id"], strict=True)}
    assert parents == PARENTS
    assert u["depth"].tolist() == own.units["depth"].tolist()
    assert len(read.problems) == 0


def test_the_reader_matches_float_ids_in_jsonl_and_float_text_in_csv(tmp_path):
    rows = pd.read_csv(pd.io.common.StringIO(CSV)).to_dict("records")
    jsonl = tmp_path / "c.jsonl"  # parents as 1001.0 (what df.to_json writes for a float column)
    jsonl.write_text("\n".join(json.dumps({**r, "comment_id": float(r["comment_id"]),
                                           "parent_comment_id": None if pd.isna(r["parent_comment_id"])
                                           else float(r["parent_comment_id"])}) for r in rows),
                     encoding="utf-8")
    csv = tmp_path / "c.csv"  # parents as "1001.0" (what df.to_csv writes for a float column)
    pd.read_csv(pd.io.common.StringIO(CSV)).to_csv(csv, index=False)
    assert "1001.0" in csv.read_text(encoding="utf-8")
    for path in (jsonl, csv):
        u = threads.read(path).units
        assert u["platform_id"].tolist() == list(DEPTHS) and u["depth"].tolist() == list(DEPTHS.values())
        assert not u["flags"].str.contains("orphan").any()


def test_the_reader_refuses_a_jsonl_id_with_a_fraction(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": 1, "text": "x"}\n{"id": 2, "parent_id": 1.5, "text": "y"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"c\.jsonl.*'parent_id'.*fraction.*1\.5"):
        threads.read(path)
