"""Coding samples and sheets: reproducible draws, CSV/Excel round trips, bad codes."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
import threads
from analysis.validation.coding import CodingSheetError

CODEBOOK = {
    "security": "Public safety, crime fighting, policing capability, terrorism, threat.",
    "rights": "Human and civil rights, privacy, repression, discrimination, due process.",
    "economy": "Companies, markets, sales, prices, costs.",
}


@pytest.fixture(scope="module")
def corpus():
    """Three outlets, each an article (title + 2 paragraphs) and 6 comments (2 replies)."""
    rows, docs = [], []
    for d, outlet in enumerate(["Daily A", "Daily A", "Weekly B", "Radio C"]):
        doc = f"d{d}"
        docs.append({"doc_id": doc, "outlet": outlet})
        rows.append((doc, f"{doc}:t", None, "title", f"Police cameras spread, story {d}"))
        for p in range(2):
            rows.append((doc, f"{doc}:p{p}", None, "body", f"Paragraph {p} about surveillance {d}."))
        for c in range(6):
            parent = f"{doc}:c{c - 1}" if c in (2, 4) else None
            rows.append((doc, f"{doc}:c{c}", parent, "comment", f"Comment {c} on story {d}: privacy!"))
        rows.append((doc, f"{doc}:lost", None, "comment", ""))  # text lost: never sampled
    units = pd.DataFrame(rows, columns=["doc_id", "unit_id", "parent_id", "role", "text"])
    return threads.Corpus.from_pandas(units, pd.DataFrame(docs), unit_id="unit_id",
                                      parent_id="parent_id", role="role")


def test_sample_is_seeded_and_independent_of_row_order(corpus):
    a = analysis.draw_sample(corpus, 12, random_state=1)
    b = analysis.draw_sample(corpus.units.iloc[::-1], 12, random_state=1)
    c = analysis.draw_sample(corpus, 12, random_state=2)
    assert list(a["unit_id"]) == list(b["unit_id"])
    assert list(a["unit_id"]) != list(c["unit_id"])
    assert len(a) == 12 and a["unit_id"].is_unique
    assert set(a["role"]) <= set(threads.CONTENT_ROLES)
    assert (a["text"].str.strip() != "").all()


def test_stratified_sample_by_outlet_is_proportional(corpus):
    sample = analysis.draw_sample(corpus, 20, stratify="outlet", random_state=0)
    eligible = corpus.select()
    eligible = eligible[eligible["text"].str.strip() != ""].merge(
        corpus.docs[["doc_id", "outlet"]], on="doc_id")
    share = eligible["outlet"].value_counts(normalize=True)
    counts = sample["outlet"].value_counts()
    assert counts.sum() == 20 and len(counts) == 3
    for outlet, n in counts.items():
        assert abs(n - 20 * share[outlet]) < 1.0 + 1e-9


def test_stratified_by_role_equal_allocation(corpus):
    sample = analysis.draw_sample(corpus, 9, stratify="role", allocation="equal", random_state=0)
    assert sample["role"].value_counts().to_dict() == {"body": 3, "comment": 3, "title": 3}
    deep = analysis.draw_sample(corpus, 6, stratify="depth", allocation="equal", random_state=0)
    assert sorted(deep["stratum"].value_counts().to_dict().items()) == [("0", 2), ("1", 2), ("2", 2)]


def test_comment_rows_carry_their_parent_text(corpus):
    sample = analysis.draw_sample(corpus, 200, roles="comment")
    reply = sample.set_index("unit_id").loc["d1:c2"]
    assert reply["parent_text"] == "Comment 1 on story 1: privacy!"


def test_stratify_by_missing_column_is_a_clear_error(corpus):
    with pytest.raises(threads.ThreadframeError, match="cannot stratify by 'topic'"):
        analysis.draw_sample(corpus.units, 5, stratify="topic")


def _fill(path, coder, codes):
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet["coder"] = coder
    for col, values in codes.items():
        sheet[col] = values
    sheet.to_csv(path, index=False)


def test_csv_round_trip_of_two_coders(tmp_path, corpus):
    sample = analysis.draw_sample(corpus, 6, random_state=0)
    paths = []
    for coder in ("ann", "bob"):
        path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / f"{coder}.csv")
        paths.append(path)
    written = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    assert {"unit_id", "text", "security", "rights", "economy", "notes"} <= set(written.columns)
    assert (written["security"] == "").all()
    book = pd.read_csv(tmp_path / "ann.codebook.csv")
    assert book.set_index("category").loc["rights", "definition"].startswith("Human and civil")
    _fill(paths[0], "ann", {"security": ["1", "0", "1", "", "0", "1"], "rights": ["0"] * 6})
    _fill(paths[1], "bob", {"security": ["yes", "no", "1", "1", "0", "0"]})
    long = analysis.read_coding_sheets(paths)
    assert list(long.columns) == ["coder", "unit_id", "category", "code"]
    ann = long[(long["coder"] == "ann") & (long["category"] == "security")]
    assert ann["code"].tolist() == [1, 0, 1, 0, 1]  # the blank is not coded, not absent
    assert len(long[long["coder"] == "bob"]) == 6
    report = analysis.reliability_report(long, n_boot=50)
    assert "security" in set(report["category"])


def test_excel_round_trip_with_codebook_tab(tmp_path, corpus):
    openpyxl = pytest.importorskip("openpyxl")
    sample = analysis.draw_sample(corpus, 5, random_state=0)
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "carla.xlsx", coder="carla")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["units", "codebook", "about"]
    ws = wb["units"]
    header = [c.value for c in ws[1]]
    col = header.index("economy") + 1
    for row in range(2, 7):
        ws.cell(row=row, column=col, value=1 if row % 2 else 0)
    wb.save(path)
    long = analysis.read_coding_sheets([path])  # codebook read from the tab
    assert set(long["coder"]) == {"carla"}
    assert long["code"].tolist() == [0, 1, 0, 1, 0]
    assert long["unit_id"].tolist() == sample["unit_id"].tolist()


def test_single_label_scheme(tmp_path, corpus):
    sample = analysis.draw_sample(corpus, 3, random_state=0)
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "dan.csv", scheme="single")
    _fill(path, "dan", {"frame": ["security", "Rights", ""]})
    long = analysis.read_coding_sheets([path])
    assert long["code"].tolist() == ["security", "rights"]
    assert set(long["category"]) == {"frame"}


def test_bad_code_names_file_row_and_value(tmp_path, corpus):
    sample = analysis.draw_sample(corpus, 4, random_state=0)
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "eve.csv")
    _fill(path, "eve", {"rights": ["1", "0", "maybe", "1"]})
    with pytest.raises(CodingSheetError) as err:
        analysis.read_coding_sheets([path])
    message = str(err.value)
    assert "eve.csv" in message and "row 4" in message and "'maybe'" in message
    assert "'rights'" in message


def test_unknown_frame_and_duplicate_units_and_coders(tmp_path, corpus):
    sample = analysis.draw_sample(corpus, 3, random_state=0)
    path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "f.csv", scheme="single")
    _fill(path, "fay", {"frame": ["security", "weather", ""]})
    with pytest.raises(CodingSheetError, match=r"row 3, column 'frame': 'weather' is not a category"):
        analysis.read_coding_sheets([path])
    dup = analysis.write_coding_sheet(pd.concat([sample, sample.iloc[:1]]), CODEBOOK, tmp_path / "g.csv")
    with pytest.raises(CodingSheetError, match="row 5: unit .* appears twice"):
        analysis.read_coding_sheets([dup])
    one = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "h.csv", coder="same")
    two = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "i.csv", coder="same")
    with pytest.raises(CodingSheetError, match="coder 'same' also coded"):
        analysis.read_coding_sheets([one, two])


def test_missing_codebook_and_wrong_suffix(tmp_path, corpus):
    sheet = tmp_path / "bare.csv"
    pd.DataFrame({"unit_id": ["a"], "security": ["1"]}).to_csv(sheet, index=False)
    with pytest.raises(CodingSheetError, match="no codebook tab"):
        analysis.read_coding_sheets([sheet])
    assert len(analysis.read_coding_sheets([sheet], codebook=list(CODEBOOK))) == 1
    with pytest.raises(threads.ThreadframeError, match=r"\.csv or \.xlsx"):
        analysis.write_coding_sheet(analysis.draw_sample(corpus, 1), CODEBOOK, tmp_path / "x.txt")


def test_excel_without_openpyxl_is_a_clear_error(tmp_path, corpus, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import fails as if not installed
    sample = analysis.draw_sample(corpus, 2)
    with pytest.raises(threads.ThreadframeError, match=r"threadframe\[excel\]"):
        analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / "x.xlsx")


def test_an_existing_sheet_is_not_overwritten(tmp_path, corpus):
    sample = analysis.draw_sample(corpus, 4, random_state=0)
    for name in ("gil.csv", "gil.xlsx"):
        if name.endswith(".xlsx"):
            pytest.importorskip("openpyxl")
        path = analysis.write_coding_sheet(sample, CODEBOOK, tmp_path / name, coder="gil")
        if name.endswith(".csv"):
            _fill(path, "gil", {"security": ["1", "0", "1", "1"]})
        coded = path.read_bytes()
        with pytest.raises(CodingSheetError, match=rf"{name}: already exists .* overwrite=True"):
            analysis.write_coding_sheet(sample, CODEBOOK, path, coder="gil")
        assert path.read_bytes() == coded  # the coder's work is untouched
        analysis.write_coding_sheet(sample, CODEBOOK, path, coder="new", overwrite=True)
        assert path.read_bytes() != coded
