"""Tagging each document with the translation of a built-in codebook in its language.

``analysis.tag(corpus, "surveillance")`` tags German documents with
``surveillance.de.yaml``, French ones with ``surveillance.fr.yaml`` and the
rest with the English file, in one result: the categories are the same, the
``source`` column names the translation and ``units.language`` the language.
A document's language is what the data states or what
:func:`analysis.languages.document_languages` detects.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from analysis.exceptions import LanguageMismatchWarning
from analysis.languages import document_languages
from analysis.tagging._spans import str_array
from analysis.tagging.codebook import BUILTIN, Codebook, codebook_languages, load_codebook


def chooses_language(codebook) -> bool:
    """A built-in codebook given by name is chosen per document language; anything else is used as given."""
    return isinstance(codebook, str) and codebook in BUILTIN


def language_map(langs: pd.DataFrame) -> dict[str, str]:
    """doc_id -> language code ("" when unknown) from a document_languages table."""
    codes = langs["language"].fillna("").astype("str").str.lower().str.split(r"[-_]", regex=True).str[0]
    return dict(zip(langs["doc_id"].astype("str"), codes.fillna(""), strict=True))


#: Characters of a document's text its language is detected from when the input is
#: a table or texts (enough for a sure guess; a Corpus uses document_languages' default).
LANGUAGE_CHARS = 500


class Languages:
    """Per unit, which translation of a built-in codebook tags it; warns once per call
    about documents in a language the codebook has no translation for."""

    def __init__(self, base: Codebook, doc_langs: dict[str, str] | None):
        self.base = base
        self.doc_langs = doc_langs
        self.books = {base.language: base}
        for code in codebook_languages(base.name)[1:]:
            self.books[code] = load_codebook(base.name, language=code)
        self.warned: set[str] = set()

    def of(self, units: pd.DataFrame) -> np.ndarray:
        doc_langs = self.doc_langs
        if doc_langs is None:
            doc_langs = language_map(document_languages(units, max_chars=LANGUAGE_CHARS))
        langs = units["doc_id"].map(doc_langs).fillna("").to_numpy(dtype=object)
        missing = sorted(set(langs) - set(self.books) - self.warned - {""})
        if missing:
            self.warned.update(missing)
            n_docs = pd.Series(units["doc_id"].to_numpy(dtype=object)[np.isin(langs, missing)]).nunique()
            warnings.warn(
                f"codebook {self.base.name!r} ships in {', '.join(self.books)}, but {n_docs} "
                f"document(s) are in another language ({', '.join(missing)}); they are tagged with "
                f"the {self.base.language!r} codebook, whose cue words will not match them, so their "
                "frames read as absent. Use a codebook in their language, or tag those documents "
                "separately (docs.language says which they are).",
                LanguageMismatchWarning, stacklevel=4)
        return langs

    def book(self, language: str) -> Codebook:
        return self.books.get(language, self.base)

    def language_of(self, language: str) -> str:
        """The language of the codebook that tags a document in ``language``."""
        return self.book(language).language


def tag_by_language(batch: pd.DataFrame, langs: np.ndarray, languages: Languages, level: str,
                    ctx, tag_batch):
    """Tag each unit with the codebook of its language (``tag_batch(units, codebook, level, ctx)``
    tags one language's units), as one result in the batch's order."""
    books = np.array([languages.book(lang).language for lang in langs], dtype=object)
    parts = []
    for code in dict.fromkeys(books):
        book = languages.books[code]
        parts.append(tag_batch(batch[books == code], book, level, ctx))
    variants = tuple(p.codebook for p in parts if p.codebook is not languages.base)
    units_lang = str_array(langs)
    if len(parts) == 1:
        return dataclasses.replace(parts[0], codebook=languages.base, variants=variants,
                                   units=parts[0].units.assign(language=units_lang))
    # back into the batch's unit order (each part is in that order already)
    pos = pd.Series(np.arange(len(batch)), index=batch["unit_id"].to_numpy(dtype=object))

    def in_order(table: pd.DataFrame) -> pd.DataFrame:
        at = pos.reindex(table["unit_id"].to_numpy(dtype=object)).to_numpy()
        return table.iloc[np.argsort(at, kind="stable")].reset_index(drop=True)

    tables = {name: in_order(pd.concat([getattr(p, name) for p in parts], ignore_index=True))
              for name in ("tags", "evidence", "stance", "units", "stance_evidence")}
    tables["units"] = tables["units"].assign(language=units_lang)
    return dataclasses.replace(parts[0], **tables, codebook=languages.base, variants=variants)
