"""StanceClassifier: scikit-learn conventions, input forms, bad input, and a
small check on the real x-stance data (skips when ../shared/data is absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone

import analysis
from analysis.models._stance_features import (
    CueCounts,
    TargetOverlap,
    TextTfidf,
    cue_table,
    pair_product,
)
from analysis.models.stance import StanceClassifier, StanceError, stance_words

TARGET = "state surveillance technology and its export"
FAVOR_TEXTS = ["Cameras keep us safe and reduce crime, we can learn from this.",
               "Yes, I support it: the cameras help fight crime.",
               "Good technology, it will improve public safety.",
               "I agree, surveillance brings down crime in the cities."]
AGAINST_TEXTS = ["This is an Orwellian police state, cameras spy on everyone.",
                 "No, mass surveillance is repressive and creepy.",
                 "I disagree: it is authoritarian abuse of human rights.",
                 "Terrible, a dystopian surveillance state without consent."]
NONE_TEXTS = ["The weather in the capital was mild on Tuesday.",
              "The match ended two all after extra time.",
              "Bread prices went up at the market this week.",
              "The train to the coast leaves at nine."]


def _frame(with_none: bool = False) -> tuple[pd.DataFrame, list[str]]:
    texts = FAVOR_TEXTS + AGAINST_TEXTS + (NONE_TEXTS if with_none else [])
    labels = ["FAVOR"] * 4 + ["AGAINST"] * 4 + (["NONE"] * 4 if with_none else [])
    return pd.DataFrame({"text": texts, "target": [TARGET] * len(texts)}), labels


def _small(**kw) -> StanceClassifier:
    return StanceClassifier(min_df=1, calibration_cv=2, **kw)


def test_clone_and_get_params_follow_sklearn():
    clf = StanceClassifier(target=TARGET, C=0.5, per_target=True)
    params = clf.get_params()
    assert params["target"] == TARGET and params["C"] == 0.5 and params["per_target"] is True
    twin = clone(clf)
    assert twin is not clf and twin.get_params() == params
    assert not hasattr(twin, "head_")  # construction does no work


def test_fit_predict_on_text_target_frame_with_three_classes():
    X, y = _frame(with_none=True)
    clf = _small().fit(X, y)
    assert set(clf.classes_) == {"FAVOR", "AGAINST", "NONE"}
    assert clf.classes_.dtype == object
    proba = clf.predict_proba(X)
    assert proba.shape == (12, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert pred.dtype == object and (pred == np.asarray(y, dtype=object)).mean() >= 0.75
    assert set(clf.predict_words(X)) <= {"supportive", "critical", "neutral"}


def test_units_table_with_target_parameter_uses_parent_text():
    X, y = _frame()
    units = pd.DataFrame({"unit_id": [f"c{i}" for i in range(8)],
                          "parent_id": ["c0", "c0", "c1", "", "c4", "c4", "c5", ""],
                          "text": X["text"].to_numpy()})
    clf = _small(target=TARGET).fit(units, y)
    assert "context" in dict(clf.features_.transformer_list)
    pred = clf.predict(units)
    assert len(pred) == 8 and set(pred) <= {"FAVOR", "AGAINST"}
    # the same texts with the target as a column give the same predictions
    framed = units.assign(target=TARGET)
    assert (clf.predict(framed) == pred).all()


def test_pandas_str_dtype_labels_and_texts_are_accepted():
    X, y = _frame()
    X = X.astype("str")
    clf = _small().fit(X, pd.Series(y, dtype="str"))
    assert clf.predict(X).dtype == object


def test_missing_target_is_a_clear_error():
    X, y = _frame()
    with pytest.raises(StanceError, match="no target"):
        _small().fit(X[["text"]], y)
    blank = X.assign(target=[TARGET] * 7 + [""])
    with pytest.raises(StanceError, match="row 7 has no target"):
        _small().fit(blank, y)


def test_labels_outside_favor_against_none_are_a_clear_error():
    X, y = _frame()
    with pytest.raises(StanceError, match="'supportive'"):
        _small().fit(X, ["supportive"] * 4 + ["AGAINST"] * 4)
    with pytest.raises(StanceError, match="missing"):
        _small().fit(X, [None] + y[1:])
    with pytest.raises(StanceError, match="8 texts but 7 labels"):
        _small().fit(X, y[:7])


def test_non_table_input_and_missing_text_column_are_clear_errors():
    X, y = _frame()
    with pytest.raises(StanceError, match="expected a DataFrame"):
        _small(target=TARGET).fit(list(X["text"]), y)
    with pytest.raises(StanceError, match="no 'text' column"):
        _small().fit(X.rename(columns={"text": "body"}), y)


def test_per_target_heads_fit_where_data_allows():
    X, y = _frame()
    other = X.assign(target="a second target")
    both = pd.concat([X, other], ignore_index=True)
    labels = y + y
    clf = _small(per_target=True, min_per_target=3).fit(both, labels)
    assert set(clf.target_heads_) == {TARGET, "a second target"}
    few = _small(per_target=True, min_per_target=5).fit(both, labels)
    assert few.target_heads_ == {}
    np.testing.assert_allclose(clf.predict_proba(both).sum(axis=1), 1.0)


def test_lazy_api_exports_the_estimator():
    assert analysis.StanceClassifier is StanceClassifier
    assert list(stance_words(["FAVOR", "AGAINST", "NONE"])) == ["supportive", "critical", "neutral"]


def test_cue_table_counts_negation_contrast_and_openers():
    texts = pd.Series(["Nein, das ist nicht richtig, aber egal.", "Oui, je suis d'accord.",
                       "plain text"], dtype="str").str.lower()
    t = cue_table(texts)
    # columns: negation, contrast, agree, disagree, should, open_yes, open_no
    assert t[0].tolist()[:2] == [1.0, 1.0] and t[0, 6] == 1.0 and t[0, 5] == 0.0
    assert t[1, 5] == 1.0 and t[1, 2] >= 1.0
    assert t[2].sum() == 0.0


def test_overlap_counts_shared_content_words():
    frame = pd.DataFrame({"text": ["Die Steuern sollen sinken", "Nothing in common here"],
                          "target": ["Sollen die Steuern sinken?", "Sollen die Steuern sinken?"]})
    m = TargetOverlap().fit(frame).transform(frame).toarray()
    assert m[0, 0] > 0 and m[0, 1] == pytest.approx(1.0)  # all target content words shared
    assert m[1, 0] == 0 and m[1, 6] == 1.0


def test_pair_product_matches_a_dense_outer_product():
    A = sp.csr_matrix(np.array([[1, 0, 1], [0, 0, 0], [0, 1, 0]], dtype=np.float32))
    B = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1]], dtype=np.float32))
    out = pair_product(A, B, 1 << 20).toarray()
    assert (out[1] == 0).all()
    assert (out[0] > 0).sum() == 4 and (out[2] > 0).sum() == 4
    np.testing.assert_allclose(np.linalg.norm(out[[0, 2]], axis=1), 1.0, rtol=1e-6)


def test_dictionary_cues_are_features():
    frame = pd.DataFrame({"text": ["An Orwellian police state.", "It will reduce crime."],
                          "target": [TARGET, TARGET]})
    cues = CueCounts().fit(frame)
    m = cues.transform(frame).toarray()
    names = cues.feature_names_
    crit, supp = names.index("dict_critical"), names.index("dict_supportive")
    assert m[0, crit] > 0 and m[0, supp] == 0 and m[1, supp] > 0


@pytest.mark.shared_data
def test_xstance_unseen_questions_beat_chance(shared_data):
    path = shared_data / "stance" / "xstance-valid" / "valid.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    raw = pd.read_json(path, lines=True)
    qids = np.sort(raw["question_id"].unique())
    held_out = raw["question_id"].isin(qids[::5])  # 30 of 150 questions, never seen in training
    train, test = raw[~held_out], raw[held_out]

    def frame(d):
        return pd.DataFrame({"text": d["comment"].to_numpy(dtype=object),
                             "target": d["question"].to_numpy(dtype=object)})

    clf = StanceClassifier(calibrate=False).fit(frame(train), train["label"])
    pred = clf.predict(frame(test))
    acc = float(np.mean(pred == test["label"].to_numpy(dtype=object)))
    # 0.634 when written (docs/stance.md: about 0.63 over five such folds); chance is 0.5
    assert set(pred) <= {"FAVOR", "AGAINST"} and acc > 0.58


def test_repeated_targets_are_featurised_once_with_the_same_result():
    X, _ = _frame()
    many = pd.concat([X] * 5, ignore_index=True)  # 40 rows, 1 distinct target, 8 texts
    vec = TextTfidf("target", "word", (1, 1), 1).fit(many)
    direct = vec.vectorizer_.transform(many["target"].str.lower().to_numpy(dtype=object))
    assert (vec.transform(many) != direct).nnz == 0
    texts = TextTfidf("text", "prefix", (1, 2), 1).fit(many)
    direct = texts.vectorizer_.transform(many["text"].str.lower().to_numpy(dtype=object))
    np.testing.assert_allclose(texts.transform(many).toarray(), direct.toarray())


def test_cross_val_predict_probabilities_work_as_scikit_learn_encodes_labels():
    """cross_val_predict(method="predict_proba") hands the model integer-coded labels
    (sorted order); the model must take them and give columns in that order."""
    from sklearn.model_selection import GroupKFold, cross_val_predict

    rng = np.random.default_rng(0)
    good = ["a great idea that will help", "I support this, it is good", "yes, wonderful and fair"]
    bad = ["a terrible idea that will hurt", "I oppose this, it is bad", "no, awful and unfair"]
    rows = []
    for q in range(6):
        for i in range(12):
            favour = bool(i % 2)
            rows.append({"text": str(rng.choice(good if favour else bad)), "target": f"question {q}",
                         "label": "FAVOR" if favour else "AGAINST"})
    frame = pd.DataFrame(rows)
    proba = cross_val_predict(analysis.StanceClassifier(), frame[["text", "target"]], frame["label"],
                              groups=frame["target"], cv=GroupKFold(3), method="predict_proba")
    assert proba.shape == (len(frame), 2)
    predicted = np.array(["AGAINST", "FAVOR"])[proba.argmax(axis=1)]  # sorted label order
    assert (predicted == frame["label"].to_numpy()).mean() > 0.9
