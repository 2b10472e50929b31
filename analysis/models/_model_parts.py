"""Rebuilding a saved pipeline's parts from a model file's numbers and lists.

Only threadframe's own parts (:data:`analysis.models.features.PARTS` and
:class:`analysis.models.head.LinearHead`) are rebuilt, each from plain
parameters checked by the part's ``set_params``; nothing from the file is run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.models._model_check import ModelFileError, check_head_arrays

_NGRAM_PARAMS = ("ngram_range",)


def _error(path, message: str):
    return ModelFileError(path, message)


def decode_classes(spec) -> np.ndarray:
    """Class labels as saved (``{"kind": "int"|"str", "values": [...]}``)."""
    if spec["kind"] == "int":
        return np.array([int(v) for v in spec["values"]])
    return np.array([str(v) for v in spec["values"]], dtype=object)


def _params(path, where: str, cls, raw) -> dict:
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise _error(path, f"manifest: {where}: params must be a mapping")
    known = set(cls().get_params())
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _error(path, f"manifest: {where}: parameters {', '.join(unknown)} are not "
                           f"understood by this threadframe's {cls.__name__}")
    for key, value in raw.items():
        if not isinstance(value, str | int | float | bool | list | type(None)):
            raise _error(path, f"manifest: {where}: parameter {key!r} must be a plain value")
    return {k: tuple(v) if k in _NGRAM_PARAMS and isinstance(v, list) else v
            for k, v in raw.items()}


def load_features(path: Path, spec, codebook, vocab: dict, arrays: dict):
    """(fitted FeatureUnion, unfitted twin) from the manifest's ``features`` entry."""
    from sklearn.base import clone
    from sklearn.pipeline import FeatureUnion

    from analysis.models.features import PARTS, CueScores, TextTfidf

    if not isinstance(spec, dict) or not isinstance(spec.get("parts"), list) or not spec["parts"]:
        raise _error(path, "manifest: features must list the model's feature parts")
    weights = spec.get("transformer_weights", {})
    if not isinstance(weights, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in weights.values()):
        raise _error(path, "manifest: features: transformer_weights must map parts to numbers")
    parts, names = [], []
    for i, entry in enumerate(spec["parts"]):
        where = f"feature part {i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _error(path, f"manifest: {where} must be a mapping with a name")
        name, kind, state = entry["name"], entry.get("part"), entry.get("state")
        if kind not in PARTS:
            raise _error(path, f"manifest: {where} ({name!r}) is of unknown kind {str(kind)[:80]!r}; "
                               f"this threadframe knows {', '.join(PARTS)}")
        if name in names:
            raise _error(path, f"manifest: feature part name {name!r} repeats")
        if not isinstance(state, dict):
            raise _error(path, f"manifest: {where}: state must be a mapping")
        cls = PARTS[kind]
        params = _params(path, where, cls, entry.get("params"))
        if cls is CueScores:
            params["codebook"] = codebook
        try:
            part = cls(**params)
        except (TypeError, ValueError) as exc:
            raise _error(path, f"manifest: {where}: {exc}") from None
        unfitted = clone(part)
        if cls is TextTfidf:
            _restore_tfidf(path, name, part, state, vocab, arrays)
        elif cls is CueScores:
            cats = state.get("categories")
            if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                raise _error(path, f"manifest: {where}: categories must be a list of texts")
            part.active_ = bool(state.get("active"))
            part.categories_ = list(cats)
            if part.active_ and codebook is None:
                raise _error(path, f"manifest: {where} reads codebook cues but the file has no codebook")
        elif "names" in state:
            if not isinstance(state["names"], list) or not all(isinstance(c, str) for c in state["names"]):
                raise _error(path, f"manifest: {where}: names must be a list of texts")
            part.fit(None)
            if list(part.names_) != state["names"]:
                raise _error(path, f"manifest: {where}: the rule features were {state['names']}, "
                                   f"this threadframe has {part.names_}; retrain the model")
        else:
            part.active_ = bool(state.get("active"))
        names.append(name)
        parts.append((name, part, unfitted))
    unknown = sorted(set(vocab) - {n for n, p, _ in parts if isinstance(p, TextTfidf)})
    if unknown:
        raise _error(path, f"vocabulary.json has terms for unknown parts {', '.join(unknown)}")
    if set(weights) - set(names):
        raise _error(path, "manifest: features: transformer_weights name unknown parts")
    union = FeatureUnion([(n, p) for n, p, _ in parts], transformer_weights=weights or None)
    twin = FeatureUnion([(n, u) for n, _, u in parts], transformer_weights=weights or None)
    return union, twin


