"""Evidence tables from the scorer's parallel arrays, built with Arrow (no per-row Python)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def str_array(values):
    return pd.array(values, dtype="str")


def str_take(values, index: np.ndarray):
    """``values[index]`` as a str array, gathered by Arrow (fast for repeated ids)."""
    import pyarrow as pa

    base = pa.array(np.asarray(values, dtype=object), type=pa.large_string())
    return pd.array(base.take(pa.array(index, type=pa.int64())), dtype="str")


def span_table(parts, texts, row_unit, row_off, unit_ids, doc_ids, name_of, name_col, columns):
    """Evidence rows from parallel arrays (text row, name, cue, start, end, weight),
    sorted by text and start; also returns each row's text (sentence) row."""
    if parts:
        ti, names, cue, start, end, weight = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        ti = start = end = np.zeros(0, dtype=np.int64)
        names = cue = np.zeros(0, dtype=object)
        weight = np.zeros(0)
    ti = ti.astype(np.int64)
    order = np.lexsort((start, ti))
    ti, names, cue, start, end, weight = (a[order] for a in (ti, names, cue, start, end, weight))
    matched = [texts[t][s:e] for t, s, e in zip(ti.tolist(), start.tolist(), end.tolist(), strict=True)]
    out = pd.DataFrame({
        "unit_id": str_take(unit_ids, row_unit[ti]),
        "doc_id": str_take(doc_ids, row_unit[ti]),
        name_col: str_array(name_of(names) if len(names) else np.zeros(0, dtype=object)),
        "cue": str_array(cue),
        "start": (start + row_off[ti]).astype(np.int64),
        "end": (end + row_off[ti]).astype(np.int64),
        "matched": str_array(np.asarray(matched, dtype=object)),
        "weight": weight.astype(float),
    })[columns]
    return out, ti
