"""What the tagger accepts: a Corpus, a units table, a Series, texts or one text,
normalised to one units table; and the error when it cannot use the input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.tagging import whataboutism as wa
from threads.errors import ThreadframeError
from threads.schema import ARTICLE_ROLES


class TaggingError(ThreadframeError):
    """Input the tagger cannot use (wrong type, missing text column, bad level)."""


def as_units(data, roles) -> pd.DataFrame:
    """A units table (unit_id, doc_id, text, ...) from a Corpus, a DataFrame or texts."""
    import threads

    if isinstance(data, threads.Corpus):
        units = data.units
    elif isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise TaggingError(f"tag: the table needs a 'text' column; it has {', '.join(map(str, data.columns))}")
        units = data
    elif isinstance(data, str):
        units = pd.DataFrame({"text": [data]})
    elif isinstance(data, pd.Series):
        units = pd.DataFrame({"unit_id": data.index.astype("str"), "text": data.to_numpy()})
    elif isinstance(data, Iterable):
        units = pd.DataFrame({"text": list(data)})
    else:
        raise TaggingError(f"tag: expected a Corpus, a units DataFrame or texts, got {type(data).__name__}")
    out = pd.DataFrame(index=units.index)
    out["unit_id"] = (units["unit_id"] if "unit_id" in units.columns
                      else pd.Series(np.arange(len(units)), index=units.index)).astype("str")
    out["doc_id"] = (units["doc_id"].astype("str") if "doc_id" in units.columns else out["unit_id"])
    for col in ("role", "parent_id", "context"):
        if col in units.columns:
            out[col] = units[col]
    text = units["text"]
    kind = "string" if isinstance(text.dtype, pd.StringDtype) else pd.api.types.infer_dtype(text, skipna=True)
    bad = pd.Series(False, index=text.index)
    if kind not in ("string", "empty"):
        bad = ~text.map(lambda v: isinstance(v, str) or v is None or (isinstance(v, float) and np.isnan(v)))
    if bad.any():
        raise TaggingError(f"tag: 'text' must be text; row {int(np.flatnonzero(bad)[0])} holds "
                           f"{type(text[bad].iloc[0]).__name__}")
    out["text"] = text.astype("str").fillna("")
    if out["unit_id"].duplicated().any():
        dup = out["unit_id"][out["unit_id"].duplicated()].iloc[0]
        raise TaggingError(f"tag: unit_id must be unique; {dup!r} appears more than once")
    return out.reset_index(drop=True)


def unit_contexts(units: pd.DataFrame, language: str | Mapping[str, str] = "en"
                  ) -> dict[str, tuple[str, ...] | None]:
    """Per unit_id, the actors its thread context criticises (for whataboutism's actor switch).

    A comment's context is the article above it: the actors its title and
    body mention most. A ``context`` column (e.g. a video title) overrides it.
    Article units themselves get no context (they set it). ``language`` is
    the lexicon's language, one for all or per doc_id.
    """
    def lang(doc_id) -> str:
        return language if isinstance(language, str) else language.get(doc_id, "en")

    out: dict[str, tuple[str, ...] | None] = {}
    if "role" in units.columns:
        is_article = units["role"].isin(list(ARTICLE_ROLES))
        article = units[units["role"].isin(["title", "body"])]
        focal = {d: f for d, g in article.groupby("doc_id", sort=False)
                 if (f := wa.focal_actors(g["text"].tolist(), language=lang(d)))}
        if focal:
            sel = units[~is_article & units["doc_id"].isin(list(focal))]
            out.update(zip(sel["unit_id"], sel["doc_id"].map(focal), strict=True))
    if "context" in units.columns:
        for uid, doc_id, c in zip(units["unit_id"], units["doc_id"], units["context"], strict=True):
            if isinstance(c, str) and c:
                out[uid] = wa.focal_actors([c], language=lang(doc_id)) or None
    return out


def text_list(texts) -> list[str]:
    if isinstance(texts, str):
        raise TaggingError("expected a list of texts, got one string (wrap it in a list)")
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise TaggingError("expected texts or a table with a 'text' column")
        texts = texts["text"]
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
