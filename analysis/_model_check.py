"""Checks on an untrusted model file (``.tfm``) before anything in it is used.

Kept apart from :mod:`analysis.model_io` so the save/load logic stays readable.
A model file never makes the toolkit open a path it names: the codebook it
was trained with travels inside the manifest as YAML text and is rebuilt with
the safe codebook parser.
"""

from __future__ import annotations

from pathlib import Path

from .codebook import BUILTIN, Codebook, CodebookError, load_codebook, parse_codebook

MAX_CODEBOOK_CHARS = 2 * 1024 * 1024


def _error(path, message: str):
    from .model_io import ModelFileError

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


__all__ = ["Codebook", "embed_codebook", "model_codebook"]
