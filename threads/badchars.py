"""Units whose text holds replacement characters: flagged and listed, never silent.

Decoding replaces bytes that are not valid text with U+FFFD (a few broken
bytes in a UTF-8 file, stray NUL bytes) and JSON loading replaces lone
surrogates the same way (see :mod:`threads.decode` and
``threads.formats._json``). :func:`flag_bad_chars` then marks every unit whose
text holds U+FFFD with the ``bad_chars`` flag and one ``problems`` row, so a
repaired unit can be found and counted (``Corpus.audit()`` has
``replaced_chars``). A U+FFFD that was already in the source is flagged too:
it means characters were lost before the export.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .corpus import Corpus
from .decode import REPLACEMENT
from .schema import PROBLEM_COLUMNS
from .tree import add_flag

FLAG = "bad_chars"
_SURROGATE = re.compile("[\ud800-\udfff]")


def flag_bad_chars(corpus: Corpus) -> Corpus:
    """``corpus`` with ``bad_chars`` added to the flags of units whose text holds U+FFFD."""
    units = corpus.units
    counts = units["text"].fillna("").str.count(REPLACEMENT)
    hit = (counts > 0).to_numpy()
    if not hit.any():
        return corpus
    units = units.copy()
    units.loc[hit, "flags"] = [add_flag(f if isinstance(f, str) else "", FLAG) for f in units.loc[hit, "flags"]]
    source = dict(zip(corpus.docs["doc_id"], corpus.docs["source_path"], strict=True))
    rows = [{"source_path": source.get(d), "doc_id": d, "unit_id": u, "problem": FLAG,
             "detail": f"{n} replacement character{'s' if n != 1 else ''} (U+FFFD) in the text: "
                       "bytes that were not valid text"}
            for d, u, n in zip(units.loc[hit, "doc_id"], units.loc[hit, "unit_id"], counts[hit], strict=True)]
    problems = pd.concat([corpus.problems, pd.DataFrame(rows, columns=PROBLEM_COLUMNS)], ignore_index=True)
    return Corpus(docs=corpus.docs, units=units, problems=problems)


def replace_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` (parsed JSON) with lone surrogates in strings and keys replaced by U+FFFD, and their count.

    Iterative, so deeply nested exports need no recursion; containers are
    changed in place.
    """
    if isinstance(value, str):
        fixed, n = _SURROGATE.subn(REPLACEMENT, value)
        return fixed, n
    total = 0
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for key in [k for k in item if isinstance(k, str) and _SURROGATE.search(k)]:
                fixed_key, n = _SURROGATE.subn(REPLACEMENT, key)
                item[fixed_key] = item.pop(key)
                total += n
            for key, v in item.items():
                if isinstance(v, str):
                    if _SURROGATE.search(v):
                        item[key], n = _SURROGATE.subn(REPLACEMENT, v)
                        total += n
                elif isinstance(v, (dict, list)):
                    todo.append(v)
        elif isinstance(item, list):
            for i, v in enumerate(item):
                if isinstance(v, str):
                    if _SURROGATE.search(v):
                        item[i], n = _SURROGATE.subn(REPLACEMENT, v)
                        total += n
                elif isinstance(v, (dict, list)):
                    todo.append(v)
    return value, total
