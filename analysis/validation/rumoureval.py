"""RumourEval answer keys (``train-key.json``, ``dev-key.json``) as one coder's codes.

The key maps a post id to its stance toward the thread's source claim
(subtask A: ``support``, ``deny``, ``query``, ``comment``). It is read into the
long table :func:`analysis.read_coding_sheets` returns for single-label sheets
(``coder, unit_id, category, code`` with ``category == "frame"``), so
:func:`analysis.reliability_report` and :func:`analysis.model_coder_agreement`
take it as they take a human coder's sheet. With ``units`` (a corpus read
from the RumourEval thread folders, ``threads.read``), post ids become the
corpus's unit ids through ``platform_id``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.validation.coding import CodingSheetError
from threads.errors import InputError

STANCES = ("support", "deny", "query", "comment")
TASKS = {"a": "subtaskaenglish", "b": "subtaskbenglish"}
VERACITY = ("true", "false", "unverified")


def read_rumoureval_key(path, units=None, *, task: str = "a", coder: str | None = None) -> pd.DataFrame:
    """One RumourEval key file as codes: ``coder, unit_id, category, code`` (+ ``platform_id``).

    ``task="a"`` reads the reply stances, ``"b"`` the veracity of source
    posts. ``coder`` defaults to the file's stem (``train-key``). With
    ``units`` (a units table or Corpus), ``unit_id`` is the corpus's id of
    each post; posts the corpus lacks are left out (``attrs["missing"]`` lists
    them). Without it, ``unit_id`` is the post id. A code outside the task's
    labels raises :class:`~analysis.validation.coding.CodingSheetError` naming the file and the post.
    """
    path = Path(path)
    if task not in TASKS:
        raise InputError(path, f"task must be one of {', '.join(TASKS)}, got {task!r}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CodingSheetError(path, f"not a RumourEval key (invalid JSON: {exc})") from None
    key = TASKS[task]
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        found = ", ".join(map(str, data)) if isinstance(data, dict) else type(data).__name__
        raise CodingSheetError(path, f"expected an object with {key!r} mapping post ids to labels; found {found}")
    allowed = STANCES if task == "a" else VERACITY
    ids, codes = [], []
    for post, label in data[key].items():
        value = str(label).strip().lower()
        if value not in allowed:
            raise CodingSheetError(path, f"post {post}: {label!r} is not a label of {key} "
                                         f"({', '.join(allowed)})")
        ids.append(str(post))
        codes.append(value)
    out = pd.DataFrame({"coder": coder or path.stem, "unit_id": ids, "category": "frame", "code": codes,
                        "platform_id": ids})
    missing: list[str] = []
    if units is not None:
        table = getattr(units, "units", units)
        keep = table[table["platform_id"].notna()]
        # a Reddit post's id is on its title unit; units without text (lost replies) carry it too
        lookup = dict(zip(keep["platform_id"].astype(str), keep["unit_id"].astype(str), strict=True))
        mapped = out["platform_id"].map(lookup)
        missing = out.loc[mapped.isna(), "platform_id"].tolist()
        out = out[mapped.notna()].assign(unit_id=mapped[mapped.notna()])
    out = out.astype({"coder": "str", "unit_id": "str", "category": "str", "code": "str", "platform_id": "str"})
    out = out.reset_index(drop=True)
    out.attrs["missing"] = missing
    return out
