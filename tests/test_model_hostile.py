"""Hostile model files (``.tfm``): a file never makes threadframe open a path it
names, and malformed or oversized members are refused before they are used."""

from __future__ import annotations

import builtins
import json
import pathlib
import zipfile
from pathlib import Path

import numpy as np
import pytest

import analysis
from analysis.codebook import codebook_path
from analysis.model_io import ModelFileError, model_info

MODELS = Path(analysis.__file__).parent / "models"
FORBIDDEN = ("/etc/passwd", "/etc/shadow", "/dev/zero")


def rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    return dst


def edit_manifest(change):
    def edit(members):
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()
    return edit


@pytest.fixture
def no_forbidden_opens(monkeypatch):
    """Fail the test the moment anything opens, stats or reads a forbidden path."""
    def guard(original):
        def wrapped(*args, **kwargs):
            if any(str(a) in FORBIDDEN for a in args[:1]):
                pytest.fail(f"the toolkit touched {args[0]}")
            return original(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    for name in ("open", "read_text", "read_bytes", "stat", "exists", "is_file"):
        monkeypatch.setattr(pathlib.Path, name, guard(getattr(pathlib.Path, name)))


@pytest.mark.parametrize("named", ["/etc/passwd", "/dev/zero", "/etc/shadow"])
def test_codebook_path_in_model_file_is_never_opened(tmp_path, named, no_forbidden_opens):
    def point_at(manifest):
        manifest.pop("codebook", None)
        manifest["params"]["codebook"] = named
        manifest["codebook_id"] = None

    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "hostile.tfm", edit_manifest(point_at))
    with pytest.raises(ModelFileError, match="not a built-in codebook") as err:
        analysis.load_model(bad)
    assert str(bad) in str(err.value)
    assert "root:" not in str(err.value)


def test_embedded_codebook_wins_over_a_named_path(tmp_path, no_forbidden_opens):
    """A new-format file that also names a path in params still uses only its
    embedded codebook."""
    src = tmp_path / "frames.tfm"
    model = analysis.load_pretrained("policy-frames")
    analysis.save_model(model, src)
    bad = rewrite(src, tmp_path / "hostile.tfm",
                  edit_manifest(lambda m: m["params"].update(codebook="/etc/passwd")))
    again = analysis.load_model(bad)
    assert again.codebook == "policy-frames"


@pytest.mark.parametrize("change, message", [
    (lambda m: m["codebook"].update(yaml="name: [unclosed"), "embedded codebook is not valid"),
    (lambda m: m["codebook"].update(id="policy-frames@9"), "the manifest says policy-frames@9"),
    (lambda m: m.update(codebook="/etc/passwd"), "codebook entry is malformed"),
    (lambda m: m.update(codebook_id="policy-frames@0.1"), "trained with codebook policy-frames@0.1"),
])
def test_tampered_embedded_codebook_is_refused(tmp_path, change, message, no_forbidden_opens):
    src = analysis.save_model(analysis.load_pretrained("policy-frames"), tmp_path / "frames.tfm")
    bad = rewrite(src, tmp_path / "bad.tfm", edit_manifest(change))
    with pytest.raises(ModelFileError, match=message) as err:
        analysis.load_model(bad)
    assert str(bad) in str(err.value)


def test_model_carries_its_own_codebook(tmp_path):
    """A model trained with a codebook file loads after that file is gone."""
    text = codebook_path("policy-frames").read_text(encoding="utf-8")
    own = tmp_path / "my-frames.yaml"
    own.write_text(text.replace('version: "1.0"', 'version: "7.1"').replace(
        "name: policy-frames", "name: my-frames"), encoding="utf-8")
    book = analysis.load_codebook(own)
    assert book.id == "my-frames@7.1"
    data = analysis.load_frac().head(150)
    model = analysis.FrameClassifier(codebook=str(own), min_df=1).fit(data, data["frame"])
    path = analysis.save_model(model, tmp_path / "own.tfm")
    expected = model.predict_proba(data)
    own.unlink()
    info = model_info(path)
    assert info["codebook"]["id"] == "my-frames@7.1" and info["params"]["codebook"] == "my-frames"
    assert str(own) not in path.read_bytes().decode("latin-1")
    again = analysis.load_model(path)
    assert again.codebook.id == "my-frames@7.1"
    np.testing.assert_array_equal(expected, again.predict_proba(data))


@pytest.mark.parametrize("name", ["policy-frames", "whataboutism"])
def test_pretrained_models_still_load(name):
    model = analysis.load_pretrained(name)
    assert model.codebook is None or model.codebook in ("policy-frames", "surveillance")
