"""Checks on an untrusted model file (``.tfm``) before anything in it is used.

Kept apart from :mod:`analysis.models.model_io` so the save/load logic stays readable.
A model file never makes the toolkit open a path it names: the codebook it
was trained with travels inside the manifest as YAML text and is rebuilt with
the safe codebook parser.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np

from analysis.tagging.codebook import (
    BUILTIN,
    Codebook,
    CodebookError,
    load_codebook,
    parse_codebook,
)
from threads.errors import InputError

MAX_CODEBOOK_CHARS = 2 * 1024 * 1024
#: Caps on the uncompressed size of each member, checked before it is read.
MAX_MEMBER_BYTES = {"manifest.json": 8 * 1024 * 1024, "vocabulary.json": 64 * 1024 * 1024,
                    "arrays.npz": 256 * 1024 * 1024}
#: Cap on all arrays together, as declared in the .npy headers.
MAX_ARRAY_BYTES = 256 * 1024 * 1024
MAX_ARRAY_MEMBERS = 4 * 1024
_ARRAY_NAME = re.compile(r"^([a-z][a-z0-9_]{0,39}_idf|head\d{1,4}_(coef|intercept|a|b))\.npy$")


#: The model-file format named in every manifest (``analysis.models.model_io``).
FORMAT = "threadframe-model/2"


class ModelFileError(InputError):
    """A model file that cannot be loaded (wrong format, version, or tampered)."""


def _error(path, message: str):
    return ModelFileError(path, message)


def embed_codebook(codebook) -> dict | None:
    """The manifest's ``codebook`` entry for a model's codebook parameter."""
    if codebook is None:
        return None
    book = load_codebook(codebook)
    if book.text is None:
        raise _error(None, f"codebook {book.id} has no YAML text to store in the model file; "
                           "load it with analysis.load_codebook or parse_codebook")
    return {"name": book.name, "id": book.id, "yaml": book.text}


def model_codebook(path: Path, manifest: dict):
    """The codebook parameter for a loaded model: ``None``, a built-in name or a
    :class:`Codebook` rebuilt from the YAML embedded in the manifest.

    Files written before codebooks were embedded are accepted only when their
    codebook is ``None`` or a built-in name; a path is refused, never opened.
    """
    params = manifest.get("params")
    named = params.get("codebook") if isinstance(params, dict) else None
    embedded = manifest.get("codebook")
    expected = manifest.get("codebook_id")
    if embedded is None:
        if named is None:
            return None
        if not isinstance(named, str) or named not in BUILTIN:
            raise _error(path, f"the model names codebook {str(named)[:200]!r}, which is not a "
                               f"built-in codebook ({', '.join(BUILTIN)}) and the file does not "
                               "carry the codebook itself; a model file never makes threadframe "
                               "open a path it names: retrain and save the model again")
        book = load_codebook(named)
        _check_id(path, expected, book.id, "this threadframe has")
        return named
    if (not isinstance(embedded, dict) or not isinstance(embedded.get("yaml"), str)
            or not isinstance(embedded.get("id"), str)):
        raise _error(path, "the manifest's codebook entry is malformed "
                           "(expected name, id and yaml text)")
    text = embedded["yaml"]
    if len(text) > MAX_CODEBOOK_CHARS:
        raise _error(path, "the embedded codebook is implausibly large")
    try:
        book = parse_codebook(text, source=f"{path} (embedded codebook)")
    except CodebookError as exc:
        raise _error(path, f"its embedded codebook is not valid: {exc}") from None
    if book.id != embedded["id"]:
        raise _error(path, f"the embedded codebook is {book.id}, but the manifest says "
                           f"{embedded['id']}; the file was changed: refusing it")
    _check_id(path, expected, book.id, "its embedded codebook is")
    if book.name in BUILTIN and load_codebook(book.name).text == text:
        return book.name  # the very built-in codebook: keep the short name
    return book


def _check_id(path, expected, actual: str, where: str) -> None:
    if expected is not None and expected != actual:
        raise _error(path, f"the model was trained with codebook {expected}, but {where} "
                           f"{actual}; its cue features would not mean the same: retrain")


# ------------------------------------------------------------------ members
def read_members(path: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    """The members of the outer zip, each checked against its cap before and
    while it is read (a declared size can lie; reading stops at the cap)."""
    try:
        with zipfile.ZipFile(path) as zf:
            present = set(zf.namelist())
            missing = [m for m in names if m not in present]
            if missing:
                raise _error(path, f"not a threadframe model: missing {', '.join(missing)}")
            extra = present - set(names)
            if extra:
                raise _error(path, f"unexpected member(s) {sorted(extra)}; refusing the file")
            out = {}
            for m in names:
                cap = MAX_MEMBER_BYTES[m]
                if zf.getinfo(m).file_size > cap:
                    raise _error(path, f"member {m} is implausibly large "
                                       f"({zf.getinfo(m).file_size} bytes; at most {cap})")
                with zf.open(m) as f:
                    data = f.read(cap + 1)
                if len(data) > cap:
                    raise _error(path, f"member {m} is implausibly large")
                out[m] = data
            return out
    except zipfile.BadZipFile:
        raise _error(path, "not a threadframe model file (not a zip archive)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise _error(path, f"not a readable threadframe model file ({exc})") from None


def read_arrays(path: Path, data: bytes, names: re.Pattern = _ARRAY_NAME) -> dict[str, np.ndarray]:
    """The arrays of ``arrays.npz``: every member's name (``names``), declared size and
    .npy header (numeric dtype, shape x itemsize = declared size, under the cap) is
    checked before any array is read; nothing is ever unpickled."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as npz:
            infos = npz.infolist()
            if len(infos) > MAX_ARRAY_MEMBERS:
                raise _error(path, f"arrays.npz holds {len(infos)} arrays; refusing it")
            total = 0
            for info in infos:
                if not names.match(info.filename):
                    raise _error(path, f"arrays.npz: unexpected member {info.filename[:80]!r}")
                if info.file_size > MAX_ARRAY_BYTES:
                    raise _error(path, f"arrays.npz: {info.filename} is implausibly large "
                                       f"({info.file_size} bytes declared)")
                with npz.open(info) as f:
                    total += _check_header(path, info, f)
                if total > MAX_ARRAY_BYTES:
                    raise _error(path, "arrays.npz: the arrays are implausibly large "
                                       f"(over {MAX_ARRAY_BYTES} bytes together); refusing them")
            arrays = {}
            for info in infos:
                with npz.open(info) as f:
                    arrays[info.filename[:-4]] = np.lib.format.read_array(f, allow_pickle=False)
            return arrays
    except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise _error(path, f"arrays unreadable ({exc})") from None


