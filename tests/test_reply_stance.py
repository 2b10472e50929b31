"""ReplyStanceClassifier: scikit-learn conventions, both input shapes, the thread context, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import analysis
import threads
from analysis.models.reply_stance import (
    ReplyStanceClassifier,
    ThreadCues,
    as_context,
    bag_of_words_baseline,
    majority_baseline,
    reply_context,
)
from analysis.validation.rumoureval import read_rumoureval_key
from threads.errors import ThreadframeError, ThreadframeWarning

SOURCE = "the bridge on main street collapsed this morning"
REPLIES = {
    "support": ["confirmed, police say the bridge collapsed", "yes it is true, i saw it collapse",
                "officials confirm the bridge fell this morning", "true, reports say main street bridge is down"],
    "deny": ["this is fake, the bridge is fine", "not true, hoax photo from years ago",
             "false, i just drove over the bridge", "fake news, that picture is photoshopped"],
    "query": ["is this confirmed? source?", "really? where did you hear that?",
              "who said the bridge collapsed?", "any proof? what happened?"],
    "comment": ["my cousin lives near there", "traffic is terrible today", "lol classic monday",
                "thoughts with the people there"],
}


def table(n_copies: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rows, labels = [], []
    for k in range(n_copies):
        for stance, texts in REPLIES.items():
            for i, t in enumerate(texts):
                rows.append({"text": f"{t} {'!' * k}", "parent_text": SOURCE, "source_text": SOURCE,
                             "depth": 1 + (i % 2)})
                labels.append(stance)
    return pd.DataFrame(rows), np.array(labels, dtype=object)


def small(**kw) -> ReplyStanceClassifier:
    return ReplyStanceClassifier(min_df=1, char_ngrams=(2, 4), **kw)


def test_lazy_export_and_params():
    assert analysis.ReplyStanceClassifier is ReplyStanceClassifier
    m = ReplyStanceClassifier(C=0.5, cue_weight=2.0)
    p = m.get_params()
    assert p["C"] == 0.5 and p["cue_weight"] == 2.0 and p["class_weight"] == "balanced"
    c = clone(m)
    assert c.get_params() == p and not hasattr(c, "pipeline_")
    m.set_params(C=3.0)
    assert m.C == 3.0


def test_fit_predict_on_a_dataframe():
    X, y = table()
    m = small().fit(X, y)
    assert set(m.classes_) == set(REPLIES) and m.classes_.dtype == object
    pred = m.predict(X)
    assert pred.dtype == object and len(pred) == len(X)
    assert (pred == y).mean() > 0.9
    new = pd.DataFrame({"text": ["is that confirmed? source?", "that is fake, a hoax"],
                        "parent_text": [SOURCE] * 2, "source_text": [SOURCE] * 2})
    assert m.predict(new).tolist() == ["query", "deny"]
    proba = m.predict_proba(new)
    assert proba.shape == (2, 4) and np.allclose(proba.sum(axis=1), 1)


def test_frame_with_arrow_strings_and_a_shuffled_index():
    # a regression: is_source taken by label from a frame indexed 10, 11, ... gave NaN features
    X, y = table()
    X = X.astype({"text": "str", "parent_text": "str", "source_text": "str"})
    X["is_source"] = 0.0
    X.index = X.index + 10
    ctx = as_context(X)
    assert not ctx.isna().any().any()
    assert (small().fit(X, y).predict(X) == y).mean() > 0.9


def test_fit_predict_on_a_units_table(fixtures):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThreadframeWarning)
        corpus = threads.read(fixtures / "rumoureval")
    codes = read_rumoureval_key(fixtures / "rumoureval" / "train-key.json", corpus)
    units = corpus.units
    ctx = reply_context(units).set_index("unit_id")
    assert ctx.loc["9001:9003", "parent_text"].startswith("@harbournews is this confirmed")
    assert ctx.loc["9001:9003", "source_text"].startswith("BREAKING: the old harbour")
    assert ctx.loc["9001:9002", "reply_to_source"] == 1 and ctx.loc["9001:9003", "reply_to_source"] == 0
    assert ctx.loc["9001:9001", "is_source"] == 1 and ctx.loc["q7x1:k1", "reply_to_source"] == 1
    assert "Saw this claim" in ctx.loc["q7x1:k1", "source_text"]  # a Reddit post's title and selftext
    coded = units.set_index("unit_id").loc[codes["unit_id"]].reset_index()
    m = small().fit(coded, codes["code"])
    pred = m.predict(units)
    assert len(pred) == len(units) and set(pred) <= set(REPLIES)
    tags = m.tag(coded)
    assert len(tags) == len(coded) * len(m.classes_)
    assert tags.groupby("unit_id")["present"].sum().eq(1).all()


def test_thread_context_changes_the_features():
    X, _ = table(1)
    a = ThreadCues().transform(as_context(X.head(1)))
    other = X.head(1).assign(parent_text="is this real? source?", depth=5)
    b = ThreadCues().transform(as_context(other))
    assert not np.allclose(a, b)


def test_baselines_take_the_same_input():
    X, y = table()
    ctx = as_context(X)
    assert set(majority_baseline().fit(ctx, y).predict(ctx)) == {"comment"}  # ties: first in sorted order
    assert (bag_of_words_baseline().fit(ctx, y).predict(ctx) == y).mean() > 0.5


@pytest.mark.parametrize("bad, match", [
    ([["a list"]], "needs a DataFrame"),
    (pd.DataFrame({"text": ["x"]}), "parent_text, source_text"),
    (pd.DataFrame({"unit_id": ["u"], "doc_id": ["d"], "text": ["x"]}), "parent_text"),
])
def test_bad_input_is_named(bad, match):
    with pytest.raises(ThreadframeError, match=match):
        small().fit(bad, ["support"])


def test_bad_labels_and_unfitted():
    X, y = table(1)
    with pytest.raises(ThreadframeError, match="16 rows but 3 labels"):
        small().fit(X, y[:3])
    with pytest.raises(ThreadframeError, match="labels are missing"):
        small().fit(X, np.where(np.arange(len(y)) == 0, None, y))
    with pytest.raises(ThreadframeError, match="two stances"):
        small().fit(X, ["comment"] * len(X))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        small().predict(X)
