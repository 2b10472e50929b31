"""The validation commands: train, predict, evaluate, sample, reliability."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis
import threads
from analysis.cli import main
from analysis.models.datasets import FRAC_FRAMES


@pytest.fixture(scope="module")
def frac_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("frac")
    frac = pd.read_csv(Path(analysis.__file__).parent / "data" / "frac" / "frac_gold.csv")
    frac = frac.sample(frac=1.0, random_state=0)
    frac.iloc[:360].to_csv(root / "train.csv", index=False)
    frac.iloc[360:].to_csv(root / "test.csv", index=False)
    return root


@pytest.fixture(scope="module")
def trained(frac_files):
    model = frac_files / "frames.tfm"
    code = main(["train", "--data", str(frac_files / "train.csv"), "--text-column", "sentence",
                 "--label-column", "label", "--codebook", "policy-frames", "--out", str(model)])
    assert code == 0
    return model


def test_train_stamps_the_training_data(trained):
    info = analysis.model_info(trained)
    assert info["training_data"]["n_units"] == 360
    assert info["training_data"]["file"].endswith("train.csv")
    assert set(info["classes"]["values"]) == {"1", "3", "4", "5", "6", "8", "9", "11", "12", "15"}


def test_predict_writes_codes_and_probabilities(trained, frac_files, tmp_path, capsys):
    out = tmp_path / "pred.csv"
    assert main(["predict", str(trained), "--data", str(frac_files / "test.csv"),
                 "--text-column", "sentence", "--out", str(out)]) == 0
    pred = pd.read_csv(out)
    assert len(pred) == 163 and "predicted" in pred and "p_6" in pred
    assert pred.filter(like="p_").sum(axis=1).round(6).eq(1).all()
    assert "predicted 163 texts" in capsys.readouterr().out


def test_evaluate_prints_scores_and_json(trained, frac_files, capsys):
    args = ["evaluate", str(trained), "--data", str(frac_files / "test.csv"),
            "--text-column", "sentence", "--label-column", "label"]
    assert main(args + ["--group-column", "type"]) == 0
    text = capsys.readouterr().out
    assert "macro avg" in text and "We evaluated the classifier" in text and "comment" in text
    assert main(args + ["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 0.4 < result["macro_f1"] < 1 and result["n_units"] == 163


def test_predict_on_a_corpus_directory(trained, tmp_path):
    corpus = threads.Corpus.from_pandas(pd.DataFrame({
        "doc_id": ["d", "d"], "text": ["Taxes and the budget deficit.", "Police arrested him."]}))
    corpus.save(tmp_path / "corpus")
    out = tmp_path / "tags.csv"
    assert main(["predict", str(trained), "--data", str(tmp_path / "corpus"), "--tags",
                 "--out", str(out)]) == 0
    tags = pd.read_csv(out)
    assert len(tags) == 20 and tags["present"].sum() == 2
    assert tags.loc[tags["present"], "unit_id"].tolist() == ["d:0", "d:1"]


def test_predict_with_a_pretrained_model_name(frac_files, tmp_path):
    out = tmp_path / "pretrained.jsonl"
    assert main(["predict", "policy-frames", "--data", str(frac_files / "test.csv"),
                 "--text-column", "sentence", "--out", str(out)]) == 0
    pred = pd.read_json(out, lines=True)
    assert set(pred["source"]) == {"model:policy-frames"}
    assert set(pred["predicted"]) <= set(FRAC_FRAMES.values())


def test_whataboutism_train_and_evaluate_with_integer_codes(tmp_path, capsys):
    texts = ["What about the US and its drones?", "And the NSA does the same, no outrage",
             "Great reporting, thanks", "I like this video", "Where was the outrage then?",
             "Nice weather today", "But China spies too, what about that", "Good point"] * 4
    data = tmp_path / "wa.csv"
    pd.DataFrame({"reply": texts, "wa": [1, 1, 0, 0, 1, 0, 1, 0] * 4,
                  "title": ["Russia's drones"] * 32}).to_csv(data, index=False)
    model = tmp_path / "wa.tfm"
    assert main(["train", "--kind", "whataboutism", "--data", str(data), "--text-column", "reply",
                 "--label-column", "wa", "--context-column", "title", "--out", str(model)]) == 0
    assert main(["evaluate", str(model), "--data", str(data), "--text-column", "reply",
                 "--label-column", "wa", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.split("\n", 2)[-1])
    positive = [r for r in result["scores"] if r["category"] == "1" and r["group"] == "all"]
    assert positive[0]["support"] == 16 and positive[0]["f1"] > 0.9


def test_user_errors_exit_2_with_a_message(trained, frac_files, tmp_path, capsys):
    assert main(["train", "--data", str(frac_files / "train.csv"), "--text-column", "body",
                 "--label-column", "label", "--out", str(tmp_path / "m.tfm")]) == 2
    assert "no text column 'body'" in capsys.readouterr().err
    bogus = tmp_path / "bogus.tfm"
    bogus.write_text("not a model")
    assert main(["predict", str(bogus), "--data", str(frac_files / "test.csv"),
                 "--text-column", "sentence", "--out", str(tmp_path / "p.csv")]) == 2
    assert "not a zip archive" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"sentence": ["x"], "label": [99]}).to_csv(bad, index=False)
    assert main(["evaluate", str(trained), "--data", str(bad), "--text-column", "sentence",
                 "--label-column", "label"]) == 2
    assert "not classes of the model" in capsys.readouterr().err


def test_sample_and_reliability_round_trip(tmp_path, capsys):
    units = pd.DataFrame({
        "doc_id": ["a"] * 6 + ["b"] * 6,
        "text": [f"Comment {i} about police cameras and privacy." for i in range(12)]})
    docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["Outlet A", "Outlet B"]})
    threads.Corpus.from_pandas(units, docs).save(tmp_path / "corpus")
    sheets = []
    for coder, shift in (("ann", 0), ("bob", 1)):
        sheet = tmp_path / f"{coder}.csv"
        assert main(["sample", str(tmp_path / "corpus"), "--n", "8", "--stratify", "outlet",
                     "--codebook", "surveillance", "--out", str(sheet)]) == 0
        table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
        table["coder"] = coder
        table["security"] = [str((i + shift) // 3 % 2) for i in range(len(table))]
        table["rights"] = "1"
        table.to_csv(sheet, index=False)
        sheets.append(str(sheet))
    assert table["outlet"].value_counts().to_dict() == {"Outlet A": 4, "Outlet B": 4}
    capsys.readouterr()
    assert main(["reliability", *sheets, "--boot", "100", "--json"]) == 0
    report = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("category")
    codes = analysis.read_coding_sheets(sheets)
    sec = codes[codes["category"] == "security"]
    expected = analysis.krippendorff_alpha(sec).alpha
    assert report.loc["security", "alpha"] == pytest.approx(expected)
    assert report.loc["security", "n_coders"] == 2
    bad = pd.read_csv(sheets[0], dtype=str, keep_default_na=False)
    bad.loc[2, "rights"] = "2"
    bad.to_csv(sheets[0], index=False)
    assert main(["reliability", *sheets]) == 2
    err = capsys.readouterr().err
    assert "ann.csv" in err and "row 4" in err and "'2'" in err


def test_sample_does_not_overwrite_a_coded_sheet(tmp_path, capsys):
    units = pd.DataFrame({"doc_id": ["a"] * 4, "text": [f"Police camera comment {i}." for i in range(4)]})
    threads.Corpus.from_pandas(units).save(tmp_path / "corpus")
    sheet = tmp_path / "ann.csv"
    args = ["sample", str(tmp_path / "corpus"), "--n", "3", "--codebook", "surveillance",
            "--out", str(sheet)]
    assert main(args) == 0
    coded = pd.read_csv(sheet, dtype=str, keep_default_na=False).assign(coder="ann", security="1")
    coded.to_csv(sheet, index=False)
    before = sheet.read_bytes()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{sheet}: already exists" in err and "not replaced" in err
    assert sheet.read_bytes() == before
