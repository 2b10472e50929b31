"""Document languages are detected offline; a codebook in another language warns."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import threads
from analysis import tag
from analysis.compare.terms import tokenize
from analysis.exceptions import LanguageMismatchWarning
from analysis.languages import (
    check_codebook_language,
    detect_language,
    document_languages,
    stopwords,
)
from analysis.tagging.codebook import load_codebook
from threads.errors import ThreadframeError

GERMAN = ("Die Bundesregierung will die Vorratsdatenspeicherung wieder einführen. Kritiker sehen "
          "darin einen Eingriff in die Grundrechte aller Bürgerinnen und Bürger.")
FRENCH = ("Le gouvernement veut étendre la surveillance des communications. Les associations de "
          "défense des libertés dénoncent une atteinte à la vie privée des citoyens.")
ENGLISH = ("The government wants to extend the surveillance of communications. Civil liberties "
           "groups say it violates the privacy of every citizen.")


def _corpus(rows, language=None):
    table = pd.DataFrame(rows, columns=["doc_id", "comment_id", "text"])
    corpus = threads.Corpus.from_pandas(table)
    if language is not None:
        docs = corpus.docs.assign(language=language)
        corpus = threads.Corpus(docs=docs, units=corpus.units)
    return corpus


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (FRENCH, "fr"), (ENGLISH, "en")])
def test_detects_de_fr_en(text, code):
    assert detect_language(text) == code


def test_short_or_empty_text_is_unknown_not_guessed():
    assert detect_language("ok") is None
    assert detect_language("") is None
    assert detect_language(None) is None


def test_a_csv_corpus_without_language_gets_it_detected():
    corpus = _corpus([("a", "1", GERMAN), ("a", "2", GERMAN), ("b", "3", ENGLISH)])
    langs = document_languages(corpus).set_index("doc_id")
    assert langs.loc["a", "language"] == "de" and langs.loc["a", "source"] == "detected"
    assert langs.loc["b", "language"] == "en"


def test_stated_language_wins():
    corpus = _corpus([("a", "1", GERMAN)], language="fr")
    langs = document_languages(corpus)
    assert langs["language"].tolist() == ["fr"] and langs["source"].tolist() == ["stated"]


def test_german_pages_come_out_de(shared_data):
    folder = shared_data / "threads" / "news-comments"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read(folder / "cicero.de.pandemie.html")
    stripped = threads.Corpus(docs=corpus.docs.assign(language=pd.NA), units=corpus.units)
    assert document_languages(stripped)["language"].tolist() == ["de"]
    assert document_languages(corpus)["language"].tolist() == ["de"]


def test_english_codebook_on_german_documents_warns_once_with_counts():
    # a Codebook is used as given (by name, German documents get the German codebook)
    corpus = _corpus([("a", "1", GERMAN), ("b", "2", GERMAN), ("c", "3", ENGLISH)])
    with pytest.warns(LanguageMismatchWarning, match=r"2 of 3 documents .*de: 2") as record:
        tag(corpus, load_codebook("surveillance"))
    assert sum(issubclass(w.category, LanguageMismatchWarning) for w in record) == 1


SPANISH = ("El gobierno quiere ampliar la vigilancia de las comunicaciones. Las asociaciones de "
           "defensa de las libertades denuncian un ataque a la vida privada de los ciudadanos.")


def test_a_language_without_a_translation_warns_once_and_gets_english():
    corpus = _corpus([("a", "1", SPANISH), ("b", "2", SPANISH), ("c", "3", GERMAN)])
    with pytest.warns(LanguageMismatchWarning, match=r"ships in en, de, fr, but 2 document.*\(es\)") as record:
        result = tag(corpus, "surveillance")
    assert sum(issubclass(w.category, LanguageMismatchWarning) for w in record) == 1
    source = result.tags.groupby("doc_id")["source"].first()
    assert source.to_dict() == {"a": "codebook:surveillance", "b": "codebook:surveillance",
                                "c": "codebook:surveillance@de"}


def test_no_warning_when_languages_match():
    corpus = _corpus([("c", "3", ENGLISH)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageMismatchWarning)
        langs = check_codebook_language(corpus, load_codebook("surveillance"))
    assert langs["language"].tolist() == ["en"]


def test_german_and_french_stop_words_ship_with_the_package():
    assert {"und", "der", "nicht"} <= stopwords("de")
    assert {"les", "et", "était"} <= stopwords("fr")
    assert "überwachung" not in stopwords("de")
    assert tokenize("Die Überwachung und der Staat", stopwords=stopwords("de")) == ["überwachung", "staat"]
    with pytest.raises(ThreadframeError, match="no stop-word list for language 'xx'"):
        stopwords("xx")


def test_distinctive_terms_drop_german_function_words_for_german_documents():
    from analysis.compare.terms import distinctive_terms

    corpus = _corpus([("a", "1", GERMAN), ("a", "2", GERMAN), ("b", "3", ENGLISH), ("b", "4", ENGLISH)])
    corpus = threads.Corpus(docs=corpus.docs.assign(outlet=["Zeitung", "Paper"]), units=corpus.units)
    terms = set(distinctive_terms(corpus, by="outlet")["term"])
    assert {"vorratsdatenspeicherung", "grundrechte"} <= terms
    assert not {"die", "und", "aller", "the", "of"} & terms
    # Without a language (a bare table), English stop words only: German function words stay.
    table = corpus.units.merge(corpus.docs[["doc_id", "outlet"]], on="doc_id")
    assert "und" in set(distinctive_terms(table, by="outlet")["term"])


def test_clear_english_skips_the_model_but_nothing_else_does():
    from analysis.languages import _clearly_english

    assert _clearly_english(ENGLISH) and _clearly_english("They said that it was not going to "
                                                           "work, and they were right about it.")
    italian = ("Il governo vuole estendere la sorveglianza delle comunicazioni. I gruppi per le "
               "libertà civili dicono che viola la privacy di ogni cittadino.")
    for text in (GERMAN, FRENCH, SPANISH, italian, "the and for"):
        assert not _clearly_english(text)


def test_a_units_table_gets_languages_per_document():
    units = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": [GERMAN, "Genau!", FRENCH],
                          "language": [None, None, "fr"]})
    langs = document_languages(units).set_index("doc_id")
    assert langs.loc["a", "language"] == "de" and langs.loc["a", "source"] == "detected"
    assert langs.loc["b", "source"] == "stated"
