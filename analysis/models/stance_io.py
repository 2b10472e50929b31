"""Stance models in the ``.tfm`` format: :class:`StanceClassifier` and
:class:`ReplyStanceClassifier` saved and loaded without pickle.

The file is the one :mod:`analysis.models.model_io` writes (a zip of
``manifest.json``, ``vocabulary.json``, ``arrays.npz``, format
``threadframe-model/1``, checksums in the manifest); ``analysis.save_model``,
``load_model`` and ``model_info`` hand stance models to this module. What
differs is the layout: a stance model is a list of TF-IDF blocks (a
vocabulary and IDF weights each), stateless blocks (cue counts, overlap,
hashed pairs: rebuilt from the parameters), an optional scaler and one or
more logistic heads (sigmoid-calibrated ensembles included). The manifest
carries the model card (:mod:`analysis.models.stance_card`): data, licence,
languages, scores. No training text is stored: vocabularies are n-grams
kept by ``min_df``, arrays are numbers.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from analysis.models._model_check import (
    FORMAT,
    ModelFileError,
    embed_codebook,
    model_codebook,
    read_arrays,
)
from analysis.models.stance_card import check_card
from threads.errors import ThreadframeError

STANCE_ESTIMATORS = ("StanceClassifier", "ReplyStanceClassifier")
#: Bumped when the features a stance model's coefficients index change.
LAYOUT = {"StanceClassifier": 1, "ReplyStanceClassifier": 1}
_ARRAY_NAME = re.compile(r"^(b\d{1,3}_idf|h\d{1,4}_m\d{1,3}_(coef|intercept|a|b)|scaler_(mean|scale|var))\.npy$")


def _error(path, message: str):
    return ModelFileError(path, message)


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ------------------------------------------------------------------ heads
def _head_arrays(head, j: int, arrays: dict) -> dict:
    """Arrays of one fitted head (LogisticRegression or sigmoid CalibratedClassifierCV) and its spec."""
    members = getattr(head, "calibrated_classifiers_", None)
    pairs = [(head, None)] if members is None else [(m.estimator, list(m.calibrators)) for m in members]
    for k, (base, cals) in enumerate(pairs):
        if type(base).__name__ != "LogisticRegression":
            raise _error(None, f"cannot save a head of type {type(base).__name__}")
        arrays[f"h{j}_m{k}_coef"] = np.asarray(base.coef_, dtype=np.float32)
        arrays[f"h{j}_m{k}_intercept"] = np.asarray(base.intercept_, dtype=np.float64)
        if cals is not None:
            arrays[f"h{j}_m{k}_a"] = np.array([c.a_ for c in cals], dtype=np.float64)
            arrays[f"h{j}_m{k}_b"] = np.array([c.b_ for c in cals], dtype=np.float64)
    return {"classes": [str(c) for c in head.classes_], "members": len(pairs), "calibrated": members is not None}


def _rebuild_head(path, spec, j: int, arrays: dict, width: int):
    from sklearn.calibration import (
        CalibratedClassifierCV,
        _CalibratedClassifier,
        _SigmoidCalibration,
    )
    from sklearn.linear_model import LogisticRegression

    if not (isinstance(spec, dict) and isinstance(spec.get("classes"), list) and len(spec["classes"]) >= 2
            and all(isinstance(c, str) for c in spec["classes"]) and isinstance(spec.get("members"), int)
            and 1 <= spec["members"] <= 100 and isinstance(spec.get("calibrated"), bool)):
        raise _error(path, f"manifest: head {j} is malformed")
    classes = np.array(spec["classes"], dtype=object)
    rows = 1 if len(classes) == 2 else len(classes)
    built = []
    for k in range(spec["members"]):
        coef, icpt = arrays.get(f"h{j}_m{k}_coef"), arrays.get(f"h{j}_m{k}_intercept")
        if coef is None or icpt is None or coef.shape != (rows, width) or icpt.shape != (rows,):
            raise _error(path, f"coefficients of head {j} (member {k}) are missing or do not fit "
                               f"{len(classes)} classes and {width} features")
        base = LogisticRegression()
        base.coef_, base.intercept_ = coef.astype(np.float64), icpt.astype(np.float64)
        base.classes_, base.n_features_in_ = classes, width
        if not spec["calibrated"]:
            return base
        a, b = arrays.get(f"h{j}_m{k}_a"), arrays.get(f"h{j}_m{k}_b")
        if a is None or b is None or a.shape != (rows,) or b.shape != (rows,):
            raise _error(path, f"calibration of head {j} (member {k}) is missing or malformed")
        cals = []
        for ai, bi in zip(a, b, strict=True):
            c = _SigmoidCalibration()
            c.a_, c.b_ = float(ai), float(bi)
            cals.append(c)
        built.append(_CalibratedClassifier(base, cals, classes=classes, method="sigmoid"))
    head = CalibratedClassifierCV(LogisticRegression(), method="sigmoid")
    head.calibrated_classifiers_, head.classes_, head.n_features_in_ = built, classes, width
    return head


# ------------------------------------------------------------------ layout
def _tfidf_blocks(model) -> list[tuple[str, Any]]:
    """(block name, fitted TfidfVectorizer) in feature order."""
    if type(model).__name__ == "StanceClassifier":
        return [(name, part.vectorizer_) for name, part in model.features_.transformer_list
                if hasattr(part, "vectorizer_")]
    union = model.pipeline_.named_steps["features"]
    return [(name, part.named_steps["tfidf"]) for name, part in union.transformer_list if name != "cues"]


def save_stance_model(model, path, *, training_data: str | dict = "", scores: dict | None = None,
                      card: dict | None = None) -> Path:
    """Write a fitted stance model to ``path`` (see module docs); ``card`` is its model card."""
    from sklearn.utils.validation import check_is_fitted

    from analysis import __version__

    kind = type(model).__name__
    check_is_fitted(model, "head_" if kind == "StanceClassifier" else "pipeline_")
    card = check_card(card if card is not None else getattr(model, "card_", None))
    params = {k: _jsonable(v) for k, v in model.get_params(deep=False).items()}
    codebook = None
    if kind == "StanceClassifier":
        codebook = embed_codebook(params.get("codebook"))
        params["codebook"] = codebook["name"] if codebook else None
    arrays: dict[str, np.ndarray] = {}
    vocab: dict[str, list[str]] = {}
    blocks = []
    for i, (name, vec) in enumerate(_tfidf_blocks(model)):
        vocab[f"b{i}"] = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        arrays[f"b{i}_idf"] = np.asarray(vec.idf_, dtype=np.float32)
        blocks.append(name)
    heads, targets = [], []
    if kind == "StanceClassifier":
        heads.append(_head_arrays(model.head_, 0, arrays))
        for j, (target, head) in enumerate(model.target_heads_.items(), start=1):
            heads.append(_head_arrays(head, j, arrays))
            targets.append(target)
        parts = [name for name, _ in model.features_.transformer_list]
    else:
        scaler = model.pipeline_.named_steps["features"].transformer_list[-1][1].named_steps["scale"]
        arrays.update(scaler_mean=scaler.mean_, scaler_scale=scaler.scale_, scaler_var=scaler.var_)
        heads.append(_head_arrays(model.pipeline_.named_steps["head"], 0, arrays))
        parts = [name for name, _ in model.pipeline_.named_steps["features"].transformer_list]
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]  # numpy stubs: **kwds are arrays
    array_bytes = buf.getvalue()
    vocab_bytes = json.dumps(vocab, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    manifest = {
        "format": FORMAT, "threadframe_version": __version__, "estimator": kind, "layout": LAYOUT[kind],
        "params": params, "classes": [str(c) for c in model.classes_], "parts": parts,
        "tfidf_blocks": blocks, "heads": heads, "target_heads": targets,
        "codebook_id": codebook["id"] if codebook else None, "codebook": codebook,
        "card": card, "training_data": training_data, "scores": scores or {},
        "sha256": {"vocabulary.json": hashlib.sha256(vocab_bytes).hexdigest(),
                   "arrays.npz": hashlib.sha256(array_bytes).hexdigest()},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")),
                           ("vocabulary.json", vocab_bytes), ("arrays.npz", array_bytes)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # byte-identical files
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


# ------------------------------------------------------------------ loading
def check_stance_manifest(path, m: dict) -> None:
    kind = str(m.get("estimator"))
    if m.get("layout") != LAYOUT.get(kind):
        raise _error(path, f"{kind} feature layout {m.get('layout')!r} is not the one this threadframe "
                           f"builds ({LAYOUT.get(kind)}); retrain and save the model again")
    for key, typ in (("params", dict), ("classes", list), ("parts", list), ("tfidf_blocks", list),
                     ("heads", list), ("target_heads", list)):
        if not isinstance(m.get(key), typ):
            raise _error(path, f"manifest: {key!r} is missing or malformed")
    if len(m["classes"]) < 2 or not all(isinstance(c, str) for c in m["classes"]):
        raise _error(path, "manifest: classes must be at least two labels")
    if not m["heads"] or len(m["heads"]) != 1 + len(m["target_heads"]):
        raise _error(path, "manifest: heads and per-target heads do not match")
    if not all(isinstance(t, str) for t in m["target_heads"] + m["parts"] + m["tfidf_blocks"]):
        raise _error(path, "manifest: parts, blocks and targets must be texts")


def load_stance_model(path: Path, members: dict[str, bytes], manifest: dict):
    """Rebuild a stance model from a checked file's members (called by ``analysis.load_model``)."""
    from analysis.models.reply_stance import ReplyStanceClassifier
    from analysis.models.stance import StanceClassifier

    check_stance_manifest(path, manifest)
    kind = manifest["estimator"]
    cls = {"StanceClassifier": StanceClassifier, "ReplyStanceClassifier": ReplyStanceClassifier}[kind]
    tuples = ("word_ngrams", "prefix_ngrams", "char_ngrams")
    params = {k: tuple(v) if k in tuples and isinstance(v, list) else v for k, v in manifest["params"].items()}
    if kind == "StanceClassifier":
        params["codebook"] = model_codebook(path, manifest)  # never opens a path the file names
    try:
        model = cls(**params)
    except TypeError as exc:
        raise _error(path, f"parameters not understood by this threadframe ({exc})") from None
    try:
        vocab = json.loads(members["vocabulary.json"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _error(path, f"vocabulary unreadable ({exc})") from None
    if not isinstance(vocab, dict) or not all(isinstance(v, list) and all(isinstance(t, str) for t in v)
                                              for v in vocab.values()):
        raise _error(path, "vocabulary.json must map blocks to lists of terms")
    arrays = read_arrays(path, members["arrays.npz"], _ARRAY_NAME)
    if kind == "StanceClassifier":
        union = model._features("context" in manifest["parts"])
        steps = list(union.transformer_list)
        names = [n for n, _ in steps]
    else:
        pipe = model._pipeline()
        union = pipe.named_steps["features"]
        steps = [(n, p.named_steps.get("tfidf", p)) for n, p in union.transformer_list]
        names = [n for n, _ in union.transformer_list]
    if names != manifest["parts"]:
        raise _error(path, f"feature blocks {manifest['parts']} do not match those its parameters build ({names})")
    width, i = 0, 0
    for name, part in steps:
        if kind == "StanceClassifier" and not hasattr(part, "_vectorizer"):
            part.fit(None)  # stateless: cue counts, overlap, hashed pairs
            continue
        if kind == "ReplyStanceClassifier" and name == "cues":
            continue
        terms, idf = vocab.get(f"b{i}"), arrays.get(f"b{i}_idf")
        if terms is None or idf is None or idf.shape != (len(terms),) or manifest["tfidf_blocks"][i] != name:
            raise _error(path, f"block {name}: vocabulary and IDF weights missing or do not match")
        vec = part._vectorizer() if kind == "StanceClassifier" else part
        vec.vocabulary_ = {t: j for j, t in enumerate(terms)}
        vec.idf_ = idf.astype(np.float64)
        if kind == "StanceClassifier":
            part.vectorizer_ = vec
        i += 1
    if kind == "StanceClassifier":
        width = _width(model, union)
        model.features_ = union
        model.head_ = _rebuild_head(path, manifest["heads"][0], 0, arrays, width)
        model.target_heads_ = {t: _rebuild_head(path, spec, j, arrays, width) for j, (t, spec) in
                               enumerate(zip(manifest["target_heads"], manifest["heads"][1:], strict=True), 1)}
        model.n_features_in_ = 2
    else:
        scaler = union.transformer_list[-1][1].named_steps["scale"]
        mean, scale, var = (arrays.get(f"scaler_{k}") for k in ("mean", "scale", "var"))
        if mean is None or scale is None or var is None or not (mean.shape == scale.shape == var.shape):
            raise _error(path, "the cue scaler is missing or malformed")
        scaler.mean_, scaler.scale_, scaler.var_ = mean, scale, var
        scaler.n_features_in_, scaler.n_samples_seen_ = len(mean), 1
        union.transformer_list[-1][1].named_steps["cues"].fit(None)
        width = sum(len(vocab[f"b{k}"]) for k in range(i)) + len(mean)
        pipe.steps[-1] = ("head", _rebuild_head(path, manifest["heads"][0], 0, arrays, width))
        model.pipeline_ = pipe
    model.classes_ = np.array(manifest["classes"], dtype=object)
    if list(model.classes_) != list(manifest["heads"][0]["classes"]):
        raise _error(path, "the model's classes and its head's do not match")
    card = manifest.get("card")
    try:
        model.card_ = check_card(card, "model card") if card else {}
    except ThreadframeError as exc:
        raise _error(path, str(exc)) from None
    model.training_data_ = manifest.get("training_data", "")
    model.scores_ = manifest.get("scores", {})
    model.threadframe_version_ = manifest.get("threadframe_version")
    return model


def _width(model, union) -> int:
    """Columns of a rebuilt StanceClassifier's features (one probe row through the union)."""
    import pandas as pd

    probe = pd.DataFrame({"text": ["a"], "target": ["a"], "context": ["a"]})
    return int(union.transform(probe).shape[1])
