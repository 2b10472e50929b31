"""A table of the user's own articles, put together with their comments.

``threadframe parse comments.csv --articles articles.csv`` reads the comments
as any comment table (:mod:`threads.formats.tabular`), the articles table by
its column names (an id, title, text, outlet, url, date, author, language;
:data:`ARTICLE_COLUMNS`), and puts each article's title and paragraphs in
front of its comments. In Python the same is
``Corpus.from_pandas(comments, articles=articles)``, with the columns named.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .corpus import Corpus
from .decode import read_text
from .errors import CorpusError, FormatError

__all__ = ["ARTICLE_COLUMNS", "attach_articles", "read_articles"]

#: Accepted column names per article field, most specific first (case and spaces ignored).
ARTICLE_COLUMNS = {
    "doc_id": ("doc_id", "article_id", "thread_id", "thread", "article", "id", "story_id", "link_id"),
    "title": ("title", "headline"),
    "text": ("text", "body", "article_text", "content"),
    "outlet": ("outlet", "source", "publisher", "site", "newspaper"),
    "outlet_kind": ("outlet_kind",),
    "url": ("url", "link", "article_url"),
    "published": ("published", "date", "published_at", "pub_date", "datetime", "time"),
    "author": ("author", "byline", "authors"),
    "language": ("language", "lang"),
}


def read_articles(path: str | Path) -> Corpus:
    """The articles table at ``path`` (CSV/TSV/JSONL) as a corpus of title and body units."""
    from .formats.tabular import _norm, read_table

    path = Path(path)
    table, _ = read_table(read_text(path), path)
    if table.empty:
        raise FormatError(path, "the articles table has no rows")
    by_norm: dict[str, str] = {}
    for c in table.columns:
        by_norm.setdefault(_norm(c), c)
    named: dict[str, str] = {}
    for field, names in ARTICLE_COLUMNS.items():
        col = next((by_norm[n] for n in names if n in by_norm and by_norm[n] not in named.values()), None)
        if col is not None:
            named[field] = col
    for field in ("doc_id", "text"):
        if field not in named:
            raise FormatError(path, f"cannot find the articles' {'id' if field == 'doc_id' else 'text'} "
                                    f"column; the table has: {', '.join(map(str, table.columns))}. Name it one "
                                    f"of {', '.join(ARTICLE_COLUMNS[field])}")
    try:
        return Corpus.from_pandas(articles=table, article_columns=named, source=str(path))
    except CorpusError as exc:
        raise FormatError(path, str(exc).replace("from_pandas: ", "")) from None


def attach_articles(comments: Corpus, articles: Corpus) -> Corpus:
    """One corpus: each article's title and body units, then its comments.

    The same rules as :meth:`Corpus.from_pandas` with both tables: document
    fields only the comments gave fill the articles' gaps, a field both give
    must agree, and a comment whose document is not in the articles table is
    an error naming the documents. Each file's provenance is its own.
    """
    from .from_pandas import _merge, _together

    theirs = comments.docs.drop(columns=["source_format", "source_path"], errors="ignore")
    docs = _merge(articles.docs.copy(), theirs, comments.units["doc_id"])
    units = _together(articles.units, comments.units)
    units = units.sort_values(["doc_id", "position"], kind="stable").reset_index(drop=True)
    problems = pd.concat([articles.problems, comments.problems], ignore_index=True)
    return Corpus(docs=docs, units=units, problems=problems)
