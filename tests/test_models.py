"""Supervised classifiers: FrAC (vendored) against a plain baseline, estimator
conventions, multi-label frames, parent context, tags, evaluation and sampling."""

from __future__ import annotations

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks

import analysis
from analysis.models.classifiers import ModelError


@pytest.fixture(scope="module")
def frac():
    return analysis.load_frac()


@pytest.fixture(scope="module")
def split(frac):
    train, test = train_test_split(frac, test_size=0.3, stratify=frac["frame"], random_state=0)
    return train.reset_index(drop=True), test.reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(split):
    train, _ = split
    return analysis.FrameClassifier(codebook="policy-frames").fit(train, train["frame"])


def test_frac_classifier_beats_plain_tfidf_lr(split, fitted):
    train, test = split
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
    baseline.fit(train["text"], train["frame"])
    base_f1 = f1_score(test["frame"], baseline.predict(test["text"]), average="macro")
    ours = f1_score(test["frame"], fitted.predict(test), average="macro")
    assert ours > base_f1 + 0.15, (ours, base_f1)
    assert ours > 0.55


def test_probabilities_are_calibrated_distributions(split, fitted):
    _, test = split
    proba = fitted.predict_proba(test["text"].tolist())
    assert proba.shape == (len(test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    # argmax of the probabilities is the prediction; raw texts and the table agree
    assert (fitted.classes_[proba.argmax(1)] == fitted.predict(test)).all()
    # Calibration: mean top probability is close to the accuracy (no wild overconfidence).
    accuracy = (fitted.predict(test) == test["frame"]).mean()
    assert abs(proba.max(1).mean() - accuracy) < 0.2


def test_cue_features_come_from_the_codebook(fitted):
    assert fitted.cue_categories_ == list(analysis.load_codebook("policy-frames").categories)


def test_estimator_conventions():
    model = analysis.FrameClassifier(C=0.5, codebook="policy-frames")
    twin = clone(model)
    # Deep params hold the pipeline's parts (estimators, equal only to themselves).
    assert twin.get_params(deep=False) == model.get_params(deep=False) and twin is not model
    assert twin.set_params(C=2.0).C == 2.0 and model.C == 0.5
    for check in (estimator_checks.check_no_attributes_set_in_init,
                  estimator_checks.check_parameters_default_constructible,
                  estimator_checks.check_get_params_invariance,
                  estimator_checks.check_set_params,
                  estimator_checks.check_estimator_repr):
        for est in (analysis.FrameClassifier(), analysis.WhataboutismClassifier()):
            check(type(est).__name__, est)


def test_fit_does_not_mutate_input_and_bad_inputs(frac):
    small = frac.head(60).copy()
    before = small.copy()
    analysis.FrameClassifier(calibrate=False, min_df=1).fit(small, small["frame"])
    pd.testing.assert_frame_equal(small, before)
    with pytest.raises(ModelError, match="no text column 'body'"):
        analysis.FrameClassifier(text_column="body").fit(small, small["frame"])
    with pytest.raises(ModelError, match="60 texts but 3 labels"):
        analysis.FrameClassifier().fit(small, ["a", "b", "c"])
    with pytest.raises(ModelError, match="single example"):
        analysis.FrameClassifier(min_df=1).fit(["a b", "c d", "e f"], ["x", "x", "y"])
    with pytest.raises(ModelError, match="0/1"):
        analysis.WhataboutismClassifier().fit(["a", "b"], ["yes", "no"])


def test_multilabel_frames(frac):
    data = frac.head(260)
    y = pd.DataFrame({"economic": data["frame"] == "economic",
                      "political": data["frame"] == "political_policies",
                      "security": data["frame"].isin(["security_defense", "health_safety"])})
    model = analysis.FrameClassifier(codebook="policy-frames", min_df=1).fit(data, y.astype(int))
    assert model.multilabel_ and list(model.classes_) == list(y.columns)
    pred = model.predict(data)
    assert pred.shape == (len(data), 3) and set(np.unique(pred)) <= {0, 1}
    # Trained data: each label is learned (well above chance).
    for j, col in enumerate(y.columns):
        assert f1_score(y[col].astype(int), pred[:, j]) > 0.6
    sets = [{f} for f in data["frame"]]
    from_sets = analysis.FrameClassifier(min_df=1, calibrate=False).fit(data, sets)
    assert from_sets.multilabel_ and len(from_sets.classes_) == data["frame"].nunique()
    tags = model.tag(data.head(5))
    assert len(tags) == 15 and tags["present"].dtype == bool


def test_tag_table_follows_the_contract(split, fitted):
    _, test = split
    units = test.head(7).assign(doc_id="d1")
    tags = fitted.tag(units)
    assert list(tags.columns) == ["unit_id", "doc_id", "category", "score", "present",
                                  "n_cues", "source"]
    assert len(tags) == 7 * 10
    assert (tags.groupby("unit_id")["present"].sum() == 1).all()
    assert set(tags["source"]) == {"model:frames"}
    assert set(tags["doc_id"]) == {"d1"}
    chosen = tags[tags["present"]].set_index("unit_id")["category"]
    assert (chosen.loc[units["unit_id"]].to_numpy() == fitted.predict(units)).all()


def test_tags_count_codebook_cues_for_shared_categories():
    texts = ["Police cameras and facial recognition in every street.", "Prices and sales rose."] * 6
    labels = ["technology", "economy"] * 6
    model = analysis.FrameClassifier(codebook="surveillance", min_df=1, calibrate=False)
    tags = model.fit(texts, labels).tag(texts[:2]).set_index(["unit_id", "category"])
    reference = analysis.tag(pd.DataFrame({"unit_id": ["u0", "u1"], "text": texts[:2]}),
                             codebook="surveillance").tags.set_index(["unit_id", "category"])
    for key in tags.index:
        assert tags.loc[key, "n_cues"] == reference.loc[key, "n_cues"]
    assert tags.loc[("u0", "technology"), "n_cues"] >= 2


def test_parent_unit_gives_context():
    # Replies whose label depends on what they answer: the parent decides.
    parents = ["The new tax will cost every family money.", "Police made arrests after the crime."]
    rows = []
    for i in range(40):
        p = i % 2
        rows.append({"unit_id": f"p{i}", "parent_id": None, "text": parents[p] + f" {i}",
                     "label": ["economy", "crime"][p]})
        rows.append({"unit_id": f"r{i}", "parent_id": f"p{i}", "text": "I agree with this.",
                     "label": ["economy", "crime"][p]})
    units = pd.DataFrame(rows)
    model = analysis.FrameClassifier(min_df=1, calibrate=False).fit(units, units["label"])
    assert model.use_context_
    replies = units[units["unit_id"].str.startswith("r")]
    assert (model.predict(units)[replies.index] == replies["label"]).all()
    no_context = analysis.FrameClassifier(min_df=1, calibrate=False, use_parent=False)
    no_context.fit(units, units["label"])
    assert len(set(no_context.predict(units)[replies.index])) == 1  # same text, same guess


def test_whataboutism_classifier_uses_rules_and_tags():
    texts = ["What about the US and its drones?", "And the NSA does the same thing, but no outrage",
             "Great reporting, thanks", "I like this video", "Where was the outrage when Britain did it?",
             "Nice weather today", "But China spies too, what about that", "Good point about taxes"] * 4
    labels = [1, 1, 0, 0, 1, 0, 1, 0] * 4
    model = analysis.WhataboutismClassifier(min_df=1).fit(texts, labels)
    assert model.rule_names_[-1] == "wa_score"
    assert list(model.predict(texts[:8])) == labels[:8]
    tags = model.tag(texts[:8])
    assert set(tags["category"]) == {"whataboutism"} and len(tags) == 8
    assert tags["present"].tolist() == [bool(v) for v in labels[:8]]
    # n_cues carries the rule layer's hits, the evidence beside the probability
    assert tags["n_cues"].iloc[0] >= 1 and tags["n_cues"].iloc[2] == 0
    assert set(tags["source"]) == {"model:whataboutism"}


def test_cross_validation_report_and_figure(frac):
    data = frac.head(200)
    model = analysis.FrameClassifier(calibrate=False, min_df=1, char_ngrams=(2, 4))
    counts = data["frame"].value_counts()
    data = data[data["frame"].isin(counts[counts >= 3].index)]
    report = analysis.cross_validate_model(model, data[["unit_id", "text"]], data["frame"],
                                           cv=3, groups=data["type"])
    table = report.table
    assert {"all", "article", "comment"} <= set(table["group"])
    assert {"macro avg", "micro avg"} <= set(table["category"])
    assert 0 < report.macro_f1 < 1 and 0 < report.micro_f1 < 1
    assert report.confusion["n"].sum() == len(data)
    assert len(report.predictions) == len(data) and "unit_id" in report.predictions
    fig = report.figure()
    assert isinstance(fig, matplotlib.figure.Figure)
    import matplotlib.pyplot as plt

    fig2, ax = plt.subplots()
    assert report.figure(ax=ax) is fig2
    fig3, ax3 = plt.subplots()
    assert report.confusion_figure(ax=ax3) is fig3
    shown = ax3.images[0].get_array()
    np.testing.assert_allclose(np.asarray(shown).sum(axis=1), 1.0)  # rows are shares
    text = report.methods_text()
    assert "3-fold cross-validation" in text and f"{report.macro_f1:.2f}" in text
    plt.close("all")


def test_model_versus_coders_alpha(split, fitted):
    _, test = split
    units = test.head(30)
    pred = fitted.predict(units)
    rows = [("gold", u, "frame", f) for u, f in zip(units["unit_id"], units["frame"], strict=True)]
    rows += [("second", u, "frame", f) for u, f in zip(units["unit_id"], units["frame"], strict=True)]
    coders = pd.DataFrame(rows, columns=["coder", "unit_id", "category", "code"])
    table = analysis.model_coder_agreement(fitted, units, coders)
    row = table.set_index("category").loc["frame"]
    assert row["alpha_coders"] == 1.0
    # With the model as a third coder alpha drops by its disagreements.
    expected = analysis.krippendorff_alpha(pd.DataFrame([units["frame"].tolist()] * 2
                                                        + [list(pred)])).alpha
    assert row["alpha_with_model"] == pytest.approx(expected)


def test_suggest_next_picks_the_least_certain(split, fitted):
    _, test = split
    picks = analysis.suggest_next(fitted, test, n=5)
    assert len(picks) == 5 and picks["uncertainty"].is_monotonic_decreasing
    proba = fitted.predict_proba(test)
    top = np.sort(proba, axis=1)
    margin = 1 - (top[:, -1] - top[:, -2])
    assert picks["uncertainty"].iloc[0] == pytest.approx(margin.max())
    again = analysis.suggest_next(fitted, test, n=5, exclude=picks["unit_id"])
    assert not set(again["unit_id"]) & set(picks["unit_id"])
    entropy = analysis.suggest_next(fitted, test, n=3, strategy="entropy")
    assert entropy["uncertainty"].between(0, 1).all()


def test_whataboutism_on_real_tweets_beats_plain_tfidf(shared_data):
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    tweets = pd.read_csv(shared_data / "whataboutism" / "twitter_data_1204_train.csv")
    texts, y = tweets["Tweet"].astype(str).tolist(), tweets["Label"].to_numpy()
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    plain = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
    base = f1_score(y, cross_val_predict(plain, texts, y, cv=folds))
    ours = f1_score(y, cross_val_predict(analysis.WhataboutismClassifier(C=0.03, min_df=3),
                                         texts, y, cv=folds))
    assert ours > base + 0.1, (ours, base)


def test_cross_validation_of_multilabel_sets(frac):
    data = frac.head(120)
    sets = [{f, "article"} if t == "article" else {f} for f, t in zip(data["frame"], data["type"], strict=True)]
    report = analysis.cross_validate_model(analysis.FrameClassifier(min_df=1, calibrate=False),
                                           data, sets, cv=3)
    per = report.scores().drop(index=["macro avg", "micro avg"])
    assert "article" in per.index and per.loc["article", "support"] == (data["type"] == "article").sum()
    assert {"category", "true", "predicted", "n"} <= set(report.confusion.columns)
