"""Stance models as coders: .tfm round trips with model cards, refusal of bad
files, and the validation tools taking their predictions unchanged."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import analysis
from analysis.models.model_io import ModelFileError
from threads.errors import ThreadframeError

TARGET = "state surveillance technology and its export"
TEXTS = ["Cameras keep us safe and reduce crime, we can learn from this.",
         "Yes, I support it: the cameras help fight crime.", "Good technology, it will improve public safety.",
         "I agree, surveillance brings down crime in the cities.",
         "This is an Orwellian police state, cameras spy on everyone.", "No, mass surveillance is repressive.",
         "I disagree: it is authoritarian abuse of human rights.", "Terrible, a dystopian surveillance state.",
         "The weather in the capital was mild on Tuesday.", "The match ended two all after extra time.",
         "Bread prices went up at the market this week.", "The train to the coast leaves at nine."]
LABELS = ["FAVOR"] * 4 + ["AGAINST"] * 4 + ["NONE"] * 4
CLAIM = "The museum is closing for good next month"
REPLIES = ["is that confirmed? source?", "really? who said so?", "fake, they just renovated",
           "not true, it is a hoax", "yes, the director confirmed it", "true, it was in the paper",
           "I loved that museum", "went there as a kid"]
SDQC = ["query", "query", "deny", "deny", "support", "support", "comment", "comment"]
CARD = {"name": "toy", "data": "twelve invented sentences", "licence": "CC0", "languages": ["en"],
        "scores": [{"setting": "its training data", "metric": "macro-F1", "value": 1.0, "n": 12}]}


def _units():
    """Twelve comments, the second half replying to the first (so the parent's text is a feature)."""
    ids = [f"c{i}" for i in range(12)]
    parents = [None] * 6 + ids[:6]
    return pd.DataFrame({"unit_id": ids, "doc_id": "d", "role": "comment", "parent_id": parents, "text": TEXTS})


def _reply_table():
    return pd.DataFrame({"text": REPLIES * 3, "parent_text": CLAIM, "source_text": CLAIM})


@pytest.mark.parametrize("params", [{}, {"per_target": True, "min_per_target": 2},
                                    {"calibrate": False, "overlap_weight": 1.0,
                                     "char_ngrams": (2, 4), "codebook": None}])
def test_stance_classifier_round_trip_is_exact(tmp_path, params):
    X = _units().assign(target=[TARGET, "export controls"] * 6)
    model = analysis.StanceClassifier(min_df=1, calibration_cv=2, **params).fit(X, LABELS)
    path = analysis.save_model(model, tmp_path / "stance.tfm", card=CARD)
    again = analysis.load_model(path)
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X), atol=1e-6)
    assert (again.predict(X) == model.predict(X)).all()
    assert again.card_["name"] == "toy" and again.get_params() == model.get_params()
    assert "context" in [n for n, _ in again.features_.transformer_list]
    assert clone(again).get_params()["min_df"] == 1  # still a plain estimator


def test_reply_stance_round_trip_is_exact_and_the_card_is_in_the_manifest(tmp_path):
    model = analysis.ReplyStanceClassifier(min_df=1).fit(_reply_table(), SDQC * 3)
    path = analysis.save_model(model, tmp_path / "replies.tfm", card=CARD, training_data="toy")
    again = analysis.load_model(path)
    np.testing.assert_allclose(again.predict_proba(_reply_table()), model.predict_proba(_reply_table()), atol=1e-6)
    info = analysis.model_info(path)
    assert info["estimator"] == "ReplyStanceClassifier" and info["card"]["licence"] == "CC0"
    # no text is stored: the replies are not in any member, only their n-grams
    with zipfile.ZipFile(path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist() if n != "arrays.npz").decode("utf-8")
    assert not any(r in blob for r in REPLIES)
    assert path.read_bytes() == analysis.save_model(model, tmp_path / "again.tfm", card=CARD,
                                                    training_data="toy").read_bytes()


def _rewrite(path, out, change):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    change(manifest, members)
    members["manifest.json"] = json.dumps(manifest).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    out.write_bytes(buf.getvalue())
    return out


def test_bad_stance_files_are_refused_with_a_reason(tmp_path):
    model = analysis.ReplyStanceClassifier(min_df=1).fit(_reply_table(), SDQC * 3)
    path = analysis.save_model(model, tmp_path / "r.tfm")
    cases = {
        "layout": lambda m, _: m.update(layout=99),
        "checksum": lambda m, mem: mem.update({"vocabulary.json": mem["vocabulary.json"] + b" "}),
        "classes": lambda m, _: m.update(classes=["support"]),
        "card": lambda m, _: m.update(card={"name": 3}),
        "parts": lambda m, _: m.update(parts=["words", "cues"]),
    }
    for name, change in cases.items():
        with pytest.raises(ModelFileError):
            analysis.load_model(_rewrite(path, tmp_path / f"{name}.tfm", change))
    with pytest.raises(ThreadframeError, match="unknown key"):
        analysis.save_model(model, tmp_path / "x.tfm", card={"author": "me"})


