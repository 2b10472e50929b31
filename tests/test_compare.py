"""Prevalence with clustered intervals and group comparisons, checked against
scipy, hand-computed and published values, and a coverage simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analysis
from analysis.compare.groups import (
    adjust_pvalues,
    compare_groups,
    newcombe_interval,
    prevalence,
    risk_ratio_interval,
    wilson_interval,
)
from threads.errors import ThreadframeError


def make_tables(present: dict[str, list[int]], docs_per_group: int = 1):
    """units + tags where group g has units with the given 0/1 'security' flags,
    spread round-robin over ``docs_per_group`` documents."""
    unit_rows, tag_rows = [], []
    for g, flags in present.items():
        for i, f in enumerate(flags):
            uid = f"{g}-{i}"
            unit_rows.append({"unit_id": uid, "doc_id": f"{g}-doc{i % docs_per_group}", "role": "body",
                              "outlet": g, "text": "x"})
            tag_rows.append({"unit_id": uid, "doc_id": f"{g}-doc{i % docs_per_group}",
                             "category": "security", "present": bool(f)})
            tag_rows.append({"unit_id": uid, "doc_id": f"{g}-doc{i % docs_per_group}",
                             "category": "rights", "present": bool(i % 2)})
    return pd.DataFrame(tag_rows), pd.DataFrame(unit_rows)


def test_wilson_matches_scipy():
    for x, n in [(0, 10), (3, 10), (10, 10), (56, 70), (1, 200)]:
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = wilson_interval(x, n)
        assert low == pytest.approx(ci.low, abs=1e-12)
        assert high == pytest.approx(ci.high, abs=1e-12)


def test_newcombe_matches_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 - 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339.
    low, high = newcombe_interval(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_risk_ratio_katz_by_hand():
    rr, low, high = risk_ratio_interval(20, 50, 10, 50)
    se = np.sqrt(1 / 20 - 1 / 50 + 1 / 10 - 1 / 50)
    assert rr == pytest.approx(2.0)
    assert low == pytest.approx(2 * np.exp(-1.959963984540054 * se))
    assert high == pytest.approx(2 * np.exp(1.959963984540054 * se))
    # a zero count gets the Haldane-Anscombe half so the ratio stays finite
    rr0, low0, high0 = risk_ratio_interval(0, 10, 5, 10)
    assert rr0 == pytest.approx((0.5 / 11) / (5.5 / 11))
    assert 0 < low0 < rr0 < high0


def test_prevalence_counts_shares_and_no_mutation():
    tags, units = make_tables({"A": [1, 1, 0, 0, 0, 1], "B": [0, 0, 0, 1]}, docs_per_group=2)
    before_t, before_u = tags.copy(), units.copy()
    out = prevalence(tags, units, by="outlet", cluster="doc", n_boot=200)
    pd.testing.assert_frame_equal(tags, before_t)
    pd.testing.assert_frame_equal(units, before_u)
    sec = out[out["category"] == "security"].set_index("outlet")
    assert sec.loc["A", ["n_units", "n_present", "n_docs", "n_clusters"]].tolist() == [6, 3, 2, 2]
    assert sec.loc["A", "share"] == pytest.approx(0.5)
    assert sec.loc["B", "share"] == pytest.approx(0.25)
    # two clusters are too few for a bootstrap: falls back to Wilson and says so
    assert sec.loc["A", "ci_method"].startswith("wilson")
    assert np.isnan(sec.loc["A", "boot_low"])
    assert sec.loc["A", "ci_low"] == pytest.approx(sec.loc["A", "wilson_low"])
    assert list(out["category"].unique()) == ["security", "rights"]  # tag order kept


def test_prevalence_accepts_stance_table_and_overall():
    units = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "doc_id": ["d1", "d1", "d2", "d2"],
                          "role": "body"})
    stance = pd.DataFrame({"unit_id": ["a", "b", "c", "d"],
                           "stance": ["critical", "critical", "neutral", "supportive"]})
    out = prevalence(stance, units, by=[], n_boot=50).set_index("category")
    assert out.loc["critical", "share"] == pytest.approx(0.5)
    assert out.loc["neutral", "n_present"] == 1
    assert set(out.index) == {"critical", "neutral", "supportive"}


def test_thread_clusters_group_a_reply_chain():
    units = pd.DataFrame({
        "unit_id": ["b1", "c1", "c2", "c3", "c4"], "doc_id": "d",
        "role": ["body", "comment", "comment", "comment", "comment"],
        "parent_id": [None, None, "c1", "c2", None]})
    tags = pd.DataFrame({"unit_id": units["unit_id"], "category": "security", "present": True})
    out = prevalence(tags, units, by="role", cluster="thread", n_boot=10).set_index("role")
    assert out.loc["comment", "n_clusters"] == 2  # c1-c2-c3 and c4
    assert out.loc["body", "n_clusters"] == 1


def test_bootstrap_is_seeded_and_independent_of_other_groups():
    rng = np.random.default_rng(5)
    flags = {g: rng.integers(0, 2, 40).tolist() for g in "ABC"}
    tags, units = make_tables(flags, docs_per_group=8)
    one = prevalence(tags, units, by="outlet", cluster="doc", n_boot=300, seed=3)
    two = prevalence(tags, units, by="outlet", cluster="doc", n_boot=300, seed=3)
    pd.testing.assert_frame_equal(one, two)
    assert (one["ci_method"] == "cluster bootstrap").all()
    keep = units["outlet"] != "C"
    sub = prevalence(tags[tags["unit_id"].isin(units.loc[keep, "unit_id"])], units[keep], by="outlet",
                     cluster="doc", n_boot=300, seed=3)
    pd.testing.assert_frame_equal(one[one["outlet"] != "C"].reset_index(drop=True), sub)
    other_seed = prevalence(tags, units, by="outlet", cluster="doc", n_boot=300, seed=4)
    assert not np.allclose(one["boot_low"], other_seed["boot_low"])


def test_cluster_bootstrap_coverage_on_clustered_data():
    """200 simulated studies (one group each) of 30 clustered documents whose
    units share a document-level probability (mean 0.3, intra-cluster
    correlation 0.2). The cluster bootstrap should cover the true 0.3 about
    95% of the time; the Wilson interval, blind to clustering, much less."""
    rng = np.random.default_rng(20240601)
    mean, icc = 0.3, 0.2
    a = mean * (1 - icc) / icc
    b = (1 - mean) * (1 - icc) / icc
    unit_rows, tag_rows = [], []
    for sim in range(200):
        for d in range(30):
            p = rng.beta(a, b)
            for i in range(rng.integers(4, 12)):
                uid = f"s{sim}-d{d}-u{i}"
                unit_rows.append((uid, f"s{sim}-d{d}", f"sim{sim:03d}"))
                tag_rows.append((uid, "security", bool(rng.random() < p)))
    units = pd.DataFrame(unit_rows, columns=["unit_id", "doc_id", "study"]).assign(role="body")
    tags = pd.DataFrame(tag_rows, columns=["unit_id", "category", "present"])
    out = prevalence(tags, units, by="study", cluster="doc", n_boot=400, seed=1)
    boot_cover = ((out["ci_low"] <= mean) & (mean <= out["ci_high"])).mean()
    wilson_cover = ((out["wilson_low"] <= mean) & (mean <= out["wilson_high"])).mean()
    assert 0.89 <= boot_cover <= 0.99, boot_cover
    assert wilson_cover < boot_cover - 0.1, (wilson_cover, boot_cover)


def test_chi_square_and_cramers_v_match_scipy():
    rng = np.random.default_rng(0)
    flags = {"A": (rng.random(60) < 0.2).astype(int).tolist(),
             "B": (rng.random(50) < 0.5).astype(int).tolist(),
             "C": (rng.random(40) < 0.35).astype(int).tolist()}
    tags, units = make_tables(flags, docs_per_group=5)
    out = compare_groups(tags, units, by="outlet", categories=["security"], test="units")
    omni = out[out["comparison"] == "omnibus"].iloc[0]
    table = np.array([[sum(f), len(f) - sum(f)] for f in flags.values()])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert omni["test"] == "chi2"
    assert omni["statistic"] == pytest.approx(chi2)
    assert omni["p_value"] == pytest.approx(p)
    assert omni["dof"] == dof == 2
    assert omni["cramers_v"] == pytest.approx(stats.contingency.association(table, method="cramer"))
    pairs = out[out["comparison"] == "pairwise"]
    assert list(zip(pairs["group_a"], pairs["group_b"], strict=True)) == [("A", "B"), ("A", "C"), ("B", "C")]
    ab = pairs.iloc[0]
    assert ab["risk_difference"] == pytest.approx(sum(flags["A"]) / 60 - sum(flags["B"]) / 50)
    assert ab["rd_low"] < ab["risk_difference"] < ab["rd_high"]


def test_small_two_by_two_uses_fisher_like_scipy():
    tags, units = make_tables({"A": [1, 1, 1, 0, 0], "B": [0, 0, 0, 0, 1, 0]}, docs_per_group=2)
    row = compare_groups(tags, units, by="outlet", categories="security", test="units").iloc[0]
    odds, p = stats.fisher_exact([[3, 2], [1, 5]])
    assert row["comparison"] == "pair"
    assert row["test"] == "fisher"
    assert row["p_value"] == pytest.approx(p)
    assert row["statistic"] == pytest.approx(odds)
    assert (row["n_a"], row["x_a"], row["n_b"], row["x_b"]) == (5, 3, 6, 1)


def test_permutation_test_agrees_with_chi_square_for_independent_units():
    rng = np.random.default_rng(2)
    flags = {"A": (rng.random(150) < 0.3).astype(int).tolist(),
             "B": (rng.random(150) < 0.42).astype(int).tolist()}
    tags, units = make_tables(flags, docs_per_group=5)
    chi = compare_groups(tags, units, by="outlet", categories="security", test="chi2").iloc[0]
    perm = compare_groups(tags, units, by="outlet", categories="security", test="permutation",
                          cluster="unit", n_perm=4000, seed=1).iloc[0]
    assert perm["test"] == "permutation (cluster)"
    assert perm["statistic"] == pytest.approx(chi["statistic"])
    assert abs(perm["p_value"] - chi["p_value"]) < 0.03


def test_cluster_permutation_respects_clustering():
    """Five documents of 20 units per outlet; every unit of a document shares
    its frame. A: 3 of 5 documents carry it, B: 2 of 5. Unit-level chi-square
    sees 60/100 against 40/100; permuting whole documents sees 3 against 2."""
    unit_rows, tag_rows = [], []
    for g, carriers in (("A", 3), ("B", 2)):
        for d in range(5):
            for i in range(20):
                uid = f"{g}{d}-{i}"
                unit_rows.append({"unit_id": uid, "doc_id": f"{g}{d}", "role": "body", "outlet": g})
                tag_rows.append({"unit_id": uid, "category": "security", "present": d < carriers})
    tags, units = pd.DataFrame(tag_rows), pd.DataFrame(unit_rows)
    chi = compare_groups(tags, units, by="outlet", test="chi2").iloc[0]
    perm = compare_groups(tags, units, by="outlet", test="permutation", cluster="doc", n_perm=2000).iloc[0]
    assert chi["p_value"] < 0.01
    assert perm["test"] == "permutation (cluster)"
    assert perm["p_value"] > 0.3  # 252 ways to split ten documents: a 3-2 split is unremarkable


def test_mixed_sources_are_named():
    tags, units = make_tables({"A": [1, 0], "B": [0, 1]})
    both = pd.concat([tags.assign(source="codebook:surveillance"), tags.assign(source="model:frames")])
    with pytest.raises(ThreadframeError, match="filter on 'source'"):
        prevalence(both, units, by="outlet")


def test_multiple_comparison_corrections():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # Holm by hand: sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 -> running max
    assert adjust_pvalues(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust_pvalues(p, "bh") == pytest.approx(stats.false_discovery_control(p, method="bh"))
    with_nan = adjust_pvalues([0.01, np.nan, 0.02], "bh")
    assert np.isnan(with_nan[1]) and with_nan[0] == pytest.approx(0.02)


def test_corrections_are_applied_across_categories():
    rng = np.random.default_rng(4)
    flags = {"A": (rng.random(80) < 0.2).astype(int).tolist(), "B": (rng.random(80) < 0.5).astype(int).tolist()}
    tags, units = make_tables(flags, docs_per_group=5)
    out = compare_groups(tags, units, by="outlet")
    assert out["p_holm"].to_numpy() == pytest.approx(adjust_pvalues(out["p_value"], "holm"))
    assert out["p_bh"].to_numpy() == pytest.approx(stats.false_discovery_control(out["p_value"]))


def test_errors_name_the_problem():
    tags, units = make_tables({"A": [1, 0], "B": [0, 1], "C": [1, 1]})
    with pytest.raises(ThreadframeError, match="not a column"):
        prevalence(tags, units, by="newspaper")
    with pytest.raises(ThreadframeError, match="exactly two groups"):
        compare_groups(tags, units, by="outlet", test="fisher")
    with pytest.raises(ThreadframeError, match="missing column"):
        prevalence(tags.drop(columns="present"), units, by="outlet")
    with pytest.raises(ThreadframeError, match="fewer than two groups"):
        compare_groups(tags, units.assign(outlet="A"), by="outlet")


def test_lazy_public_names():
    assert analysis.prevalence is prevalence
    assert analysis.compare_groups is compare_groups


def test_one_document_per_group_is_descriptive_not_tested():
    rng = np.random.default_rng(4)
    flags = {"A": (rng.random(80) < 0.2).astype(int).tolist(), "B": (rng.random(80) < 0.5).astype(int).tolist()}
    tags, units = make_tables(flags)  # one document per outlet
    one = compare_groups(tags, units, by="outlet")
    assert one["descriptive"].all() and one.attrs["descriptive"]
    assert one["p_value"].isna().all() and one["p_holm"].isna().all() and one["p_bh"].isna().all()
    assert one["rd_low"].isna().all() and one["statistic"].isna().all()
    assert one["test"].str.startswith("none (descriptive: 1 document in a group").all()
    assert (one["n_docs_a"] == 1).all() and (one["min_group_docs"] == 1).all()
    # the shares and effect sizes still describe those documents
    sec = one[one["category"] == "security"].iloc[0]
    assert sec["share_a"] == pytest.approx(np.mean(flags["A"]))
    assert sec["risk_difference"] == pytest.approx(np.mean(flags["A"]) - np.mean(flags["B"]))
    # with several documents per outlet the same units are tested
    five = compare_groups(*make_tables(flags, docs_per_group=5), by="outlet")
    assert not five["descriptive"].any() and five["p_value"].notna().all()
    assert (five["n_docs_b"] == 5).all()
    pd.testing.assert_series_equal(five["share_a"], one["share_a"])
    # min_docs=1 tests anyway; a higher bar makes five documents descriptive too
    forced = compare_groups(tags, units, by="outlet", min_docs=1, test="units")
    five_units = compare_groups(*make_tables(flags, docs_per_group=5), by="outlet", test="units")
    assert forced["p_value"].to_numpy() == pytest.approx(five_units["p_value"].to_numpy())
    assert compare_groups(*make_tables(flags, docs_per_group=5), by="outlet", min_docs=6)[
        "descriptive"].all()
    with pytest.raises(ThreadframeError, match="min_docs"):
        compare_groups(tags, units, by="outlet", min_docs=0)


def test_three_outlets_one_with_one_document():
    flags = {g: [1, 0, 1, 0, 0, 1, 1, 0] for g in ("A", "B", "C")}
    tags, units = make_tables(flags, docs_per_group=4)
    units.loc[units["outlet"] == "C", "doc_id"] = "C-doc0"
    out = compare_groups(tags, units, by="outlet", categories="security")
    assert out.loc[out["comparison"] == "omnibus", "descriptive"].all()  # C has one document
    pairs = out[out["comparison"] == "pairwise"].set_index(["group_a", "group_b"])
    assert not pairs.loc[("A", "B"), "descriptive"] and pairs.loc[("A", "B"), "p_value"] >= 0
    assert pairs.loc[("A", "C"), "descriptive"] and pairs.loc[("B", "C"), "descriptive"]
    assert not out.attrs["descriptive"]


def test_the_default_test_permutes_whole_documents():
    """Units of one document are not independent: by default they move together."""
    # Two outlets, three documents each; within a document every paragraph agrees,
    # so there are really six observations, not 120.
    flags = {"A": [int(i % 3 != 2) for i in range(60)], "B": [int(i % 3 == 2) for i in range(60)]}
    tags, units = make_tables(flags, docs_per_group=3)
    default = compare_groups(tags, units, by="outlet", categories="security", cluster="doc").iloc[0]
    naive = compare_groups(tags, units, by="outlet", categories="security", test="units").iloc[0]
    assert default["test"] == "permutation (cluster)"
    assert naive["p_value"] < 0.001  # 40/60 against 20/60 as if 120 independent paragraphs
    assert default["p_value"] > 0.2  # 2 of 3 documents against 1 of 3: no evidence


def test_cluster_bootstrap_memory_does_not_grow_with_replicates_times_clusters():
    """n_boot x clusters weights at once took 9.8 GB per group on 5M comments (issue 15)."""
    import tracemalloc

    from analysis.compare.groups import _bootstrap_shares

    rng = np.random.default_rng(0)
    k = 50_000
    x = rng.integers(0, 3, (k, 2))
    n = x.sum(axis=1) + 1
    tracemalloc.start()
    try:
        boot = _bootstrap_shares(x, n, 1000, np.random.SeedSequence(1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert boot.shape == (1000, 2)
    assert peak < 150e6  # one matrix of weights would be 400 MB, twice that with the integer draw
    share = x.sum(axis=0) / n.sum()
    assert np.all(np.abs(boot.mean(axis=0) - share) < 0.002)


def test_wilson_bounds_are_exact_at_zero_and_n():
    low, high = wilson_interval(np.array([0, 3, 3]), np.array([3, 3, 7]))
    assert low[0] == 0.0 and high[1] == 1.0
    assert np.all(low <= np.array([0, 1, 3 / 7])) and np.all(high >= np.array([0, 1, 3 / 7]))