def _check_header(path: Path, info: zipfile.ZipInfo, f) -> int:
    """Bytes of array data the .npy header of ``f`` declares, after checking it."""
    where = f"arrays.npz: {info.filename}"
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise _error(path, f"{where}: unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in "fiub" or dtype.fields is not None:
        raise _error(path, f"{where}: dtype {dtype} is not a plain number type; refusing it")
    if len(shape) > 2 or any(not isinstance(n, int) or n < 0 for n in shape):
        raise _error(path, f"{where}: implausible shape {shape}")
    nbytes = math.prod(shape) * dtype.itemsize
    header = f.tell()
    if nbytes > MAX_ARRAY_BYTES or header + nbytes != info.file_size:
        raise _error(path, f"{where}: shape {shape} of {dtype} ({nbytes} bytes) does not match "
                           f"the member's size ({info.file_size} bytes) or is over the cap")
    return nbytes


# ----------------------------------------------------------------- manifest
_TEXT, _FLAG, _LIST, _MAP = (str,), (bool,), (list,), (dict,)
_REQUIRED = {"estimator": _TEXT, "params": _MAP, "classes": _MAP, "multilabel": _FLAG,
             "use_context": _FLAG, "cue_categories": _LIST, "rule_names": _LIST,
             "n_train": (int,), "thresholds": _LIST, "heads": _LIST, "sha256": _MAP,
             "features": _MAP, "head": _MAP}
_OPTIONAL = {"name": (str, type(None)), "threadframe_version": (str, type(None)),
             "codebook_id": (str, type(None)), "codebook": (dict, type(None)),
             "training_data": (str, dict), "scores": _MAP, "pipeline_given": _FLAG}
_KIND = {str: "text", bool: "true/false", list: "a list", dict: "a mapping", int: "a whole number",
         float: "a number", type(None): "null"}
_HEAD = {"estimator": _TEXT, "classes": _MAP, "calibrated": _FLAG, "head_classes": _MAP}


def check_manifest(path: Path, m: dict) -> None:
    """Types and lengths of every manifest entry load_model uses, so a malformed
    file is a :class:`ModelFileError`, not a ``TypeError`` or ``KeyError``."""
    for table, required in ((_REQUIRED, True), (_OPTIONAL, False)):
        for key, kinds in table.items():
            _typed(path, m, key, kinds, required, "the manifest")
    if not all(isinstance(k, str) for k in m["params"]):
        raise _error(path, "manifest: params must map names to values")
    n_classes = _classes(path, m["classes"], "classes")
    for key in ("cue_categories", "rule_names"):
        if not all(isinstance(v, str) for v in m[key]):
            raise _error(path, f"manifest: {key} must be a list of texts")
    if isinstance(m["n_train"], bool) or m["n_train"] < 0:
        raise _error(path, "manifest: n_train must be a count")
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in m["thresholds"]):
        raise _error(path, "manifest: thresholds must be numbers")
    heads = m["heads"]
    if not heads or len(m["thresholds"]) != len(heads):
        raise _error(path, f"manifest: {len(heads)} heads but {len(m['thresholds'])} thresholds")
    if m["multilabel"] and len(heads) != n_classes:
        raise _error(path, f"manifest: {n_classes} classes but {len(heads)} heads")
    if not m["multilabel"] and (len(heads) != 1 or n_classes < 2):
        raise _error(path, f"manifest: a single-label model needs one head and at least two "
                           f"classes, not {len(heads)} heads and {n_classes} classes")
    for i, head in enumerate(heads):
        if not isinstance(head, dict):
            raise _error(path, f"manifest: head {i} is not a mapping")
        for key, kinds in _HEAD.items():
            _typed(path, head, key, kinds, True, f"head {i}")
        k = _classes(path, head["classes"], f"head {i} classes")
        if _classes(path, head["head_classes"], f"head {i} head_classes") != k or k < 2:
            raise _error(path, f"manifest: head {i} classes do not match")
        if not m["multilabel"] and k != n_classes:
            raise _error(path, f"manifest: head {i} has {k} classes, the model {n_classes}")


