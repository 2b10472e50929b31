"""Save and load fitted classifiers without pickle.

A model file (``.tfm``, a zip archive) holds three members:

``manifest.json``
    format (``threadframe-model/1``), toolkit version, estimator class and
    parameters, classes, feature layout, the training-data description and
    scores, and the SHA-256 of the two other members;
``vocabulary.json``
    the word and character n-gram vocabularies (in column order);
``arrays.npz``
    IDF weights, coefficients and intercepts (float32) and the sigmoid
    calibration parameters, read with ``allow_pickle=False``.

The manifest also embeds the codebook the model was trained with (its YAML
text), so a model file never makes threadframe open a path it names.

Loading rebuilds the scikit-learn objects from these numbers and lists; no
code from the file is ever run. A file of another format version, a changed
member (checksum mismatch), an unknown estimator class or parameter, a
malformed manifest, a member or array over its size cap (checked from the
zip entries and the .npy headers before anything is read; see
:mod:`analysis.models._model_check`) or arrays of the wrong shape is refused with a
:class:`ModelFileError` saying why.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from analysis.models._model_check import (
    FORMAT,
    ModelFileError,
    check_manifest,
    embed_codebook,
    model_codebook,
    read_arrays,
    read_members,
)
from analysis.models._model_parts import decode_classes, load_features, load_head, load_head_params

#: Formats this version refuses with a message to retrain (the pipeline parts changed in /2).
OLD_FORMATS = ("threadframe-model/1",)
_PART_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MEMBERS = ("manifest.json", "vocabulary.json", "arrays.npz")
PRETRAINED = {"policy-frames": "policy-frames.tfm", "whataboutism": "whataboutism.tfm",
              "xstance-stance": "xstance-stance.tfm", "rumoureval-replies": "rumoureval-replies.tfm"}
#: Saved and loaded by analysis.models.stance_io (same file format, another layout).
STANCE_ESTIMATORS = ("StanceClassifier", "ReplyStanceClassifier")


def _classes():
    from analysis.models.classifiers import FrameClassifier, WhataboutismClassifier

    return {"FrameClassifier": FrameClassifier, "WhataboutismClassifier": WhataboutismClassifier}


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _encode_classes(classes) -> dict:
    values = [c.item() if isinstance(c, np.generic) else c for c in classes]
    kind = "int" if all(isinstance(v, int) and not isinstance(v, bool) for v in values) else "str"
    return {"kind": kind, "values": [int(v) if kind == "int" else str(v) for v in values]}


def save_model(model, path, *, training_data: str | dict = "", scores: dict | None = None,
               card: dict | None = None) -> Path:
    """Write a fitted ``FrameClassifier`` / ``WhataboutismClassifier`` to ``path``.

    ``training_data`` describes what it was trained on (stamped in the file,
    shown by :func:`model_info`); ``scores`` may hold evaluation figures.
    Stance models (``StanceClassifier``, ``ReplyStanceClassifier``) go to
    :mod:`analysis.models.stance_io`, with ``card`` as their model card.
    """
    if type(model).__name__ in STANCE_ESTIMATORS:
        from analysis.models.stance_io import save_stance_model

        return save_stance_model(model, path, training_data=training_data, scores=scores, card=card)
    from sklearn.utils.validation import check_is_fitted

    from analysis import __version__

    kinds = _classes()
    cls_name = type(model).__name__
    if cls_name not in kinds:
        raise ModelFileError(path, f"cannot save a {cls_name}; only {', '.join(kinds)}")
    check_is_fitted(model, "heads_")
    params = {k: _jsonable(v) for k, v in model.get_params(deep=False).items() if k != "pipeline"}
    codebook = embed_codebook(params.get("codebook"))
    # The codebook travels inside the file; params keeps only its name.
    params["codebook"] = codebook["name"] if codebook else None
    arrays: dict[str, np.ndarray] = {}
    vocab: dict[str, list[str]] = {}
    features = _save_features(path, model, codebook, vocab, arrays)
    head_spec = _save_head(path, model)
    heads = []
    for i, head in enumerate(model.heads_):
        base, calibrators = _unwrap(head.model_)
        arrays[f"head{i}_coef"] = np.asarray(base.coef_, dtype=np.float32)
        arrays[f"head{i}_intercept"] = np.asarray(base.intercept_, dtype=np.float64)
        if calibrators is not None:
            arrays[f"head{i}_a"] = np.array([c.a_ for c in calibrators], dtype=np.float64)
            arrays[f"head{i}_b"] = np.array([c.b_ for c in calibrators], dtype=np.float64)
        heads.append({"estimator": type(base).__name__, "classes": _encode_classes(base.classes_),
                      "calibrated": calibrators is not None,
                      "head_classes": _encode_classes(head.classes_)})
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]  # numpy stubs: **kwds are arrays
    array_bytes = buf.getvalue()
    vocab_bytes = json.dumps(vocab, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    manifest = {
        "format": FORMAT,
        "threadframe_version": __version__,
        "estimator": cls_name,
        "name": model.model_name,
        "params": params,
        "pipeline_given": model.pipeline is not None,
        "features": features,
        "head": head_spec,
        "classes": _encode_classes(model.classes_),
        "multilabel": bool(model.multilabel_),
        "use_context": bool(model.use_context_),
        "cue_categories": list(model.cue_categories_),
        "rule_names": list(getattr(model, "rule_names_", [])),
        "codebook_id": codebook["id"] if codebook else None,
        "codebook": codebook,
        "n_train": int(model.n_train_),
        "thresholds": [float(t) for t in model.thresholds_],
        "heads": heads,
        "training_data": training_data,
        "scores": scores or {},
        "sha256": {"vocabulary.json": hashlib.sha256(vocab_bytes).hexdigest(),
                   "arrays.npz": hashlib.sha256(array_bytes).hexdigest()},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False)
                            .encode("utf-8")), ("vocabulary.json", vocab_bytes),
                           ("arrays.npz", array_bytes)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # byte-identical files
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def _save_features(path, model, codebook, vocab: dict, arrays: dict) -> dict:
    """The manifest's ``features`` entry: each part of the FeatureUnion, its
    parameters and fitted state (vocabularies and IDF weights go to the other members)."""
    from sklearn.pipeline import FeatureUnion

    from analysis.models.features import PARTS, CueScores, TextTfidf

    union = model.features_
    if not isinstance(union, FeatureUnion):
        raise ModelFileError(path, f"cannot save features of type {type(union).__name__}; "
                                   "only a FeatureUnion of threadframe's parts "
                                   f"({', '.join(PARTS)})")
    parts = []
    for name, part in union.transformer_list:
        if type(part).__name__ not in PARTS or not _PART_NAME.match(name):
            raise ModelFileError(path, f"cannot save feature part {name!r} ({type(part).__name__}); "
                                       f"a model file holds only {', '.join(PARTS)}")
        params = {k: _jsonable(v) for k, v in part.get_params().items()}
        state: dict = {}
        if isinstance(part, TextTfidf):
            state["active"] = part.vectorizer_ is not None
            if part.vectorizer_ is not None:
                vec = part.vectorizer_
                vocab[name] = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
                arrays[f"{name}_idf"] = np.asarray(vec.idf_, dtype=np.float32)
        elif isinstance(part, CueScores):
            book = embed_codebook(part.codebook)
            if (book and book["id"]) != (codebook and codebook["id"]):
                raise ModelFileError(path, f"feature part {name!r} uses another codebook than the "
                                           "model's own; a model file holds one codebook")
            params["codebook"] = None  # the model's codebook, embedded once
            state = {"active": bool(part.active_), "categories": list(part.categories_)}
        elif hasattr(part, "names_"):
            state = {"names": list(part.names_)}
        else:
            state = {"active": bool(part.active_)}
        parts.append({"name": name, "part": type(part).__name__, "params": params, "state": state})
    weights = {str(k): float(v) for k, v in (union.transformer_weights or {}).items()}
    return {"parts": parts, "transformer_weights": weights}


def _save_head(path, model) -> dict:
    from analysis.models.head import LinearHead

    head = model.heads_[0]
    if not isinstance(head, LinearHead):
        raise ModelFileError(path, f"cannot save a head of type {type(head).__name__}; "
                                   "only threadframe's LinearHead")
    return {"part": "LinearHead", "params": {k: _jsonable(v) for k, v in head.get_params().items()}}


def _unwrap(head):
    """(base estimator, sigmoid calibrators or None) of a fitted head."""
    cal = getattr(head, "calibrated_classifiers_", None)
    if cal is None:
        return head, None
    if len(cal) != 1:
        raise ModelFileError(None, "only heads calibrated with ensemble=False can be saved")
    return cal[0].estimator, list(cal[0].calibrators)


# --------------------------------------------------------------------------
# Loading


def _read_members(path: Path) -> dict[str, bytes]:
    if not path.is_file():
        raise ModelFileError(path, "no such model file")
    return read_members(path, MEMBERS)


def model_info(path) -> dict:
    """The manifest of a model file (version, training data, scores, ...), checked."""
    path = Path(path)
    members = _read_members(path)
    return _check_manifest(path, members)


def _check_manifest(path: Path, members: dict[str, bytes]) -> dict:
    try:
        manifest = json.loads(members["manifest.json"].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(path, f"manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ModelFileError(path, "manifest.json is not a JSON object")
    fmt = manifest.get("format")
    if fmt in OLD_FORMATS and manifest.get("estimator") in STANCE_ESTIMATORS:
        # stance models version their own layout ("layout"); their container did not change in /2
        fmt = FORMAT
    if fmt in OLD_FORMATS:
        raise ModelFileError(path, f"model format {fmt!r} was written by threadframe "
                                   f"{manifest.get('threadframe_version', 'unknown')}, before "
                                   "classifiers became pipelines; this threadframe reads "
                                   f"{FORMAT!r}: retrain the model (same data, fit, save_model) "
                                   "or load it with the threadframe version that wrote it")
    if fmt != FORMAT:
        raise ModelFileError(path, f"model format {fmt!r} is not supported by this threadframe "
                                   f"(it reads {FORMAT!r}); retrain the model or use the "
                                   f"threadframe version that wrote it "
                                   f"({manifest.get('threadframe_version', 'unknown')})")
    sums = manifest.get("sha256")
    sums = sums if isinstance(sums, dict) else {}
    for member in ("vocabulary.json", "arrays.npz"):
        if hashlib.sha256(members[member]).hexdigest() != sums.get(member):
            raise ModelFileError(path, f"{member} does not match its checksum: the file was "
                                       "changed or damaged after it was saved; refusing it")
    if manifest.get("estimator") in STANCE_ESTIMATORS:
        from analysis.models.stance_io import check_stance_manifest

        check_stance_manifest(path, manifest)
        return manifest
    check_manifest(path, manifest)
    if manifest["estimator"] not in _classes():
        raise ModelFileError(path, f"unknown estimator {manifest['estimator']!r}")
    return manifest


def load_model(path):
    """Load a model saved by :func:`save_model` (no unpickling: see module docs)."""
    path = Path(path)
    members = _read_members(path)
    manifest = _check_manifest(path, members)
    if manifest["estimator"] in STANCE_ESTIMATORS:
        from analysis.models.stance_io import load_stance_model

        return load_stance_model(path, members, manifest)
    cls = _classes()[manifest["estimator"]]
    codebook = model_codebook(path, manifest)  # never opens a path the file names
    params = {k: tuple(v) if k in ("word_ngrams", "char_ngrams") and v else v
              for k, v in manifest["params"].items() if k != "codebook"}
    try:
        model = cls().set_params(codebook=codebook, **params)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(path, f"parameters not understood by this threadframe ({exc})") from None
    try:
        vocab = json.loads(members["vocabulary.json"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFileError(path, f"vocabulary unreadable ({exc})") from None
    if not isinstance(vocab, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(t, str) for t in v)
            for k, v in vocab.items()):
        raise ModelFileError(path, "vocabulary.json must map feature parts to lists of terms")
    arrays = read_arrays(path, members["arrays.npz"])
    union, unfitted = load_features(path, manifest["features"], codebook, vocab, arrays)
    head_params = load_head_params(path, manifest["head"])
    model.features_ = union
    model.classes_ = decode_classes(manifest["classes"])
    model.multilabel_ = bool(manifest["multilabel"])
    model.use_context_ = bool(manifest["use_context"])
    model.cue_categories_ = list(manifest["cue_categories"])
    if manifest["rule_names"]:
        model.rule_names_ = list(manifest["rule_names"])
    model.n_train_ = int(manifest["n_train"])
    model.thresholds_ = np.array([float(t) for t in manifest["thresholds"]], dtype=float)
    model.n_features_in_ = 1
    n_features = sum(len(vocab.get(name, [])) for name, part in union.transformer_list
                     if type(part).__name__ == "TextTfidf")
    heads = []
    heads_width = None
    for i, spec in enumerate(manifest["heads"]):
        head = load_head(path, i, spec, arrays, head_params, heads_width)
        heads_width = head.model_.n_features_in_
        heads.append(head)
    if heads_width is not None and heads_width < n_features:
        raise ModelFileError(path, f"the heads have {heads_width} coefficients for "
                                   f"{n_features} n-gram features")
    if len(model.thresholds_) != len(heads):
        raise ModelFileError(path, "thresholds and heads do not match")
    model.heads_ = heads
    if manifest.get("pipeline_given"):
        from sklearn.pipeline import Pipeline

        from analysis.models.head import LinearHead

        model.pipeline = Pipeline([("features", unfitted), ("head", LinearHead(**head_params))])
    model.training_data_ = manifest.get("training_data", "")
    model.scores_ = manifest.get("scores", {})
    model.threadframe_version_ = manifest.get("threadframe_version")
    return model


def pretrained_path(name: str) -> Path:
    if name not in PRETRAINED:
        raise ModelFileError(None, f"no pretrained model {name!r}; there are {', '.join(PRETRAINED)}")
    ref = resources.files("analysis") / "models" / "pretrained" / PRETRAINED[name]
    return Path(str(ref))


def load_pretrained(name: str):
    """A pretrained model shipped with threadframe: ``policy-frames`` (FrAC),
    ``whataboutism``, ``xstance-stance`` (target stance, German and French) or
    ``rumoureval-replies`` (reply stance, English). Its card is
    ``analysis/models/pretrained/<name>.md``."""
    return load_model(pretrained_path(name))