def _restore_tfidf(path, name, part, state, vocab, arrays) -> None:
    if not state.get("active"):
        part.vectorizer_ = None
        return
    terms = vocab.get(name)
    idf = arrays.get(f"{name}_idf")
    if terms is None or idf is None or idf.shape != (len(terms),):
        raise _error(path, f"{name} vocabulary and IDF weights do not match")
    if len(set(terms)) != len(terms):
        raise _error(path, f"{name} vocabulary repeats terms")
    vec = part.make_vectorizer()
    vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
    vec.idf_ = idf.astype(np.float64)
    part.vectorizer_ = vec


def load_head_params(path: Path, spec) -> dict:
    from analysis.models.head import LinearHead

    if not isinstance(spec, dict) or spec.get("part") != "LinearHead":
        raise _error(path, "manifest: head must be threadframe's LinearHead")
    return _params(path, "head", LinearHead, spec.get("params"))


def load_head(path: Path, i: int, spec: dict, arrays: dict, params: dict, width):
    """A fitted LinearHead from head ``i``'s arrays (coefficients, sigmoid maps)."""
    from sklearn.calibration import (
        CalibratedClassifierCV,
        _CalibratedClassifier,
        _SigmoidCalibration,
    )
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from analysis.models.head import LinearHead

    base_cls = {"LinearSVC": LinearSVC, "LogisticRegression": LogisticRegression}
    if spec["estimator"] not in base_cls:
        raise _error(path, f"unknown base estimator {spec['estimator']!r}")
    base = base_cls[spec["estimator"]]()
    coef = arrays.get(f"head{i}_coef")
    intercept = arrays.get(f"head{i}_intercept")
    check_head_arrays(path, i, spec, coef, intercept, width)
    if coef is None or intercept is None:  # check_head_arrays refuses these; for the type checker
        raise _error(path, f"coefficients of head {i} are missing")
    base.coef_ = coef.astype(np.float64)
    base.intercept_ = intercept.astype(np.float64)
    base.classes_ = decode_classes(spec["classes"])
    base.n_features_in_ = coef.shape[1]
    head = LinearHead(**params)
    if not spec["calibrated"]:
        head.model_, head.classes_ = base, base.classes_
        return head
    a, b = arrays.get(f"head{i}_a"), arrays.get(f"head{i}_b")
    n_cal = 1 if len(spec["head_classes"]["values"]) == 2 else len(spec["head_classes"]["values"])
    if a is None or b is None or a.shape != b.shape or a.shape != (n_cal,):
        raise _error(path, f"calibration of head {i} is missing or malformed")
    calibrators = []
    for ai, bi in zip(a, b, strict=True):
        c = _SigmoidCalibration()
        c.a_, c.b_ = float(ai), float(bi)
        calibrators.append(c)
    head_classes = decode_classes(spec["head_classes"])
    model = CalibratedClassifierCV(base, method="sigmoid", ensemble=False)
    model.calibrated_classifiers_ = [_CalibratedClassifier(base, calibrators, classes=head_classes,
                                                           method="sigmoid")]
    model.classes_ = head_classes
    model.n_features_in_ = base.n_features_in_
    head.model_, head.classes_ = model, head_classes
    return head
