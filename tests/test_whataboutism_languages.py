"""The whataboutism lexicons are YAML, one file per language, chosen like the codebook."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis.tagging import whataboutism as wa
from analysis.tagging.layers import get_rule_layer


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_each_lexicon_loads_with_the_english_actors_and_rules(language):
    lex = wa.lexicon(language)
    assert lex.language == language and lex.source.endswith(f"whataboutism.{language}.yaml")
    assert set(lex.actors) <= set(wa.lexicon("en").actors)
    assert set(lex.rules) == {"comparison", "selective_outrage", "selective_attention",
                              "counter_accusation", "what_about"}
    assert all(lex.rules.values()) and lex.wrongs
    assert wa.lexicon(language) is lex  # read once


def test_a_language_without_a_lexicon_gets_the_english_one():
    assert wa.lexicon_language("es") == "en" and wa.lexicon_language("de-CH") == "de"
    assert wa.lexicon("es") is wa.lexicon("en")
    assert get_rule_layer("whataboutism", "fr").language == "fr"
    assert get_rule_layer("whataboutism", "es").language == "en"


def test_a_broken_lexicon_names_the_file_and_the_problem():
    en = wa.lexicon("en")
    good = {"language": "xx", "actors": {"China": ["china"]}, "wrongs": ["spy"],
            "rules": {"comparison": ["the same"]}}
    assert wa._check_lexicon(good, "mine.yaml", "xx", set(en.actors)).actors == {"China": ("china",)}
    for bad, message in [
        ({**good, "actors": {"Atlantis": ["atlantis"]}}, "unknown actor"),
        ({**good, "rules": {"compare": ["x"]}}, "unknown: compare"),
        ({**good, "wrongs": ["(spy|kill)"]}, "is not a cue"),
        ({**good, "colour": 1}, "unknown key"),
    ]:
        with pytest.raises(wa.LexiconError, match=f"mine.yaml: .*{message}"):
            wa._check_lexicon(bad, "mine.yaml", "xx", set(en.actors))


@pytest.mark.parametrize(("language", "text", "rules"), [
    ("de", "Und was ist mit den USA? Die NSA überwacht doch die ganze Welt, genau das Gleiche.",
     {"comparison", "what_about", "actor_switch"}),
    ("de", "Wo war die Empörung, als Obama Drohnenangriffe befohlen hat?", {"selective_outrage"}),
    ("fr", "Et qu'en est-il des États-Unis ? La NSA espionne le monde entier, c'est la même chose.",
     {"comparison", "what_about", "actor_switch"}),
    ("fr", "Où était l’indignation quand Obama bombardait ?", {"selective_outrage", "actor_switch"}),
])
def test_german_and_french_deflections_fire(language, text, rules):
    hits = wa.rule_hits(text, ("China",), language=language)
    assert rules <= {h.rule for h in hits}
    assert wa.is_whataboutism(text, ("China",), language=language)
    # the English lexicon sees less of it (names such as Obama are the same in every language)
    assert wa.score(hits) > wa.score(wa.rule_hits(text, ("China",)))
    for h in hits:
        assert text[h.start:h.end] == h.matched


def test_plain_criticism_is_not_whataboutism_in_any_language():
    for language, text in [("de", "Die Überwachung der Uiguren durch China ist ein Verbrechen."),
                           ("fr", "La Chine surveille les Ouïghours au Xinjiang, c'est un crime.")]:
        assert wa.score(wa.rule_hits(text, ("China",), language=language)) < wa.THRESHOLD


def test_tag_uses_the_documents_lexicon_and_its_article_as_context():
    units = pd.DataFrame({
        "unit_id": ["t", "c", "t2", "c2"], "doc_id": ["d", "d", "f", "f"],
        "role": ["title", "comment", "title", "comment"],
        "text": ["China überwacht die Uiguren in Xinjiang mit Kameras und Gesichtserkennung",
                 "Die USA spionieren doch auch alle aus, die NSA liest jede Mail mit.",
                 "La Chine surveille les Ouïghours au Xinjiang avec des caméras partout",
                 "Les États-Unis espionnent aussi tout le monde, la NSA lit tous les courriels."]})
    r = analysis.tag(units, "surveillance")
    wide = r.wide()
    assert wide.loc["c", "whataboutism"] and wide.loc["c2", "whataboutism"]
    assert r.units.set_index("unit_id").loc["c", "context"] == "China"
    ev = r.evidence[r.evidence["category"] == "whataboutism"]
    text = dict(zip(units["unit_id"], units["text"], strict=True))
    assert set(ev["cue"]) >= {"rule:actor_switch", "rule:comparison"}
    for uid, s, e, m in zip(ev["unit_id"], ev["start"], ev["end"], ev["matched"], strict=True):
        assert text[uid][s:e] == m
    assert r.explain("c2", "whataboutism").present


def test_rule_features_take_a_language():
    text = ["Und was ist mit den USA? Die NSA macht genau das Gleiche."]
    de = wa.rule_features(text, [("China",)], language="de")
    en = wa.rule_features(text, [("China",)])
    assert de.loc[0, "wa_score"] >= wa.THRESHOLD > en.loc[0, "wa_score"]