def test_validation_tools_take_stance_predictions_unchanged(tmp_path):
    units = _units()
    model = analysis.StanceClassifier(target=TARGET, min_df=1, calibration_cv=2).fit(units, LABELS)
    model = analysis.load_model(analysis.save_model(model, tmp_path / "s.tfm", card=CARD))
    # evaluate_model: scores, confusion, methods paragraph
    report = analysis.evaluate_model(model, units, LABELS, setting="training data (a smoke test)")
    assert report.macro_f1 == pytest.approx(1.0) and "StanceClassifier" in report.methods_text()
    # coding sheets: two coders code FAVOR/AGAINST/NONE in single-label sheets
    scheme = {"FAVOR": "supports the target", "AGAINST": "opposes it", "NONE": "neither"}
    sample = analysis.draw_sample(units, 12)
    for coder, flip in (("ann", 0), ("bob", 1)):
        sheet = analysis.write_coding_sheet(sample, scheme, tmp_path / f"{coder}.csv", scheme="single",
                                            coder=coder)
        table = pd.read_csv(sheet, dtype=str)
        codes = dict(zip(units["unit_id"], LABELS, strict=True))
        table["frame"] = [codes[u] for u in table["unit_id"]]
        if flip:
            table.loc[0, "frame"] = "NONE" if table.loc[0, "frame"] != "NONE" else "FAVOR"
        table.to_csv(sheet, index=False)
    coders = analysis.read_coding_sheets([tmp_path / "ann.csv", tmp_path / "bob.csv"], scheme)
    agreement = analysis.model_coder_agreement(model, units, coders)
    row = agreement.iloc[0]
    assert row["alpha_with_model"] > row["alpha_coders"] - 0.2 and row["n_units"] == 12
    assert analysis.reliability_report(coders, n_boot=0)["alpha"].notna().all()
    # the next units to code: the least sure first
    nxt = analysis.suggest_next(model, units, n=3)
    assert len(nxt) == 3 and nxt["uncertainty"].is_monotonic_decreasing


def test_reply_stance_as_a_coder_beside_the_key(tmp_path):
    model = analysis.ReplyStanceClassifier(min_df=1).fit(_reply_table(), SDQC * 3)
    model = analysis.load_model(analysis.save_model(model, tmp_path / "r.tfm"))
    table = _reply_table().head(8)
    report = analysis.evaluate_model(model, table, SDQC)
    assert set(report.scores().index) >= set(SDQC)
    units = pd.DataFrame({"unit_id": ["s", *[f"r{i}" for i in range(8)]], "doc_id": "t",
                          "parent_id": [None] + ["s"] * 8, "role": ["body"] + ["comment"] * 8,
                          "text": [CLAIM, *REPLIES]})
    coders = pd.DataFrame({"coder": "key", "unit_id": [f"r{i}" for i in range(8)], "category": "frame",
                           "code": SDQC})
    out = analysis.model_coder_agreement(model, units, pd.concat([coders, coders.assign(coder="key2")]))
    assert out["alpha_with_model"].notna().all()


MODELS = __import__("pathlib").Path(analysis.__file__).parent / "models" / "pretrained"


@pytest.mark.parametrize("name", ["xstance-stance", "rumoureval-replies"])
def test_pretrained_stance_models_ship_with_cards_and_no_texts(name):
    path = MODELS / f"{name}.tfm"
    assert path.stat().st_size < 3 * 1024 * 1024
    model = analysis.load_pretrained(name)
    card = model.card_
    assert card["licence"] and card["languages"] and card["scores"]
    assert all(s["value"] > s["baseline_value"] for s in card["scores"])
    text = (MODELS / f"{name}.md").read_text()
    for section in ("Training data", "Licence", "Scores", "Intended use", "Limitations"):
        assert f"## {section}" in text
    with zipfile.ZipFile(path) as zf:
        vocab = json.loads(zf.read("vocabulary.json"))
    words = [t for block in vocab.values() for term in block for t in term.split()]
    assert not [t for t in words if t.startswith(("http", "www")) and len(t) > 8]
    assert not [t for t in words if "@" in t and t not in " @user "]  # the handle mask, or a piece of it
    if name == "xstance-stance":
        X = pd.DataFrame({"text": ["Ja, unbedingt, das ist wichtig.", "Nein, das lehne ich klar ab."],
                          "target": "Soll der Staat mehr Geld für Bildung ausgeben?"})
        assert list(model.predict(X)) == ["FAVOR", "AGAINST"]
    else:
        X = pd.DataFrame({"text": ["is this true? source?", "fake, this is a hoax"],
                          "parent_text": CLAIM, "source_text": CLAIM})
        assert model.predict(X)[0] == "query"
