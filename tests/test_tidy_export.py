"""Corpus.to_csv / to_parquet write one tidy table with the columns docs/corpus.md lists (issue 17)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import threads
from threads.errors import CorpusError
from threads.tidy import tidy_table

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ROOT / "tests" / "fixtures" / "platforms"


@pytest.fixture(scope="module")
def tagged():
    from analysis import tag

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read(PLATFORMS / "reddit_thread.json")
    return corpus, tag(corpus)  # title, body and comment units; meta units untagged


def _documented() -> set[str]:
    """Column names in the "Tidy tables" section of docs/corpus.md."""
    page = (ROOT / "docs" / "corpus.md").read_text(encoding="utf-8")
    section = page.split("## Tidy tables\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)`", section, flags=re.M))


def test_every_column_is_documented(tagged):
    corpus, result = tagged
    cols = tidy_table(corpus, tags=result).columns
    generic = {re.sub(r"^(tag|score)_.*", r"\1_<category>", c) for c in cols}
    assert generic <= _documented()


def test_csv_one_row_per_unit_with_document_columns(tmp_path, tagged):
    corpus, result = tagged
    path = corpus.to_csv(tmp_path / "units.csv", tags=result)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["unit_id"].tolist() == corpus.units["unit_id"].tolist()
    assert (back["doc_title"] == corpus.docs["title"].iloc[0]).all()
    assert (back["outlet"] == "r/privacy").all()
    assert back["text"].tolist() == corpus.units["text"].tolist()
    first = corpus.units["published"].iloc[0]
    assert back["published_utc"].iloc[0] == first.strftime("%Y-%m-%d %H:%M:%S")  # UTC, no zone: R reads it as UTC
    wide = result.wide()
    for unit_id, row in back.set_index("unit_id").iterrows():
        for c in result.codebook.categories:
            want = "" if unit_id not in wide.index else str(int(wide.loc[unit_id, c]))
            assert row[f"tag_{c}"] == want, (unit_id, c)
    assert set(back["stance"]) - {""} <= {"critical", "supportive", "neutral"}


def test_parquet_keeps_types(tmp_path, tagged):
    corpus, result = tagged
    path = corpus.to_parquet(tmp_path / "units.parquet", tags=result)
    schema = pq.read_schema(path)
    assert str(schema.field("published_utc").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("depth").type) == "int64"
    assert str(schema.field("tag_security").type) == "int64"
    back = pd.read_parquet(path)
    assert back["published_utc"].tolist() == corpus.units["published"].tolist()
    assert back["depth"].tolist() == corpus.units["depth"].tolist()
    meta = corpus.units["role"] == "meta"
    assert back.loc[meta.to_numpy(), "tag_security"].isna().all()  # not tagged: unknown, not 0


def test_bools_lists_and_roles(tmp_path):
    df = pd.DataFrame({"thread": ["t", "t"], "id": ["a", "b"], "reply_to": [None, "a"], "body": ["x", "y"]})
    c = threads.Corpus.from_pandas(df, doc_id="thread", unit_id="id", parent_id="reply_to", text="body")
    c = threads.Corpus(docs=c.docs, units=c.units.assign(is_mod=[True, False], labels=[["a", "b"], []]))
    back = pd.read_csv(c.to_csv(tmp_path / "t.csv"), dtype=str, keep_default_na=False)
    assert back["is_mod"].tolist() == ["TRUE", "FALSE"]
    assert back["labels"].tolist() == ['["a", "b"]', "[]"]
    tsv = pd.read_csv(c.to_csv(tmp_path / "t.tsv"), sep="\t", dtype=str)
    assert tsv["text"].tolist() == ["x", "y"]
    assert tidy_table(c, roles=["comment"])["unit_id"].tolist() == ["a", "b"]
    with pytest.raises(CorpusError, match="no units of roles"):
        tidy_table(c, roles=["title"])


def test_bad_names(tmp_path, tagged):
    corpus, _ = tagged
    with pytest.raises(CorpusError, match="ending in .csv"):
        corpus.to_csv(tmp_path / "x.xlsx")
    with pytest.raises(CorpusError, match="ending in .parquet"):
        corpus.to_parquet(tmp_path / "x.csv")
    clash = threads.Corpus(docs=corpus.docs, units=corpus.units.assign(outlet="x"), problems=corpus.problems)
    with pytest.raises(CorpusError, match="clash"):
        clash.to_csv(tmp_path / "x.csv")