def _typed(path, table: dict, key: str, kinds: tuple, required: bool, what: str) -> None:
    if key not in table:
        if required:
            raise _error(path, f"{what}: {key!r} is missing")
        return
    value = table[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise _error(path, f"{what}: {key!r} must be {' or '.join(_KIND[k] for k in kinds)}, "
                           f"not {_KIND.get(type(value), type(value).__name__)}")


def _classes(path, spec: dict, what: str) -> int:
    values = spec.get("values")
    kind = spec.get("kind")
    if kind not in ("int", "str") or not isinstance(values, list):
        raise _error(path, f"manifest: {what} must give kind (int or str) and values")
    want = str if kind == "str" else int
    if not all(isinstance(v, want) and not isinstance(v, bool) for v in values):
        raise _error(path, f"manifest: {what}: values must all be {kind}")
    if len(set(values)) != len(values):
        raise _error(path, f"manifest: {what}: values repeat")
    return len(values)


def check_head_arrays(path: Path, i: int, spec: dict, coef, intercept, n_features) -> None:
    """Array shapes of head ``i`` against its classes and the other heads."""
    k = len(spec["classes"]["values"])
    rows = 1 if k == 2 else k
    if coef is None or intercept is None or coef.ndim != 2 or intercept.shape != (coef.shape[0],):
        raise _error(path, f"coefficients of head {i} are missing or malformed")
    if coef.shape[0] != rows or (n_features is not None and coef.shape[1] != n_features):
        raise _error(path, f"coefficients of head {i} have shape {coef.shape}, which does not fit "
                           f"its {k} classes and the other heads")


__all__ = ["Codebook", "check_head_arrays", "check_manifest", "embed_codebook", "model_codebook", "read_arrays", "read_members"]
