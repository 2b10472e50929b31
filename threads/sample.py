"""The bundled sample corpus: five scrapes about China exporting surveillance tech."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from .corpus import Corpus
from .errors import CorpusError


def sample_paths() -> list[Path]:
    """Paths of the five bundled sample documents (plain-text scrapes)."""
    folder = resources.files("threads") / "data" / "sample"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


def sample_metadata() -> pd.DataFrame:
    """Outlet, kind of outlet, title, URL, date and language of each sample document."""
    path = resources.files("threads") / "data" / "sample" / "metadata.csv"
    return pd.read_csv(str(path), dtype="str", keep_default_na=False, na_values=[""])


def sample_corpus() -> Corpus:
    """The sample corpus, parsed, with its metadata table joined into ``docs``."""
    from .read import read

    corpus = read(sample_paths())
    meta = sample_metadata().set_index("doc_id")
    docs = corpus.docs.set_index("doc_id")
    if set(meta.index) != set(docs.index):  # a packaging mistake, not a user error
        raise CorpusError(f"sample metadata.csv lists {sorted(meta.index)} but the sample files are "
                          f"{sorted(docs.index)}")
    # metadata wins where it has a value (an outlet the text does not name); the
    # parser's value (e.g. a title read from the text) stays where it has none
    for col in meta.columns:
        docs[col] = meta[col].reindex(docs.index).combine_first(docs[col]) if col in docs else meta[col]
    return corpus.with_docs(docs.reset_index())
