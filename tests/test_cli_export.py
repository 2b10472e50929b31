"""``threadframe export``: every target from a parsed corpus and a tags folder, and its errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import lxml.etree as et
import pandas as pd
import pytest

import threads
from analysis.cli import main

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def corpus_and_tags(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli-export")
    corpus_dir, tags_dir = d / "corpus", d / "tags"
    assert main(["parse", str(FIX / "platforms" / "reddit_thread.json"), "--out", str(corpus_dir)]) == 0
    assert main(["tag", str(corpus_dir), "--out", str(tags_dir), "--no-progress"]) == 0
    return corpus_dir, tags_dir


def _export(corpus_dir, tags_dir, to, out, *extra) -> int:
    return main(["export", str(corpus_dir), "--to", to, "--out", str(out), "--tags", str(tags_dir), *extra])


def test_convokit(tmp_path, corpus_and_tags, capsys):
    corpus_dir, tags_dir = corpus_and_tags
    assert _export(corpus_dir, tags_dir, "convokit", tmp_path / "ck") == 0
    assert "to convokit" in capsys.readouterr().out
    back = threads.from_convokit(tmp_path / "ck")
    corpus = threads.read_corpus(corpus_dir)
    pd.testing.assert_frame_equal(back.units[corpus.units.columns], corpus.units)
    tags = pd.read_parquet(tags_dir / "tags.parquet")
    present = tags[tags["present"]]
    for unit_id, group in present.groupby("unit_id"):
        row = back.units.set_index("unit_id").loc[unit_id]
        assert list(row["tags"]) == group["category"].tolist()


def test_refi_qda_uses_the_tags_codebook(tmp_path, corpus_and_tags):
    from analysis import load_codebook

    corpus_dir, tags_dir = corpus_and_tags
    assert _export(corpus_dir, tags_dir, "refi-qda", tmp_path / "p.qdpx") == 0
    schema = et.XMLSchema(et.parse(str(FIX / "refi_qda" / "Project-mrt2019.xsd")))
    with zipfile.ZipFile(tmp_path / "p.qdpx") as z:
        assert schema.validate(et.fromstring(z.read("project.qde"))), schema.error_log
    q = threads.read_refi_qda(tmp_path / "p.qdpx")
    assert q.categories == (*load_codebook("surveillance").categories, "stance:critical", "stance:supportive")
    tags = pd.read_parquet(tags_dir / "tags.parquet")
    sheet = q.coding_sheet(include_auto=True)
    assert sheet["code"].sum() == int(tags["present"].sum())
    assert _export(corpus_dir, tags_dir, "refi-qda", tmp_path / "c.qdpx", "--roles", "comment") == 0
    assert {u.split(":")[1][:3] for u in threads.read_refi_qda(tmp_path / "c.qdpx").units} == {"t1_"}


@pytest.mark.parametrize("to,name", [("csv", "units.csv"), ("parquet", "units.parquet")])
def test_tidy_tables(tmp_path, corpus_and_tags, to, name):
    corpus_dir, tags_dir = corpus_and_tags
    assert _export(corpus_dir, tags_dir, to, tmp_path / name) == 0
    table = pd.read_csv(tmp_path / name) if to == "csv" else pd.read_parquet(tmp_path / name)
    corpus = threads.read_corpus(corpus_dir)
    assert table["unit_id"].tolist() == corpus.units["unit_id"].tolist()
    assert {"published_utc", "doc_title", "tag_security", "stance"} <= set(table.columns)


def test_excel_and_stata_carry_the_tags(tmp_path, corpus_and_tags):
    pytest.importorskip("openpyxl")
    corpus_dir, tags_dir = corpus_and_tags
    assert _export(corpus_dir, tags_dir, "excel", tmp_path / "c.xlsx") == 0
    units = pd.read_excel(tmp_path / "c.xlsx", sheet_name="units")
    assert "tag_security" in units.columns and "published_utc" in units.columns
    assert _export(corpus_dir, tags_dir, "stata", tmp_path / "stata") == 0
    dta = pd.read_stata(tmp_path / "stata" / "units.dta")
    tags = pd.read_parquet(tags_dir / "tags.parquet")
    want = tags[tags["category"] == "security"].set_index("unit_id")["present"].astype(int)
    got = dta.set_index("unit_id")["tag_security"].dropna().astype(int)
    assert got.to_dict() == want.loc[got.index].to_dict()


def test_without_tags(tmp_path, corpus_and_tags):
    corpus_dir, _ = corpus_and_tags
    assert main(["export", str(corpus_dir), "--to", "csv", "--out", str(tmp_path / "u.csv")]) == 0
    assert not any(c.startswith("tag_") for c in pd.read_csv(tmp_path / "u.csv").columns)


@pytest.mark.parametrize("args,message", [
    (["--to", "csv", "--out", "u.xlsx"], "ending in .csv"),
    (["--to", "refi-qda", "--out", "p.zip"], "ending in .qdpx"),
    (["--to", "csv", "--out", "u.csv", "--roles", "comments"], "unknown role"),
    (["--to", "excel", "--out", "u.xlsx", "--roles", "comment"], "--roles applies to"),
    (["--to", "csv", "--out", "u.csv", "--tags", "no-such-tags"], "no tags.parquet"),
])
def test_errors_exit_2_with_a_message(tmp_path, corpus_and_tags, capsys, args, message, monkeypatch):
    corpus_dir, _ = corpus_and_tags
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(corpus_dir), *args]) == 2
    assert message in capsys.readouterr().err


def test_not_a_corpus_dir(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nothing"), "--to", "csv", "--out", str(tmp_path / "u.csv")]) == 2
    assert "not a corpus directory" in capsys.readouterr().err
