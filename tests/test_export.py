"""Corpus.to_excel and Corpus.to_stata write files those programs open (issue 11, bug 7).

Read back with pandas (openpyxl for .xlsx, pd.read_stata for .dta): every
table, every row, the values, UTC dates without a time zone.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import threads
from threads.errors import CorpusError, ReplyTreeWarning, ThreadframeWarning

PLATFORMS = Path(__file__).parent / "fixtures" / "platforms"
LONG_NAME = "how sure the second coder was, on a scale of one to seven"
LONG_TEXT = "Wörter " * 700  # 4,900 characters: beyond Stata's 2,045-byte fixed strings


@pytest.fixture
def corpus() -> threads.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReplyTreeWarning)
        c = threads.read(PLATFORMS / "comments.csv")  # tz-aware dates, one orphan problem, "score"
    units = c.units.assign(**{
        "is_reply": c.units["parent_id"].notna(),      # bool (the orphan d has no parent)
        "nothing": [None] * len(c.units),              # all-NA object column
        LONG_NAME: np.arange(len(c.units), dtype=float),
        "tags": [["a", "b"], [], None, ["c"], None],   # lists, as a JSON export gives them
    })
    units.loc[1, "text"] = LONG_TEXT
    docs = c.docs.assign(published=pd.to_datetime(["2023-11-14T23:00:00+01:00", None], utc=True))
    return threads.Corpus(docs=docs, units=units, problems=c.problems)


def test_to_excel_one_sheet_per_table_with_utc_dates(tmp_path, corpus):
    path = corpus.to_excel(tmp_path / "corpus.xlsx")
    assert path == tmp_path / "corpus.xlsx"
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["docs", "units", "problems"]
    docs, units, problems = sheets["docs"], sheets["units"], sheets["problems"]
    assert (len(docs), len(units), len(problems)) == (2, 5, 1)
    assert "published" not in units.columns  # renamed: the values are UTC without a zone
    assert units["published_utc"].tolist() == [
        pd.Timestamp(t) for t in ("2023-11-14 22:13:20", "2023-11-14 22:15:00", "2023-11-14 22:16:40",
                                  "2023-11-14 22:18:20", "2023-11-14 22:20:00")]
    assert docs["published_utc"].iloc[0] == pd.Timestamp("2023-11-14 22:00:00")
    assert pd.isna(docs["published_utc"].iloc[1])
    assert units["unit_id"].tolist() == corpus.units["unit_id"].tolist()
    assert units.loc[1, "text"] == LONG_TEXT
    assert units["is_reply"].tolist() == [False, True, True, False, False]
    assert units[LONG_NAME].tolist() == [0, 1, 2, 3, 4]
    assert units["nothing"].isna().all() and docs["outlet"].isna().all()
    assert units["tags"].tolist()[:2] == ['["a", "b"]', "[]"]
    assert problems["problem"].tolist() == ["orphan"]


def test_to_excel_leaves_out_an_empty_problems_sheet(tmp_path):
    path = threads.sample_corpus().to_excel(tmp_path / "sample.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["docs", "units"]
    assert len(sheets["units"]) == len(threads.sample_corpus().units)


def test_to_excel_removes_characters_excel_cannot_hold_and_says_so(tmp_path, corpus):
    units = corpus.units.copy()
    units.loc[0, "text"] = "bell\x07 and form feed\x0c"
    odd = threads.Corpus(docs=corpus.docs, units=units, problems=corpus.problems)
    with pytest.warns(ThreadframeWarning, match=r"2 control character.*1 cell"):
        path = odd.to_excel(tmp_path / "odd.xlsx")
    assert pd.read_excel(path, sheet_name="units").loc[0, "text"] == "bell and form feed"


def test_to_excel_needs_an_xlsx_name(tmp_path, corpus):
    with pytest.raises(CorpusError, match=r"corpus\.xls: .*\.xlsx"):
        corpus.to_excel(tmp_path / "corpus.xls")


def test_to_stata_one_file_per_table_that_stata_reads(tmp_path, corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no InvalidColumnName / precision warnings from pandas
        written = corpus.to_stata(tmp_path / "stata")
    assert {k: p.name for k, p in written.items()} == {
        "docs": "docs.dta", "units": "units.dta", "problems": "problems.dta"}
    units = pd.read_stata(written["units"])
    docs = pd.read_stata(written["docs"])
    assert len(units) == 5 and len(docs) == 2 and len(pd.read_stata(written["problems"])) == 1
    for name in units.columns.tolist() + docs.columns.tolist():
        assert len(name) <= 32 and name.replace("_", "a").isalnum() and not name[0].isdigit()
    assert "end" not in units.columns and "end_" in units.columns  # "end" is a Stata reserved word
    assert units["unit_id"].tolist() == corpus.units["unit_id"].tolist()
    assert units.loc[1, "text"] == LONG_TEXT
    assert units["published_utc"].iloc[0] == pd.Timestamp("2023-11-14 22:13:20")
    assert docs["published_utc"].iloc[0] == pd.Timestamp("2023-11-14 22:00:00")
    assert pd.isna(docs["published_utc"].iloc[1])
    assert units["is_reply"].tolist() == [0, 1, 1, 0, 0]
    assert units["depth"].tolist() == corpus.units["depth"].tolist()
    assert units["nothing"].tolist() == [""] * 5  # Stata's missing string is ""
    assert docs["outlet"].tolist() == ["", ""]
    long = next(c for c in units.columns if c.startswith("how_sure"))
    assert units[long].tolist() == [0, 1, 2, 3, 4]
    # the variable labels keep the original names
    with pd.io.stata.StataReader(written["units"]) as reader:
        labels = reader.variable_labels()
    assert labels[long] == LONG_NAME and labels["end_"] == "end"
    assert "UTC" in labels["published_utc"]


def test_to_stata_with_a_prefix_and_no_problems(tmp_path):
    written = threads.sample_corpus().to_stata(tmp_path, prefix="sample_")
    assert sorted(p.name for p in written.values()) == ["sample_docs.dta", "sample_units.dta"]
    assert len(pd.read_stata(written["units"])) == len(threads.sample_corpus().units)


def test_to_stata_names_stay_unique_after_shortening(tmp_path):
    c = threads.sample_corpus()
    base = "x" * 40
    units = c.units.assign(**{base + "1": 1, base + "2": 2})
    written = threads.Corpus(docs=c.docs, units=units).to_stata(tmp_path)
    back = pd.read_stata(written["units"])
    names = [n for n in back.columns if n.startswith("xxx")]
    assert len(names) == 2 and len(set(names)) == 2
    assert sorted(back[n].iloc[0] for n in names) == [1, 2]


def test_to_excel_cuts_text_beyond_a_cell_and_names_the_unit(tmp_path, corpus):
    units = corpus.units.copy()
    units.loc[2, "text"] = "x" * 40_000
    huge = threads.Corpus(docs=corpus.docs, units=units, problems=corpus.problems)
    with pytest.warns(ThreadframeWarning, match=r"32,767 characters.*text of story-1:c"):
        path = huge.to_excel(tmp_path / "huge.xlsx")
    back = pd.read_excel(path, sheet_name="units")
    assert back.loc[2, "text"] == "x" * 32_767 and back.loc[1, "text"] == LONG_TEXT
