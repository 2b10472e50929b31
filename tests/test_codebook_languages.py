"""Codebooks in German and French: the same scheme as the English one, in the documents' language."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
import analysis.tagging.tagger
import threads
from analysis.exceptions import LanguageMismatchWarning
from analysis.tagging.codebook import BUILTIN, CodebookError, codebook_path

VARIANTS = [(name, lang) for name in BUILTIN for lang in ("de", "fr")]


@pytest.mark.parametrize(("name", "language"), VARIANTS)
def test_variant_has_the_scheme_of_the_base(name, language):
    base = analysis.load_codebook(name)
    path = codebook_path(name).with_name(f"{name}.{language}.yaml")
    variant = analysis.load_codebook(path)
    assert variant.name == base.name and variant.version == base.version
    assert variant.language == language and base.language == "en"
    assert variant.categories == base.categories
    for b, v in zip(base, variant, strict=True):
        assert (v.code, v.rules, v.threshold) == (b.code, b.rules, b.threshold), v.name
        assert bool(v.cues) == bool(b.cues), v.name  # hand-coded-only stays hand-coded-only
        assert v.definition and v.definition != b.definition, f"{v.name}: not translated"
    assert (base.stance is None) == (variant.stance is None)
    if base.stance is not None:
        assert variant.stance.threshold == base.stance.threshold
        assert variant.stance.critical and variant.stance.supportive
    # the file says what it is: a translation to be checked by native speakers
    assert "awaiting validation" in path.read_text(encoding="utf-8").lower()


# ---------------------------------------------------------------------- choosing by language
GERMAN = ("Die Massenüberwachung der Uiguren verletzt die Menschenrechte. Überwachungskameras an "
          "jeder Straße, und Peking exportiert das Modell entlang der Neuen Seidenstraße: "
          "der große Bruder sieht dich. Die Polizei fahndet nach Verdächtigen.")
FRENCH = ("La reconnaissance faciale menace la vie privée et les droits de l'homme ; les chefs d'État "
          "africains achètent des caméras chinoises. Les policiers arrêtent les suspects, au nom de "
          "la sûreté de l’État.")
ENGLISH = "Facial recognition cameras track Uighurs in Xinjiang, and human rights groups protest."


def _units():
    return pd.DataFrame({"unit_id": ["de1", "fr1", "en1"], "doc_id": ["d", "f", "e"],
                         "text": [GERMAN, FRENCH, ENGLISH]})


def test_load_codebook_picks_the_translation():
    assert analysis.load_codebook("surveillance", language="de").language == "de"
    assert analysis.load_codebook("surveillance", language="fr-CA").language == "fr"
    assert analysis.load_codebook("policy-frames", language="DE")["security_defense"].code == 8
    assert analysis.load_codebook("surveillance", language="en").language == "en"


def test_no_translation_gives_the_english_codebook_with_a_warning():
    with pytest.warns(LanguageMismatchWarning, match=r"in 'en', not 'es'; it ships in en, de, fr"):
        book = analysis.load_codebook("surveillance", language="es")
    assert book.language == "en"


def test_a_users_codebook_is_used_as_given(fixtures):
    with pytest.warns(LanguageMismatchWarning, match="not 'de'"):
        book = analysis.load_codebook(fixtures / "tagging" / "good.yaml", language="de")
    assert book.name == "classroom"
    with pytest.raises(CodebookError, match="ISO 639-1"):
        analysis.load_codebook("surveillance", language="German!")
    # tagging with a Codebook, even the English built-in one, does not switch language
    r = analysis.tag(_units(), analysis.load_codebook("surveillance"))
    assert set(r.tags["source"]) == {"codebook:surveillance"} and "language" not in r.units


def test_each_document_is_tagged_in_its_language_with_exact_spans():
    r = analysis.tag(_units(), "surveillance")
    assert list(pd.unique(r.tags["unit_id"])) == ["de1", "fr1", "en1"]  # input order kept
    assert r.units.set_index("unit_id")["language"].to_dict()["de1"] == "de"
    assert r.units.set_index("unit_id")["language"].to_dict()["fr1"] == "fr"
    source = r.tags.groupby("unit_id")["source"].first().to_dict()
    assert source == {"de1": "codebook:surveillance@de", "fr1": "codebook:surveillance@fr",
                      "en1": "codebook:surveillance"}
    assert {v.language for v in r.variants} == {"de", "fr"} and r.codebook.language == "en"
    wide = r.wide()
    assert wide.loc["de1", ["security", "rights", "geopolitics", "technology"]].all()
    assert wide.loc["fr1", ["security", "rights", "geopolitics", "technology"]].all()
    text = dict(zip(r.units["unit_id"], r.units["text"], strict=True))
    ev = r.evidence
    for uid, start, end, matched in zip(ev["unit_id"], ev["start"], ev["end"], ev["matched"], strict=True):
        assert text[uid][start:end] == matched
    found = set(zip(ev["unit_id"], ev["matched"], strict=True))
    for uid, matched in [("de1", "Uiguren"), ("de1", "Menschenrechte"), ("de1", "Überwachungskameras"),
                         ("de1", "Neuen Seidenstraße"), ("de1", "große Bruder"), ("de1", "Verdächtigen"),
                         ("fr1", "vie privée"), ("fr1", "droits de l'homme"), ("fr1", "chefs d'État"),
                         ("fr1", "caméras"), ("fr1", "sûreté de l’État")]:
        assert (uid, matched) in found, matched


def test_explain_and_show_use_the_units_translation():
    r = analysis.tag(_units(), "surveillance")
    assert r.codebook_of("de1").language == "de" and r.codebook_of("en1").language == "en"
    ex = r.explain("de1", "rights")
    assert ex.present and "menschenrecht*" in set(ex.matches["cue"])
    assert analysis.explain(GERMAN, "rights", "surveillance", language="de").score == ex.score
    shown = str(r.show("fr1"))
    assert "vie privée" in shown and "droits de l'homme" in shown


def test_a_mixed_batch_equals_tagging_each_language_alone():
    r = analysis.tag(_units(), "surveillance")
    for uid, lang in [("de1", "de"), ("fr1", "fr")]:
        alone = analysis.tag(_units().query("unit_id == @uid"), analysis.load_codebook("surveillance", language=lang))
        got = r.tags[r.tags["unit_id"] == uid].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone.tags)


def test_english_results_do_not_change():
    texts = [ENGLISH, "The NSA spies on everyone and sells the data to corporations.", "ok"]
    by_name = analysis.tag(texts, "surveillance")
    given = analysis.tag(texts, analysis.load_codebook("surveillance"))
    for name in ("tags", "evidence", "stance", "stance_evidence"):
        pd.testing.assert_frame_equal(getattr(by_name, name), getattr(given, name))


def test_a_corpus_and_tag_batches_choose_too():
    table = pd.DataFrame({"doc_id": ["d", "f"], "comment_id": ["1", "2"], "text": [GERMAN, FRENCH]})
    corpus = threads.Corpus.from_pandas(table)
    r = analysis.tag(corpus, "surveillance")
    assert set(r.tags["source"]) == {"codebook:surveillance@de", "codebook:surveillance@fr"}
    parts = list(analysis.tagging.tagger.tag_batches(corpus, "surveillance", batch_size=1))
    assert [set(p.tags["source"]) for p in parts] == [{"codebook:surveillance@de"},
                                                       {"codebook:surveillance@fr"}]
