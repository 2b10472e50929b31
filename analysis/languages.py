"""Which language each document is in, and stop words for it, offline.

A page usually states its language (``<html lang="de">``); a CSV of the
user's own comments does not. :func:`document_languages` keeps what the data
states and detects the rest from the document's text with py3langid (the
langid.py model, shipped with the package: nothing is downloaded).
:func:`check_codebook_language` warns once when a codebook's cue words are
in another language than the documents they are matched against: a German
comment never contains the English cue "surveillance", so every frame would
read as absent.

Stop words for English (the project's list), German and French (the
Snowball project's lists, BSD licence) ship in ``analysis/data/``.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from importlib import resources

import pandas as pd

from analysis.exceptions import LanguageMismatchWarning
from threads.errors import ThreadframeError

__all__ = ["check_codebook_language", "detect_language",
           "document_languages", "stopwords", "STOPWORD_LANGUAGES"]

#: Languages with a shipped stop-word list.
STOPWORD_LANGUAGES = ("de", "en", "fr")

#: Below this many characters of text a guess is not worth making.
MIN_CHARS = 40
#: A guess below this normalised probability is reported as unknown.
MIN_PROB = 0.9


@lru_cache(maxsize=1)
def _identifier():
    # Loaded on first use (0.3 s), never at import.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, min_chars: int = MIN_CHARS, min_prob: float = MIN_PROB) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when too short or unsure.

    >>> detect_language("Die Überwachung der Bürger durch den Staat ist ein Problem.")
    'de'
    >>> detect_language("ok") is None
    True
    """
    if not isinstance(text, str) or len(text.strip()) < min_chars:
        return None
    code, prob = _identifier().classify(text)
    return str(code) if prob >= min_prob else None


def document_languages(corpus, *, max_chars: int = 20000) -> pd.DataFrame:
    """Each document's language: ``doc_id``, ``language``, ``source``.

    ``corpus`` is a Corpus or a units table (``text``, ideally ``doc_id``
    and ``role``; without ``doc_id`` each row is a document; a ``language``
    column states the language). ``source`` is ``"stated"`` (the data says
    so: a page's ``lang``, a column), ``"detected"`` (from the first
    ``max_chars`` characters of the document's title and body, or of its
    comments when it has no body) or ``"unknown"`` (too little text to tell).
    """
    if isinstance(corpus, pd.DataFrame):
        units = corpus
        if "doc_id" not in units.columns:
            ids = units["unit_id"] if "unit_id" in units.columns else pd.Series(range(len(units)), index=units.index)
            units = units.assign(doc_id=ids.astype("str"))
        docs = pd.DataFrame({"doc_id": pd.unique(units["doc_id"].astype("str"))})
        if "language" in units.columns:
            stated_of = (units[["doc_id", "language"]].dropna().astype("str")
                         .loc[lambda d: d["language"].str.strip() != ""]
                         .drop_duplicates("doc_id").set_index("doc_id")["language"])
            docs["language"] = docs["doc_id"].map(stated_of)
    else:
        docs, units = corpus.docs, corpus.units
    stated = docs["language"] if "language" in docs.columns else pd.Series(pd.NA, index=docs.index)
    text_of = _document_texts(units, max_chars)
    rows: list[tuple[str, str | None, str]] = []
    for doc_id, lang in zip(docs["doc_id"].astype("str"), stated, strict=True):
        if isinstance(lang, str) and lang.strip():
            rows.append((doc_id, lang.strip().lower(), "stated"))
            continue
        text = text_of.get(doc_id, "")
        found = "en" if _clearly_english(text) else detect_language(text)
        rows.append((doc_id, found, "unknown" if found is None else "detected"))
    out = pd.DataFrame(rows, columns=["doc_id", "language", "source"])
    out["language"] = out["language"].astype("str")
    return out


_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _english_markers() -> frozenset[str]:
    # English function words of three letters or more that are no German or French word
    return frozenset(w for w in stopwords("en") - stopwords("de") - stopwords("fr") if len(w) >= 3)


def _clearly_english(text: str) -> bool:
    """Text full of English function words is English: no need to run the model.

    A shortcut for speed (tagging a list of comments detects each one): on
    20,000 real comments it agreed with the model on all but one mixed text.
    """
    if len(text.strip()) < MIN_CHARS:
        return False
    words = _WORDS.findall(text[:500].lower())
    markers = _english_markers()
    n = sum(w in markers for w in words)
    return n >= 3 and n >= 0.12 * len(words)


def _document_texts(units: pd.DataFrame, max_chars: int) -> dict[str, str]:
    """Per doc_id, the text its language is told from: its title and body, or all of
    its units when those are shorter than MIN_CHARS; at most ``max_chars`` characters."""
    doc_ids = units["doc_id"].astype("str").to_numpy(dtype=object)
    texts = units["text"].to_numpy(dtype=object)
    roles = (units["role"].to_numpy(dtype=object) if "role" in units.columns
             else [None] * len(units))
    article: dict[str, list[str]] = {}
    every: dict[str, list[str]] = {}
    size: dict[tuple[str, bool], int] = {}
    # one pass over the rows (a groupby per document costs more than the detection)
    for doc_id, text, role in zip(doc_ids, texts, roles, strict=True):
        if not isinstance(text, str):
            continue
        for is_article, into in ((True, article), (False, every)):
            if is_article and role not in ("title", "body"):
                continue
            key = (doc_id, is_article)
            if size.get(key, 0) < max_chars:
                into.setdefault(doc_id, []).append(text)
                size[key] = size.get(key, 0) + len(text) + 1
    out = {}
    for doc_id, all_parts in every.items():
        chosen = article.get(doc_id, [])
        if sum(map(len, chosen)) < MIN_CHARS:
            chosen = all_parts
        out[doc_id] = " ".join(chosen)[:max_chars]
    return out


def check_codebook_language(corpus, codebook) -> pd.DataFrame:
    """Warn once when documents are in another language than ``codebook``.

    Returns :func:`document_languages` so the caller can report it. The
    warning gives the counts and what to do about it.
    """
    langs = document_languages(corpus)
    known = langs[langs["source"] != "unknown"]
    other = known[known["language"] != codebook.language]
    if len(other):
        counts = ", ".join(f"{lang}: {n}" for lang, n in other["language"].value_counts().items())
        warnings.warn(
            f"codebook {codebook.name!r} is in {codebook.language!r}, but {len(other)} of "
            f"{len(langs)} documents are in another language ({counts}); its cue words will not "
            "match them, so their frames read as absent. Use a codebook in their language, or "
            "tag those documents separately (docs.language says which they are).",
            LanguageMismatchWarning, stacklevel=3)
    return langs


@lru_cache(maxsize=len(STOPWORD_LANGUAGES))
def stopwords(language: str = "en") -> frozenset[str]:
    """The shipped stop-word list for ``language`` (``"en"``, ``"de"`` or ``"fr"``)."""
    code = str(language).lower().split("-")[0]
    if code not in STOPWORD_LANGUAGES:
        raise ThreadframeError(f"no stop-word list for language {language!r}; shipped: "
                               f"{', '.join(STOPWORD_LANGUAGES)} (pass your own list as stopwords=)")
    text = (resources.files("analysis") / "data" / f"stopwords_{code}.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))
