"""The tagger: cue matching edge cases, evidence spans, tables, the sample corpus, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
import threads
from analysis.cli import main as cli_main
from analysis.tagging.inputs import TaggingError


@pytest.fixture(scope="module")
def book(fixtures):
    return analysis.load_codebook(fixtures / "tagging" / "good.yaml")


def _ev(result, category=None):
    ev = result.evidence
    return ev if category is None else ev[ev["category"] == category]


def test_multiword_cue_across_punctuation_and_line_breaks():
    texts = ["Big Brother is here.", "big\nbrother", "big -- brother!", "big, (brother)", "bigbrother",
             "big brothers"]
    r = analysis.tag(texts, analysis.load_codebook("surveillance"))
    ev = r.stance_evidence
    matched = {int(u): m for u, m in zip(ev["unit_id"], ev["matched"], strict=True) if "brother" in m.lower()}
    assert matched == {0: "Big Brother", 1: "big\nbrother", 2: "big -- brother", 3: "big, (brother"}


def test_wildcards_case_and_word_boundaries(book):
    r = analysis.tag(["Surveillance and SURVEILLED people.", "They resurveil nothing; privacy-minded.",
                      "Watching the US and us."], book)
    ev = _ev(r)
    got = list(zip(ev["unit_id"], ev["matched"], strict=True))
    assert ("0", "Surveillance") in got and ("0", "SURVEILLED") in got
    assert not any(m == "resurveil" for _, m in got)  # wildcard matches at a word start only
    assert ("1", "privacy") in got
    assert ("2", "Watching") in got
    us = ev[ev["cue"] == "US"]
    assert us["matched"].tolist() == ["US"]  # the case-sensitive cue ignores the pronoun


def test_not_near_exclusion_and_window(book):
    r = analysis.tag(["Meet at the watch party tonight.", "I watch you; the party was later on that day."],
                     book)
    ev = _ev(r, "privacy")
    assert "0" not in set(ev["unit_id"])  # "watch party" cancels the cue
    assert "1" in set(ev["unit_id"])  # "party" is 3 words away, beyond window 2
    ex = analysis.explain("Meet at the watch party tonight.", "privacy", book)
    assert not ex.present and ex.excluded["not_near"].tolist() == ["watch party"]
    assert "watch party" in str(ex)


def test_overlapping_cues_count_once_per_category():
    r = analysis.tag(["facial recognition system"], "surveillance")
    tech = _ev(r, "technology")
    assert tech["matched"].tolist() == ["facial recognition", "system"]
    # the same span can still be evidence for another group (stance here)
    r2 = analysis.tag(["human rights abuses"], "surveillance")
    assert _ev(r2, "rights")["matched"].tolist() == ["human rights", "abuses"]
    assert r2.stance_evidence["matched"].tolist() == ["human rights abuses"]


def test_thresholds_and_weights(book):
    r = analysis.tag(["It is safe.", "Safety first.", "safe and safe"], book)
    w = r.wide()
    assert w["safety"].tolist() == [False, True, True]
    assert r.wide("score")["safety"].tolist() == [1.0, 2.0, 2.0]


def test_evidence_spans_point_at_the_unit_text_with_unicode():
    texts = ["İstanbul: “China’s” police-state — with cameras\n\nand facial   recognition.",
             "Ünïcödé first, then privacy and DNA."]
    r = analysis.tag(texts, "surveillance")
    assert len(r.evidence) >= 4
    for row in r.evidence.itertuples():
        assert texts[int(row.unit_id)][row.start:row.end] == row.matched
    assert "facial   recognition" in r.evidence["matched"].tolist()


def test_table_shapes_follow_the_contract():
    units = pd.DataFrame({"unit_id": ["a", "b", "c"], "doc_id": ["d1", "d1", "d2"],
                          "role": ["body", "comment", "meta"],
                          "text": ["Police cameras everywhere.", "Privacy matters!", "Police"]})
    before = units.copy()
    r = analysis.tag(units)
    pd.testing.assert_frame_equal(units, before)  # input untouched
    cats = analysis.load_codebook().categories
    assert list(r.tags.columns[:6]) == ["unit_id", "doc_id", "category", "score", "present", "n_cues"]
    assert len(r.tags) == 2 * len(cats)  # meta is not a content role; zeros included
    assert list(r.evidence.columns) == ["unit_id", "doc_id", "category", "cue", "start", "end",
                                        "matched", "weight"]
    assert list(r.stance.columns[:4]) == ["unit_id", "doc_id", "stance", "score"]
    assert set(r.stance["stance"]) <= {"critical", "supportive", "neutral"}
    assert r.tags["unit_id"].dtype == "str" and r.tags["present"].dtype == bool
    wide = r.wide()
    assert list(wide.columns) == list(cats) and list(wide.index) == ["a", "b"]
    assert wide.loc["a", "security"] and wide.loc["b", "rights"]
    assert r.tags["source"].unique().tolist() == ["codebook:surveillance"]


def test_sentence_level_and_batches_give_the_same_evidence():
    text = "Police trained abroad. Dr. Wang praised the cameras!\nPrivacy is gone."
    r = analysis.tag([text], level="sentence")
    assert r.stance["sentence"].tolist() == [0, 1, 2]
    ev = r.evidence.set_index("matched")
    assert ev.loc["cameras", "sentence"] == 1 and ev.loc["Privacy", "sentence"] == 2
    assert text[ev.loc["Privacy", "start"]:ev.loc["Privacy", "end"]] == "Privacy"
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(25)],
                          "text": [text, "Huawei sells cameras abroad."] * 12 + ["nothing"]})
    whole = analysis.tag(units)
    parts = list(analysis.tag_batches(units, batch_size=4))
    assert len(parts) == 7
    pd.testing.assert_frame_equal(whole.evidence, pd.concat([p.evidence for p in parts], ignore_index=True))
    chunked = analysis.tag(iter([units.iloc[:10], units.iloc[10:]]))
    pd.testing.assert_frame_equal(whole.tags, chunked.tags)


def test_bad_input_raises_threadframe_errors():
    with pytest.raises(TaggingError, match="level must be"):
        analysis.tag(["x"], level="paragraph")
    with pytest.raises(TaggingError, match="'text' column"):
        analysis.tag(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(TaggingError, match="unique"):
        analysis.tag(pd.DataFrame({"unit_id": ["a", "a"], "text": ["x", "y"]}))
    with pytest.raises(TaggingError, match="batch_size"):
        analysis.tag(["x"], batch_size=0)
    empty = analysis.tag([])
    assert len(empty.tags) == 0 and list(empty.evidence.columns)[0] == "unit_id"


def test_show_and_explain_render_html_and_text():
    r = analysis.tag(pd.DataFrame({"unit_id": ["u1"], "text": ["Facial recognition <b>cameras</b> & privacy"]}))
    view = r.show("u1")
    html = view._repr_html_()
    assert "<mark" in html and "&lt;b&gt;" in html and "technology" in html
    assert "[0:18] technology: 'Facial recognition'" in str(view)
    ex = r.explain("u1", "economy")
    assert not ex.present and "no cue of this category matched" in str(ex)
    assert "score 2 vs threshold 1" in str(analysis.explain("cameras and CCTV", "technology"))
    assert "<table" in r._repr_html_()
    with pytest.raises(TaggingError):
        r.show("nope")


def test_cue_features_for_scikit_learn():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X = analysis.cue_counts(["privacy privacy cameras", "nothing here"])
    assert X.shape == (2, 6) and X.toarray()[0].tolist()[:5] == [0, 2, 0, 0, 1]
    feats = analysis.CueFeatures(granularity="cue", rules=True)
    M = feats.fit_transform(["privacy and cameras", "The US does the same"])
    names = list(feats.get_feature_names_out())
    assert M.shape == (2, len(names)) and "cue_rights:privacy" in names and "wa_comparison" in names
    assert M[1, names.index("wa_comparison")] == 1
    pipe = make_pipeline(analysis.CueFeatures(), LogisticRegression())
    pipe.fit(["privacy abuses", "crime police", "privacy rights", "terror threat"], [1, 0, 1, 0])
    assert pipe.predict(["privacy again"]).tolist() == [1]


def test_sample_corpus_tags_and_document_stance():
    corpus = threads.sample_corpus()
    r = analysis.tag(corpus)
    units = r.units.set_index("unit_id")
    wide = r.wide()
    afp_doc = corpus.docs.loc[corpus.docs["outlet"] == "AFP", "doc_id"].item()
    afp = wide.loc[units.index[units["doc_id"] == afp_doc]]
    assert not afp["whataboutism"].any()  # the AFP report's paragraphs are not whataboutism
    assert afp["technology"].sum() >= 5 and afp["geopolitics"].sum() >= 5
    text = units["text"]
    turn = text[text.str.contains("But never a mention of those here")].index
    assert len(turn) == 1 and wide.loc[turn[0], "whataboutism"]
    assert set(units["role"]) <= {"title", "body", "comment"}
    for row in r.evidence.itertuples():
        assert units.loc[row.unit_id, "text"][row.start:row.end] == row.matched
    ds = analysis.document_stance(r)
    assert set(ds["doc_id"]) == set(corpus.docs["doc_id"])
    assert (ds["n_units"] == ds[["n_critical", "n_supportive", "n_neutral"]].sum(axis=1)).all()


def test_cli_tag_writes_parquet_tables(tmp_path, capsys):
    corpus_dir = threads.sample_corpus().save(tmp_path / "corpus")
    out = tmp_path / "tags"
    assert cli_main(["tag", str(corpus_dir), "--out", str(out), "--batch-size", "40", "--no-progress"]) == 0
    tags = pd.read_parquet(out / "tags.parquet")
    ev = pd.read_parquet(out / "evidence.parquet")
    st = pd.read_parquet(out / "stance.parquet")
    direct = analysis.tag(threads.read_corpus(corpus_dir))
    assert len(tags) == len(direct.tags) and len(ev) == len(direct.evidence) and len(st) == len(direct.stance)
    assert "tagged" in capsys.readouterr().out
    assert cli_main(["tag", str(corpus_dir), "--out", str(out), "--codebook", "nope"]) == 2
    assert "unknown codebook 'nope'" in capsys.readouterr().err


def test_generators_of_texts_and_lists_of_tables():
    from_gen = analysis.tag(t for t in ["privacy matters", "cameras"])
    assert from_gen.wide().index.tolist() == ["0", "1"]
    tables = [pd.DataFrame({"unit_id": ["a"], "text": ["privacy"]}),
              pd.DataFrame({"unit_id": ["b"], "text": ["cameras"]})]
    w = analysis.tag(tables).wide()
    assert w.index.tolist() == ["a", "b"] and w.loc["a", "rights"] and w.loc["b", "technology"]


def test_evidence_spans_property_random_unicode_text():
    """Whatever the text (accents, curly quotes, emoji, İ, line breaks), every
    evidence span cuts out exactly the matched text, and it holds the cue's words."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = ["privacy", "Human", "rights", "facial", "recognition", "camera", "cameras", "Huawei",
              "surveillance", "big", "brother", "é", "İ", "’", "“", "—", "😀", "\n", " ", ", ", "-",
              "naïve", "ß", "US", "us", "social", "security", "the", "x"]
    book = analysis.load_codebook("surveillance")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.lists(st.sampled_from(pieces), max_size=25).map("".join), min_size=1, max_size=6))
    def check(texts):
        r = analysis.tag(texts, book)
        for table in (r.evidence, r.stance_evidence):
            for row in table.itertuples():
                if row.cue.startswith("rule:"):
                    continue
                text = texts[int(row.unit_id)]
                assert text[row.start:row.end] == row.matched
                words = [w.rstrip("*") for w in re.findall(r"\w+\*?", row.cue.lower())]
                found = re.findall(r"\w+", row.matched.lower())
                assert len(found) >= len(words) and all(f.startswith(w) for f, w in zip(found, words, strict=False))

    check()


def test_roles_are_checked_and_an_empty_selection_warns():
    units = pd.DataFrame({"unit_id": ["a"], "role": ["meta"], "text": ["privacy"]})
    with pytest.raises(TaggingError, match="unknown role"):
        analysis.tag(units, roles=["comments"])
    with pytest.warns(threads.ThreadframeWarning, match="nothing was tagged"):
        assert len(analysis.tag(units).tags) == 0
    assert analysis.tag(units, roles=None).wide().loc["a", "rights"]
