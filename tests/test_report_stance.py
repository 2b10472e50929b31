"""The report names the stance model behind its numbers and quotes where it was validated."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
import threads
from analysis import report
from threads.errors import ThreadframeError

SECURITY = "The police say the cameras keep the city safe from crime and terrorism."
RIGHTS = "Activists say mass surveillance violates the privacy and civil liberties of citizens."
CARD = {"name": "toy-stance", "data": "six invented sentences", "licence": "CC0", "languages": ["en"],
        "scores": [{"setting": "a held-out toy split", "metric": "macro-F1", "value": 0.75,
                    "baseline": "majority", "baseline_value": 0.25, "n": 40}]}


def _corpus() -> threads.Corpus:
    rows = []
    for outlet, text in (("A", SECURITY), ("B", RIGHTS)):
        for k in (1, 2):
            doc = f"{outlet}{k}"
            rows += [dict(doc_id=doc, unit_id=f"{doc}-b{i}", parent_id=None, role="body", text=text)
                     for i in range(3)]
            rows += [dict(doc_id=doc, unit_id=f"{doc}-c1", parent_id=None, role="comment", text=RIGHTS),
                     dict(doc_id=doc, unit_id=f"{doc}-c2", parent_id=f"{doc}-c1", role="comment",
                          text="is that true? source?")]
    corpus = threads.Corpus.from_pandas(pd.DataFrame(rows), unit_id="unit_id", parent_id="parent_id", role="role")
    return corpus.with_docs(corpus.docs.assign(outlet=corpus.docs["doc_id"].str[0]))


def _stance_model():
    texts = pd.DataFrame({"text": ["Cameras keep the city safe.", "Police cameras fight crime and terrorism.",
                                   "Surveillance violates privacy.", "Civil liberties of citizens are violated.",
                                   "The council met on Tuesday.", "The minutes were published."]})
    return analysis.StanceClassifier(min_df=1, calibration_cv=2).fit(
        texts.assign(target="state surveillance technology and its export"),
        ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"])


def _run(tmp_path, **kw):
    return report(_corpus(), tmp_path, progress=False, formats=("png",), dpi=30, n_boot=50, **kw)


def test_dictionary_stance_is_named_as_unvalidated_and_shared_by_outlet(tmp_path):
    res = _run(tmp_path)
    text = res.report.read_text()
    assert "Stance comes from the dictionary stance of the `surveillance` codebook" in text
    assert "not a validated measure" in text
    shares = res.tables["stance_by_outlet"]
    assert set(shares["category"]) >= {"critical", "supportive", "net"}
    assert res.tables["comment_stance_by_outlet"]["category"].eq("net").sum() == 2
    net = shares[shares["category"] == "net"].set_index("outlet")["share"]
    for outlet, value in net.items():  # every number in the text is read from the table
        assert f"**{outlet}**: {value:+.2f}" in text


def test_a_trained_model_is_named_with_its_card_scores(tmp_path):
    model = _stance_model()
    model.card_ = CARD
    res = _run(tmp_path, stance_model=model)
    text = res.report.read_text()
    assert "Stance comes from `toy-stance` (StanceClassifier), trained on six invented sentences (en)" in text
    assert "macro-F1 0.750 on a held-out toy split, n = 40 (majority: 0.250)" in text
    assert "Licence: CC0." in text
    assert set(res.tables["stance"]["source"]) == {"toy-stance"}
    assert set(res.tables["stance"]["stance"]) <= {"supportive", "critical", "neutral"}


def test_a_model_without_a_card_says_it_carries_no_scores(tmp_path):
    text = _run(tmp_path, stance_model=_stance_model()).report.read_text()
    assert "carries no validation scores" in text


def test_a_model_card_in_other_languages_warns(tmp_path):
    model = _stance_model()
    model.card_ = {**CARD, "languages": ["de", "fr"]}
    text = _run(tmp_path, stance_model=model).report.read_text()
    assert "**Warning:** this corpus has text in en" in text


def test_reply_stance_model_reads_the_comment_sections_only(tmp_path):
    train = pd.DataFrame({"text": ["is that true? source?", "really?", "fake news", "not true, a hoax",
                                   "yes, confirmed", "true, it was reported", "nice", "lol"] * 3,
                          "parent_text": SECURITY, "source_text": SECURITY})
    model = analysis.ReplyStanceClassifier(min_df=1).fit(
        train, ["query", "query", "deny", "deny", "support", "support", "comment", "comment"] * 3)
    res = _run(tmp_path, stance_model=model)
    assert "stance_by_outlet" not in res.tables
    shares = res.tables["comment_stance_by_outlet"]
    assert shares.attrs["net"] == "support - deny"
    assert "Net stance in the comment sections (support - deny" in res.report.read_text()


def test_not_a_stance_model_is_refused(tmp_path):
    with pytest.raises(ThreadframeError, match="stance_model must be"):
        _run(tmp_path, stance_model=object())
    with pytest.raises(ThreadframeError, match="not fitted"):
        _run(tmp_path, stance_model=analysis.StanceClassifier())


def test_cli_report_with_a_shipped_stance_model_quotes_its_card(tmp_path):
    from analysis.cli import main

    _corpus().save(tmp_path / "corpus")
    code = main(["report", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--stance-model",
                 "rumoureval-replies", "--formats", "png", "--dpi", "30", "--no-progress"])
    assert code == 0
    text = (tmp_path / "out" / "report.md").read_text()
    card = analysis.load_pretrained("rumoureval-replies").card_
    assert "Stance comes from `rumoureval-replies` (ReplyStanceClassifier)" in text
    assert f"macro-F1 {card['scores'][0]['value']:.3f} on RumourEval 2019 dev" in text
    assert "Net stance in the comment sections (support - deny" in text
