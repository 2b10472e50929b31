"""``threadframe parse``: outputs, the per-document summary, and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import threads
from analysis.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "text"


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_parse_sample_writes_tables_and_summary(tmp_path, capsys, fmt):
    out = tmp_path / "out"
    assert main(["parse", "--sample", "--out", str(out), "--format", fmt]) == 0
    printed = capsys.readouterr().out
    for name in ("docs", "units", "problems"):
        assert (out / f"{name}.{fmt}").exists()
    assert json.loads((out / "manifest.json").read_text())["schema_version"] == threads.SCHEMA_VERSION
    loaded = threads.read_corpus(out)
    assert len(loaded.units) == len(threads.sample_corpus().units)
    header, *rows = [line.split() for line in printed.splitlines()[:6]]
    assert header == ["doc_id", "profile", "title", "body", "comments", "deepest", "lost", "boilerplate",
                      "meta", "unaccounted"]
    techdirt = next(r for r in rows if r[0] == "techdirt-ecuador")
    # 14 comments, deepest reply at depth 5, 6 whose text was lost, nothing unaccounted
    assert techdirt[1] == "techdirt" and techdirt[4:7] == ["14", "5", "6"] and techdirt[-1] == "0"
    assert sorted(r[0] for r in rows) == ["afp", "aggregator", "lifesitenews", "techdirt-ecuador",
                                          "uca-news-lemmy"]


def test_parse_paths_and_folder_reports_skipped(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "thread.txt").write_text((FIXTURES / "techdirt-mini.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    assert main(["parse", str(src), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert f"skipped {src / 'empty.txt'}: file is empty" in captured.out
    assert f"threadframe: warning: skipped {src / 'empty.txt'}: file is empty" in captured.err
    units = pd.read_parquet(tmp_path / "out" / "units.parquet")
    assert (units["role"] == "comment").sum() == 4


def _file(d: Path, name: str, data: bytes) -> Path:
    (d / name).write_bytes(data)
    return d / name


def _folder(d: Path, name: str) -> Path:
    (d / name).mkdir()
    return d / name


@pytest.mark.parametrize("make, problem", [
    (lambda d: d / "missing.txt", "no such file or directory"),
    (lambda d: _file(d, "empty.txt", b""), "file is empty"),
    (lambda d: _file(d, "bin.txt", b"\x00\x01\x02\x03"), "looks like a binary file"),
    (lambda d: _folder(d, "emptydir"), "folder contains no files"),
])
def test_parse_errors_name_the_file_and_exit_nonzero(tmp_path, capsys, make, problem):
    path = make(tmp_path)
    assert main(["parse", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert re.search("^threadframe: error: " + re.escape(f"{path}: {problem}"), err, re.MULTILINE)
    assert "Traceback" not in err


def test_parse_needs_paths_or_sample(tmp_path, capsys):
    assert main(["parse", "--out", str(tmp_path)]) == 2
    assert "give PATH... or --sample" in capsys.readouterr().err


def test_parse_with_an_extra_profile(tmp_path, capsys):
    from threads.formats.text import unregister_profile

    try:
        assert main(["parse", str(FIXTURES / "examplenews.txt"), "--profile", str(FIXTURES / "examplenews.yaml"),
                     "--out", str(tmp_path / "out"), "--format", "csv"]) == 0
    finally:
        unregister_profile("examplenews")
    printed = capsys.readouterr().out
    assert re.search(r"^examplenews\s+examplenews\s+1\s+2\s+2\s+1\s+0\s+6\s+3\s+0$", printed, re.MULTILINE)


def test_bad_profile_is_a_clean_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlines:\n  - {match: '(', role: body}\n", encoding="utf-8")
    assert main(["parse", "--sample", "--profile", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert f"threadframe: error: {bad}: lines[0].match: bad regular expression" in capsys.readouterr().err


PLATFORMS = Path(__file__).parent / "fixtures" / "platforms"
MY_COMMENTS = Path(__file__).parent.parent / "notebooks" / "data" / "my_comments.csv"


def _summary_rows(printed: str) -> dict[str, list[str]]:
    lines = printed.splitlines()
    header = lines[0].split()
    assert header[:2] == ["doc_id", "title"] and header[-1] == "unaccounted"
    rows = {}
    for line in lines[1:]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_parse_a_csv_table_prints_the_summary(tmp_path, capsys, fmt):
    # a table of comments has no source_chars / unaccounted_chars (nullable Int64 NA):
    # the summary must still print, and the command must exit 0
    out = tmp_path / "out"
    assert main(["parse", str(PLATFORMS / "comments.csv"), "--out", str(out), "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    rows = _summary_rows(captured.out)
    # title body comments deepest lost boilerplate meta; unaccounted is blank (not known for a table)
    assert rows == {"story-1": ["0", "0", "4", "3", "0", "0", "0"],
                    "story-2": ["0", "0", "1", "1", "0", "0", "0"]}
    assert "problems: 1 orphan" in captured.out
    assert len(threads.read_corpus(out).units) == 5


def test_parse_a_jsonl_table_prints_the_summary(tmp_path, capsys):
    src = tmp_path / "comments.jsonl"
    table = pd.read_csv(PLATFORMS / "comments.csv", dtype="str")
    src.write_text("\n".join(json.dumps({k: v for k, v in r.items() if isinstance(v, str)})
                             for r in table.to_dict("records")) + "\n", encoding="utf-8")
    assert main(["parse", str(src), "--out", str(tmp_path / "out"), "--format", "jsonl"]) == 0
    rows = _summary_rows(capsys.readouterr().out)
    assert rows == {"story-1": ["0", "0", "4", "3", "0", "0", "0"],
                    "story-2": ["0", "0", "1", "1", "0", "0", "0"]}
    units = threads.read_corpus(tmp_path / "out").units
    assert units["locator"].tolist() == [f"line {n}" for n in range(1, 6)]


def test_parse_the_notebook_comments_table(tmp_path, capsys):
    assert main(["parse", str(MY_COMMENTS), "--out", str(tmp_path / "out")]) == 0
    rows = _summary_rows(capsys.readouterr().out)
    expected = pd.read_csv(MY_COMMENTS)["article"].value_counts()
    assert {k: int(v[2]) for k, v in rows.items()} == expected.to_dict()
