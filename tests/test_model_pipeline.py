"""Classifiers as pipelines of parts: nested parameters reach every part,
clone/grid search keep them, model files save and load them without pickle,
and the FrAC floor holds with the defaults as a user calls them."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline

import analysis
from analysis.models.features import CueScores, TextTfidf
from analysis.models.head import LinearHead, best_f1_cut
from analysis.models.model_io import ModelFileError


@pytest.fixture(scope="module")
def frac():
    return analysis.load_frac()


def test_get_params_lists_every_part():
    params = analysis.FrameClassifier().get_params()
    for key in ("pipeline__features__word__ngram_range", "pipeline__features__char__ngram_range",
                "pipeline__features__cues__codebook", "pipeline__features__transformer_weights",
                "pipeline__head__C", "pipeline__head__class_weight", "pipeline__head__calibrate"):
        assert key in params, key
    # The flat parameters build the default: they show through the nested ones.
    model = analysis.FrameClassifier(C=0.7, char_ngrams=(3, 4))
    assert model.get_params()["pipeline__head__C"] == 0.7
    assert model.get_params()["pipeline__features__char__ngram_range"] == (3, 4)
    assert "pipeline__features__rules__use_context" in analysis.WhataboutismClassifier().get_params()
    assert model.pipeline is None  # reading params builds nothing permanent


def test_nested_set_params_and_clone():
    model = analysis.FrameClassifier(C=0.5)
    model.set_params(pipeline__head__C=2.0, pipeline__features__char__ngram_range=(2, 3))
    assert isinstance(model.pipeline, Pipeline)
    assert model.get_params()["pipeline__head__C"] == 2.0
    twin = clone(model)
    assert twin.pipeline is not model.pipeline
    assert twin.get_params()["pipeline__features__char__ngram_range"] == (2, 3)
    assert twin.get_params()["pipeline__head__C"] == 2.0
    # Flat parameters given in the same call apply before the default is built.
    other = analysis.FrameClassifier().set_params(min_df=1, pipeline__head__C=3.0)
    assert other.get_params()["pipeline__features__word__min_df"] == 1


def test_grid_search_reaches_a_nested_part(frac):
    data = frac[frac["frame"].isin(["economic", "political_policies", "legality_crime"])]
    grid = GridSearchCV(analysis.FrameClassifier(calibrate=False),
                        {"pipeline__features__char__ngram_range": [(2, 3), (3, 4)],
                         "pipeline__head__C": [0.1, 1.0]}, cv=2, scoring="f1_macro")
    grid.fit(data["text"].tolist(), data["frame"].to_numpy(dtype=object))
    assert set(grid.best_params_) == {"pipeline__features__char__ngram_range", "pipeline__head__C"}
    best = grid.best_estimator_
    char = dict(best.features_.transformer_list)["char"]
    assert char.vectorizer_.ngram_range == grid.best_params_["pipeline__features__char__ngram_range"]
    assert grid.best_params_["pipeline__head__C"] == best.heads_[0].C


def test_own_pipeline_round_trips(frac, tmp_path):
    data = frac.head(200)
    union = FeatureUnion([("word", TextTfidf(min_df=1)),
                          ("char", TextTfidf(analyzer="char_wb", ngram_range=(3, 4), min_df=1)),
                          ("cues", CueScores("policy-frames"))], transformer_weights={"cues": 2.0})
    model = analysis.FrameClassifier(
        pipeline=Pipeline([("features", union), ("head", LinearHead("logreg", C=5.0))]))
    model.fit(data, data["frame"])
    path = analysis.save_model(model, tmp_path / "own.tfm")
    again = analysis.load_model(path)
    test = frac.tail(80)
    np.testing.assert_array_equal(model.predict_proba(test), again.predict_proba(test))
    assert again.get_params()["pipeline__head__estimator"] == "logreg"
    assert again.get_params()["pipeline__features__transformer_weights"] == {"cues": 2.0}
    # A reloaded model refits like the original.
    refit = clone(again).fit(data, data["frame"])
    np.testing.assert_allclose(refit.predict_proba(test), model.predict_proba(test))


def test_whataboutism_with_context_round_trips(tmp_path):
    texts = ["What about the US and its drones?", "And the NSA does the same, no outrage",
             "Great reporting, thanks", "I like this video", "Where was the outrage when Britain did it?",
             "Nice weather today", "But China spies too, what about that", "Good point about taxes"] * 5
    table = pd.DataFrame({"text": texts, "title": ["Russia spying on Europe"] * len(texts)})
    labels = [1, 1, 0, 0, 1, 0, 1, 0] * 5
    model = analysis.WhataboutismClassifier(min_df=1, context_column="title").fit(table, labels)
    assert model.use_context_ and 0 < model.thresholds_[0] < 1
    again = analysis.load_model(analysis.save_model(model, tmp_path / "wa.tfm"))
    np.testing.assert_array_equal(model.predict_proba(table), again.predict_proba(table))
    assert (again.predict(table) == np.array(labels)).all()


def _rewrite(src, dst, change):
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    return dst


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m.update(format="threadframe-model/1"), "before classifiers became pipelines"),
    (lambda m: m["features"]["parts"][0].update(part="os.system"), "unknown kind 'os.system'"),
    (lambda m: m["features"]["parts"][0]["params"].update(evil=1), "evil are not understood"),
    (lambda m: m["head"]["params"].update(C={"a": 1}), "must be a plain value"),
    (lambda m: m["features"]["parts"][1].update(name="word"), "name 'word' repeats"),
])
def test_bad_pipeline_entries_are_refused(frac, tmp_path, change, message):
    model = analysis.FrameClassifier(min_df=1, calibrate=False).fit(frac.head(60), frac["frame"].head(60))
    src = analysis.save_model(model, tmp_path / "ok.tfm")
    bad = _rewrite(src, tmp_path / "bad.tfm", change)
    with pytest.raises(ModelFileError, match=message) as err:
        analysis.load_model(bad)
    assert str(bad) in str(err.value)


def test_best_f1_cut_is_between_scores():
    proba = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    positive = np.array([True, True, False, True, False, False])
    cut = best_f1_cut(proba, positive)
    assert 0.3 < cut < 0.4  # three of four above: F1 = 6/7, the best here
    pred = proba >= cut
    assert f1_score(positive, pred) == pytest.approx(6 / 7)


def test_frac_floor_with_defaults(frac):
    """As a user calls it: 10-fold CV of FrameClassifier() (0.685 measured, see
    docs/validation.md; the issue's target 0.70 is not reached): well above the
    word+char TF-IDF + LR baseline (0.61) and today's 0.588."""
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    labels = frac["frame"].to_numpy(dtype=object)
    pred = cross_val_predict(analysis.FrameClassifier(), frac["text"].tolist(), labels, cv=folds)
    assert f1_score(labels, pred, average="macro") >= 0.67


@pytest.mark.parametrize("ngrams", [(2, 4), (1, 5), (3, 3)])
def test_fast_char_ngrams_equal_scikit_learns(frac, ngrams):
    from analysis.models.classifiers import as_units

    train = as_units(frac["text"].tolist()[:300])
    test = as_units(frac["text"].tolist()[300:] + ["Ünïcode  TEXT\twith   tabs", "", "a", "x" * 40])
    part = TextTfidf(analyzer="char_wb", ngram_range=ngrams, min_df=1).fit(train)
    reference = part.vectorizer_.transform(part._texts(test)).astype(np.float64)
    for _ in range(2):  # the second pass reads the per-word cache
        fast = part.transform(test)
        assert fast.shape == reference.shape and fast.nnz == reference.nnz
        assert abs(fast - reference).max() == 0.0


def test_anonymize_masks_and_leaves_plain_text_alone():
    from analysis.models.features import anonymize

    text = "Mail a.b@x.org or @bob, see HTTPS://x.y/z and www.q.com, call 555-123 4567."
    masked = anonymize(text)
    for secret in ("a.b@x.org", "@bob", "x.y/z", "www.q.com", "555-123 4567"):
        assert secret not in masked
    assert {"EMAIL", "@USER", "URL", "NUMBER"} <= set(masked.split())
    plain = "The tax will cost every family money."
    assert anonymize(plain) is plain
    assert anonymize("In 2019 about 42 people") == "In 2019 about 42 people"  # short numbers stay
