"""Document, outlet and comment-section stance: shares of unit stance with
cluster-aware intervals (analysis.stance_shares), checked against simulations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
import threads
from analysis.compare.groups import _bootstrap_shares
from analysis.compare.intervals import wilson_interval
from analysis.compare.stance_shares import _net_unit_interval, net_interval
from threads.errors import ThreadframeError

SHARES = np.array([0.3, 0.2, 0.5])  # supportive, critical, neutral: true net 0.1


def _clusters(rng, k=30):
    """k threads of Poisson(8)+1 comments; each thread has its own stance mix
    (Dirichlet around SHARES): comments of one thread are alike."""
    n = rng.poisson(8, k) + 1
    p = rng.dirichlet(2 * SHARES, k)
    return np.array([rng.multinomial(m, q) for m, q in zip(n, p, strict=True)]), n


def test_cluster_bootstrap_covers_the_true_share_and_net_where_unit_intervals_do_not():
    rng = np.random.default_rng(1)
    sims = 300
    net = share = naive_share = naive_net = 0
    for s in range(sims):
        x, n = _clusters(rng)
        _, lo, hi = net_interval(x[:, 0], x[:, 1], n, 500, 0.95, s)
        net += lo <= 0.1 <= hi
        boot = _bootstrap_shares(x[:, :1], n, 500, s)[:, 0]
        share += np.quantile(boot, 0.025) <= 0.3 <= np.quantile(boot, 0.975)
        wl, wh = wilson_interval(x[:, 0].sum(), n.sum())
        naive_share += wl <= 0.3 <= wh
        ul, uh = _net_unit_interval(x[:, 0].sum() / n.sum(), x[:, 1].sum() / n.sum(), n.sum(), 0.95)
        naive_net += ul <= 0.1 <= uh
    # percentile bootstrap over 30 clusters runs a little under 95% (seeded: 0.92-0.93)
    assert 0.88 <= net / sims <= 0.99
    assert 0.88 <= share / sims <= 0.99
    # intervals that treat the comments as independent miss far more often
    assert naive_share / sims < 0.8 and naive_net / sims < 0.8


def _corpus(rng, outlets=("A", "B"), docs_per_outlet=4, threads_per_doc=4):
    """Articles (4 paragraphs, all one stance per document) with comment threads
    whose stance mix varies by thread; outlet A leans supportive."""
    rows, doc_outlet, labels = [], {}, []
    kinds = np.array(["supportive", "critical", "neutral"], dtype=object)
    for o in outlets:
        for d in range(docs_per_outlet):
            doc = f"{o}{d}"
            doc_outlet[doc] = o
            art = kinds[rng.integers(0, 3)]
            for p in range(4):
                rows.append(dict(doc_id=doc, unit_id=f"{doc}-p{p}", parent_id=None, role="body", text="x"))
                labels.append(art)
            for t in range(threads_per_doc):
                mix = rng.dirichlet(2 * (SHARES if o == "A" else SHARES[[1, 0, 2]]))
                top = f"{doc}-t{t}"
                for c in range(int(rng.poisson(5)) + 1):
                    uid = f"{top}-{c}"
                    rows.append(dict(doc_id=doc, unit_id=uid, parent_id=None if c == 0 else f"{top}-0",
                                     role="comment", text="x"))
                    labels.append(kinds[rng.choice(3, p=mix)])
    units = pd.DataFrame(rows)
    units["outlet"] = units["doc_id"].map(doc_outlet)
    return units, pd.DataFrame({"unit_id": units["unit_id"], "stance": labels})


def test_outlet_comment_sections_net_stance_covers_the_simulated_truth():
    rng = np.random.default_rng(7)
    hits = {"A": 0, "B": 0}
    sims = 30
    for s in range(sims):
        units, stance = _corpus(rng)
        out = analysis.stance_shares(stance, units, by="outlet", side="comments", n_boot=300, seed=s)
        net = out[out["category"] == "net"].set_index("outlet")
        assert net["ci_method"].eq("cluster bootstrap").all()  # 16 threads per outlet
        for o, truth in (("A", 0.1), ("B", -0.1)):
            hits[o] += net.at[o, "ci_low"] <= truth <= net.at[o, "ci_high"]
    assert hits["A"] / sims >= 0.8 and hits["B"] / sims >= 0.8


def test_shares_and_net_per_document_and_their_fallback():
    units, stance = _corpus(np.random.default_rng(3), outlets=("A",), docs_per_outlet=2)
    out = analysis.stance_shares(stance, units, by="doc_id", side="article", n_boot=100)
    assert set(out["category"]) == {"supportive", "critical", "neutral", "net"}
    for _, g in out.groupby("doc_id"):
        shares = g.set_index("category")["share"]
        assert shares[["supportive", "critical", "neutral"]].sum() == pytest.approx(1.0)
        assert shares["net"] == pytest.approx(shares["supportive"] - shares["critical"])
        # one article is one cluster: no bootstrap, and the table says so
        assert g["n_clusters"].eq(1).all() and g["ci_method"].str.contains("<5 clusters").all()
        assert (g["ci_low"] <= g["share"]).all() and (g["share"] <= g["ci_high"]).all()
    assert out.attrs["net"] == "supportive - critical"


def test_dictionary_and_model_stance_feed_it(tmp_path):
    corpus = threads.sample_corpus()
    result = analysis.tag(corpus, "surveillance", progress=False)
    out = analysis.stance_shares(result, corpus, by="outlet", n_boot=100)
    assert out.attrs["stance_source"].startswith("dictionary")
    assert out["category"].eq("net").sum() == corpus.docs["outlet"].nunique()
    # a trained model's FAVOR/AGAINST/NONE arrive as the codebook's words
    target = "state surveillance technology and its export"
    texts = ["Cameras keep us safe.", "I support the cameras.", "Creepy police state.",
             "Mass surveillance is repressive.", "The weather was mild.", "The train leaves at nine."]
    model = analysis.StanceClassifier(target=target, min_df=1, calibration_cv=2).fit(
        pd.DataFrame({"text": texts}), ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"])
    st = analysis.unit_stance(model, corpus)
    assert set(st["stance"]) <= {"supportive", "critical", "neutral"}
    assert st.attrs["stance_source"] == "StanceClassifier"
    out = analysis.stance_shares(st, corpus, by="outlet", n_boot=100)
    assert out.attrs["stance_source"] == "StanceClassifier"


def test_reply_stance_net_is_support_minus_deny():
    units, stance = _corpus(np.random.default_rng(5), outlets=("A",))
    stance["stance"] = stance["stance"].map({"supportive": "support", "critical": "deny", "neutral": "comment"})
    out = analysis.stance_shares(stance, units, by=[], side="comments", n_boot=100)
    assert out.attrs["net"] == "support - deny"
    assert "net" in set(out["category"])


def test_bad_input_is_named():
    units, stance = _corpus(np.random.default_rng(5), outlets=("A",))
    with pytest.raises(ThreadframeError, match="side="):
        analysis.stance_shares(stance, units, side="replies")
    with pytest.raises(ThreadframeError, match="net="):
        analysis.stance_shares(stance, units, by="outlet", net=("yes", "no"))
    with pytest.raises(ThreadframeError, match="cannot read stance"):
        analysis.unit_stance(42)
    with pytest.raises(ThreadframeError, match="give the units"):
        analysis.unit_stance(analysis.StanceClassifier())


def test_a_stance_no_unit_took_is_a_share_of_zero():
    units, stance = _corpus(np.random.default_rng(5), outlets=("A",))
    stance["stance"] = stance["stance"].replace({"supportive": "neutral"})
    out = analysis.stance_shares(stance, units, by=[], side="comments", n_boot=100)
    shares = out.set_index("category")["share"]
    assert shares["supportive"] == 0.0 and shares["net"] == pytest.approx(-shares["critical"])
