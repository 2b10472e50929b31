"""Pickle-free model files: exact round trips, refusal of tampered or
incompatible files, and the shipped pretrained models with their cards."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.models.model_io import FORMAT, ModelFileError, model_info

MODELS = Path(analysis.__file__).parent / "models" / "pretrained"


@pytest.fixture(scope="module")
def frac():
    return analysis.load_frac()


@pytest.fixture(scope="module")
def saved(frac, tmp_path_factory):
    data = frac.sample(240, random_state=1)
    model = analysis.FrameClassifier(codebook="policy-frames").fit(data, data["frame"])
    path = tmp_path_factory.mktemp("models") / "frames.tfm"
    analysis.save_model(model, path, training_data="240 FrAC sentences", scores={"macro_f1": 0.5})
    return model, path


def test_round_trip_gives_identical_predictions(frac, saved):
    model, path = saved
    again = analysis.load_model(path)
    test = frac.head(120)
    np.testing.assert_array_equal(model.predict_proba(test), again.predict_proba(test))
    assert (model.predict(test) == again.predict(test)).all()
    pd.testing.assert_frame_equal(model.tag(test), again.tag(test))
    assert again.get_params(deep=False) == model.get_params(deep=False)
    assert again.training_data_ == "240 FrAC sentences" and again.scores_ == {"macro_f1": 0.5}
    info = model_info(path)
    assert info["format"] == FORMAT and info["threadframe_version"] == analysis.__version__
    assert info["codebook_id"] == analysis.load_codebook("policy-frames").id


def test_saving_is_byte_identical(saved, tmp_path):
    model, path = saved
    second = analysis.save_model(model, tmp_path / "again.tfm", training_data="240 FrAC sentences",
                                 scores={"macro_f1": 0.5})
    assert second.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("kind", ["multilabel", "uncalibrated", "whataboutism"])
def test_round_trip_other_kinds(frac, tmp_path, kind):
    data = frac.head(150)
    if kind == "multilabel":
        model = analysis.FrameClassifier(min_df=1).fit(
            data, pd.DataFrame({"econ": data["frame"] == "economic",
                                "pol": data["frame"] == "political_policies"}).astype(int))
    elif kind == "uncalibrated":
        model = analysis.FrameClassifier(calibrate=False, estimator="logreg", C=5.0,
                                         char_ngrams=None).fit(data, data["frame"])
    else:
        units = data.assign(parent_id=[None] + data["unit_id"].tolist()[:-1])
        model = analysis.WhataboutismClassifier(min_df=1).fit(
            units, (data["frame"] == "political_policies").astype(int))
        data = units
    path = analysis.save_model(model, tmp_path / f"{kind}.tfm")
    again = analysis.load_model(path)
    np.testing.assert_array_equal(model.predict_proba(data), again.predict_proba(data))
    np.testing.assert_array_equal(model.predict(data), again.predict(data))


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    with zipfile.ZipFile(dst, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    return dst


def _manifest(change):
    def edit(members):
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()
    return edit


def test_tampered_arrays_are_refused(saved, tmp_path):
    _, path = saved

    def poison(members):
        buf = io.BytesIO(members["arrays.npz"])
        with np.load(buf) as npz:
            arrays = {k: npz[k] for k in npz.files}
        arrays["head0_coef"] = arrays["head0_coef"] * 2
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)
        members["arrays.npz"] = out.getvalue()

    bad = _rewrite(path, tmp_path / "bad.tfm", poison)
    with pytest.raises(ModelFileError, match="arrays.npz does not match its checksum"):
        analysis.load_model(bad)


def test_pickled_array_member_is_never_unpickled(saved, tmp_path):
    _, path = saved

    def pickled(members):
        out = io.BytesIO()
        np.savez(out, head0_coef=np.array([{"evil": 1}], dtype=object))
        members["arrays.npz"] = out.getvalue()

    # Even with a matching checksum the object array is refused by allow_pickle=False.
    def fix_sum(members):
        pickled(members)
        import hashlib

        manifest = json.loads(members["manifest.json"])
        manifest["sha256"]["arrays.npz"] = hashlib.sha256(members["arrays.npz"]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    bad = _rewrite(path, tmp_path / "pickled.tfm", fix_sum)
    with pytest.raises(ModelFileError, match="unreadable"):
        analysis.load_model(bad)


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(format="threadframe-model/99"), "format 'threadframe-model/99' is not supported"),
    (lambda m: m.update(estimator="os.system"), "unknown estimator 'os.system'"),
    (lambda m: m.update(codebook_id="policy-frames@0.1"), "trained with codebook policy-frames@0.1"),
    (lambda m: m["params"].update(no_such_param=1), "parameters not understood"),
    (lambda m: m["heads"][0].update(estimator="Pipeline"), "unknown base estimator"),
])
def test_incompatible_manifests_are_refused(saved, tmp_path, change, message):
    _, path = saved
    bad = _rewrite(path, tmp_path / "bad.tfm", _manifest(change))
    with pytest.raises(ModelFileError, match=message) as err:
        analysis.load_model(bad)
    assert str(bad) in str(err.value)


def test_not_a_model_file(tmp_path, saved):
    text = tmp_path / "model.tfm"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not a zip archive"):
        analysis.load_model(text)
    _, path = saved
    extra = _rewrite(path, tmp_path / "extra.tfm", lambda m: m.update({"payload.pkl": b"x"}))
    with pytest.raises(ModelFileError, match="unexpected member"):
        analysis.load_model(extra)
    with pytest.raises(ModelFileError, match="no such model file"):
        analysis.load_model(tmp_path / "missing.tfm")


@pytest.mark.parametrize("name", ["policy-frames", "whataboutism"])
def test_pretrained_models_and_cards(name):
    path = MODELS / f"{name}.tfm"
    assert path.stat().st_size < 2 * 1024 * 1024
    model = analysis.load_pretrained(name)
    info = model_info(path)
    assert info["training_data"]["n_units"] > 500
    card = (MODELS / f"{name}.md").read_text()
    for section in ("Training data", "Licence", "Scores", "Intended use", "Limitations"):
        assert f"## {section}" in card
    texts = ["Taxes will cost families billions of dollars.",
             "What about the US? They do the same and nobody says anything."]
    proba = model.predict_proba(texts)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    if name == "policy-frames":
        assert model.predict(texts[:1])[0] == "economic"
    # A units table without the training context column still works (empty context).
    units = pd.DataFrame({"unit_id": ["u1", "u2"], "doc_id": ["d", "d"], "text": texts})
    tags = model.tag(units)
    assert set(tags["source"]) == {f"model:{name}"} and set(tags["unit_id"]) == {"u1", "u2"}


def test_pretrained_whataboutism_vocabulary_holds_no_handles_or_links():
    with zipfile.ZipFile(MODELS / "whataboutism.tfm") as zf:
        vocab = json.loads(zf.read("vocabulary.json"))
    words = vocab["word"]
    assert not [w for w in words if w.startswith(("http", "www"))]
    tokens = {t for w in words for t in w.split()}
    assert not [t for t in tokens if sum(map(str.isdigit, t)) >= 6]  # phone / account numbers
    assert not [t for t in tokens if "@" in t]
    assert "user" in words  # the @handle mask, not the handles
