"""Hostile model files (``.tfm``): a file never makes threadframe open a path it
names, and malformed or oversized members are refused before they are used."""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import pathlib
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import analysis
from analysis.models.model_io import ModelFileError, model_info
from analysis.tagging.codebook import codebook_path

MODELS = Path(analysis.__file__).parent / "models" / "pretrained"
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
    (lambda m: m.update(codebook="/etc/passwd"), "'codebook' must be a mapping or null, not text"),
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
    resaved = analysis.save_model(again, tmp_path / "resaved.tfm")
    assert resaved.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", ["policy-frames", "whataboutism"])
def test_pretrained_models_still_load(name):
    model = analysis.load_pretrained(name)
    assert model.codebook is None or model.codebook in ("policy-frames", "surveillance")


# ------------------------------------------------------------ oversized arrays
def with_arrays(build):
    """A change that replaces arrays.npz by ``build()`` and fixes its checksum, so
    only the size and header checks stand between the file and numpy."""
    def change(members):
        data = build()
        members["arrays.npz"] = data
        manifest = json.loads(members["manifest.json"])
        manifest["sha256"]["arrays.npz"] = hashlib.sha256(data).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    return change


def npz_with(name: str, header_shape, dtype="<f8", body: bytes | int = b"\0" * 16) -> bytes:
    """An npz whose member ``name`` has a .npy header claiming ``header_shape``;
    ``body`` is the data after it (an int: that many zero bytes, streamed)."""
    out = io.BytesIO()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": False,
                                                  "shape": header_shape})
    with (zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf,
          zf.open(name, "w", force_zip64=True) as f):
        f.write(header.getvalue())
        if isinstance(body, int):
            chunk = bytes(8 * 1024 * 1024)
            for _ in range(body // len(chunk)):
                f.write(chunk)
        else:
            f.write(body)
    return out.getvalue()


def refused_fast(bad: Path, message: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ModelFileError, match=message) as err:
            analysis.load_model(bad)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(bad) in str(err.value)
    assert peak < 64 * 1024 * 1024, f"used {peak / 2**20:.0f} MiB before refusing"
    assert time.perf_counter() - started < 10


def test_npy_header_claiming_a_huge_array_is_refused_before_reading(tmp_path):
    """A 3.2 GB array declared by a 128-byte header followed by 16 bytes."""
    bomb = with_arrays(lambda: npz_with("head0_coef.npy", (20000, 20000)))
    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "bomb.tfm", bomb)
    assert bad.stat().st_size < 200 * 1024
    refused_fast(bad, "does not match the member's size")


def test_deflated_zeros_over_the_cap_are_refused_before_reading(tmp_path):
    """A real 320 MB float64 array of zeros deflated to well under a megabyte."""
    n = 320 * 1024 * 1024
    bomb = with_arrays(lambda: npz_with("head0_coef.npy", (n // 8,), body=n))
    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "zeros.tfm", bomb)
    assert bad.stat().st_size < 2 * 1024 * 1024
    refused_fast(bad, "implausibly large")


@pytest.mark.parametrize("name, dtype, message", [
    ("head0_coef.npy", "|O", "not a plain number type"),
    ("head0_coef.npy", "<U8", "not a plain number type"),
    ("payload.pkl", "<f8", "unexpected member 'payload.pkl'"),
])
def test_npy_headers_of_other_kinds_are_refused(tmp_path, name, dtype, message):
    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "odd.tfm",
                  with_arrays(lambda: npz_with(name, (2,), dtype=dtype, body=b"\0" * 16)))
    refused_fast(bad, message)


# ---------------------------------------------------------- malformed manifests
def _extra_class(m):
    m["classes"]["values"].append("invented")
    m["heads"][0]["classes"]["values"].append("invented")
    m["heads"][0]["head_classes"]["values"].append("invented")


@pytest.mark.parametrize("change, message", [
    (lambda m: m.pop("heads"), "'heads' is missing"),
    (lambda m: m.pop("classes"), "'classes' is missing"),
    (lambda m: m.update(params=[]), "'params' must be a mapping"),
    (lambda m: m.update(heads="LinearSVC"), "'heads' must be a list"),
    (lambda m: m.update(multilabel="no"), "'multilabel' must be true/false"),
    (lambda m: m.update(thresholds=["high"]), "thresholds must be numbers"),
    (lambda m: m.update(thresholds=[0.1, 0.2]), "1 heads but 2 thresholds"),
    (lambda m: m.update(n_train=True), "'n_train' must be a whole number"),
    (lambda m: m.update(classes={"kind": "int", "values": "0,1"}), "kind .int or str. and values"),
    (lambda m: m["heads"][0].pop("calibrated"), "head 0: 'calibrated' is missing"),
    (lambda m: m["heads"].__setitem__(0, "LinearSVC"), "head 0 is not a mapping"),
    (lambda m: m["classes"]["values"].pop(), "head 0 has 10 classes, the model 9"),
    (_extra_class, r"coefficients of head 0 have shape \(10, .*its 11 classes"),
    (lambda m: m.update(sha256="none"), "vocabulary.json does not match its checksum"),
])
def test_malformed_manifests_are_refused(tmp_path, change, message):
    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "bad.tfm", edit_manifest(change))
    with pytest.raises(ModelFileError, match=message) as err:
        analysis.load_model(bad)
    assert str(bad) in str(err.value)


def test_cli_predict_with_a_hostile_model_prints_no_file_lines(tmp_path, capsys, no_forbidden_opens):
    """The reported case: ``threadframe predict`` on a file naming /etc/passwd."""
    from analysis.cli import main

    def point_at(manifest):
        manifest.pop("codebook", None)  # a file that names its codebook instead of carrying it
        manifest["params"]["codebook"] = "/etc/passwd"
        manifest["codebook_id"] = None

    bad = rewrite(MODELS / "policy-frames.tfm", tmp_path / "hostile.tfm", edit_manifest(point_at))
    data = tmp_path / "texts.csv"
    data.write_text("text\nTaxes will cost families billions.\n", encoding="utf-8")
    assert main(["predict", str(bad), "--data", str(data), "--out", str(tmp_path / "p.csv")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not a built-in codebook" in err and "root:" not in err
