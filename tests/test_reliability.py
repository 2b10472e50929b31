"""Krippendorff's alpha against the worked examples of Krippendorff (2011),
"Computing Krippendorff's Alpha-Reliability", and kappa against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

import analysis
from analysis.validation.reliability import ReliabilityError

NA = np.nan
# Section C of the paper: 4 observers, 12 units, missing data (unit 12 has one value).
FOUR_CODERS = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
])
# Section A: binary data, two observers, no missing data.
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# Section B: nominal data, two observers, no missing data.
NOMINAL_AB = [list("aabbdcccedda"), list("babbbccceddd")]


@pytest.mark.parametrize("level, expected", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_four_coder_example_with_missing_data(level, expected):
    result = analysis.krippendorff_alpha(FOUR_CODERS, level=level)
    assert round(result.alpha, 3) == expected
    assert result.n_units == 11  # unit 12 has a single value and is not pairable
    assert result.n_values == 40


def test_binary_two_observer_example():
    assert round(analysis.krippendorff_alpha(BINARY).alpha, 3) == 0.095


def test_nominal_two_observer_example_with_letters():
    assert round(analysis.krippendorff_alpha(NOMINAL_AB).alpha, 3) == 0.692


def test_long_table_gives_same_alpha_as_wide():
    wide = pd.DataFrame(FOUR_CODERS, index=list("ABCD"))
    long = (wide.rename_axis(index="coder", columns="unit_id").stack().rename("code").reset_index())
    assert analysis.krippendorff_alpha(long, "interval").alpha == pytest.approx(
        analysis.krippendorff_alpha(wide, "interval").alpha)


def test_input_is_not_mutated_and_order_of_units_does_not_matter():
    wide = pd.DataFrame(FOUR_CODERS)
    before = wide.copy()
    shuffled = wide[wide.columns[::-1]]
    assert analysis.krippendorff_alpha(shuffled, "ordinal").alpha == pytest.approx(0.815, abs=5e-4)
    pd.testing.assert_frame_equal(wide, before)


def test_perfect_agreement_and_no_variation():
    assert analysis.krippendorff_alpha([[1, 2, 3], [1, 2, 3]]).alpha == 1.0
    assert np.isnan(analysis.krippendorff_alpha([[1, 1, 1], [1, 1, 1]]).alpha)


def test_bootstrap_interval_is_seeded_and_brackets_alpha():
    a = analysis.krippendorff_alpha(FOUR_CODERS, n_boot=500, random_state=3)
    b = analysis.krippendorff_alpha(FOUR_CODERS, n_boot=500, random_state=3)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert a.ci_low < a.alpha < a.ci_high
    assert a.ci_high <= 1.0


def test_cohen_kappa_matches_sklearn():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 4, 200)
    y = np.where(rng.random(200) < 0.7, x, rng.integers(0, 4, 200))
    assert analysis.cohen_kappa([x, y]) == pytest.approx(cohen_kappa_score(x, y))
    letters = np.array(NOMINAL_AB)
    assert analysis.cohen_kappa(letters) == pytest.approx(cohen_kappa_score(*letters))


def test_cohen_kappa_needs_two_coders():
    with pytest.raises(ReliabilityError, match="exactly two coders"):
        analysis.cohen_kappa(FOUR_CODERS)


def test_fleiss_kappa_on_fleiss_1971_style_table():
    # Complete data, 3 coders: compare with the textbook formula written out.
    data = np.array([[1, 1, 2, 2, 3, 1], [1, 2, 2, 2, 3, 1], [1, 1, 2, 3, 3, 2]])
    counts = np.array([[np.sum(data[:, j] == v) for v in (1, 2, 3)] for j in range(6)])
    p_i = ((counts**2).sum(1) - 3) / 6
    p_j = counts.sum(0) / 18
    expected = (p_i.mean() - (p_j**2).sum()) / (1 - (p_j**2).sum())
    assert analysis.fleiss_kappa(data) == pytest.approx(expected)


def test_percent_agreement():
    assert analysis.percent_agreement(BINARY) == pytest.approx(0.6)


def test_conflicting_codes_in_long_table_are_an_error():
    long = pd.DataFrame({"coder": ["a", "a", "b"], "unit_id": ["u1", "u1", "u1"], "code": [1, 0, 1]})
    with pytest.raises(ReliabilityError, match="more than one code"):
        analysis.krippendorff_alpha(long)


def test_unknown_level_and_text_at_interval_level():
    with pytest.raises(ReliabilityError, match="level must be"):
        analysis.krippendorff_alpha(BINARY, level="cardinal")
    with pytest.raises(ReliabilityError, match="numeric"):
        analysis.krippendorff_alpha(NOMINAL_AB, level="interval")


def test_report_per_category_and_overall():
    rows = []
    for coder, codes in zip("AB", BINARY, strict=True):
        for i, c in enumerate(codes):
            rows.append((coder, f"u{i}", "security", c))
            rows.append((coder, f"u{i}", "rights", 1 - c if i < 5 else c))
    long = pd.DataFrame(rows, columns=["coder", "unit_id", "category", "code"])
    report = analysis.reliability_report(long, n_boot=200)
    assert list(report["category"]) == ["security", "rights", "(overall)"]
    sec = report.set_index("category").loc["security"]
    assert round(sec["alpha"], 3) == 0.095
    assert sec["cohen_kappa"] == pytest.approx(cohen_kappa_score(*BINARY))
    assert sec["n_units"] == 10
    assert report.set_index("category").loc["(overall)", "n_units"] == 20


def test_report_from_a_wide_table():
    report = analysis.reliability_report(pd.DataFrame(FOUR_CODERS), "interval", n_boot=100)
    assert list(report["category"]) == ["(all)"]
    assert round(report.loc[0, "alpha"], 3) == 0.849
    assert report.loc[0, "n_coders"] == 4 and np.isnan(report.loc[0, "cohen_kappa"])


# Ordered labels. Hand computation for two coders on four units
# (low, low), (low, mid), (mid, high), (high, high): coincidences o = [[2, 1, 0], [1, 0, 1],
# [0, 1, 2]], n = (3, 2, 3), n.. = 8; ordinal delta^2: low-mid = (3 + 2 - 5/2)^2 = 6.25,
# mid-high = (2 + 3 - 5/2)^2 = 6.25, low-high = (3 + 2 + 3 - 3)^2 = 25; observed sum o*delta^2 = 25,
# expected sum n_c*n_k*delta^2 = 2 * (6 * 6.25 + 6 * 6.25 + 9 * 25) = 600, so
# alpha = 1 - (8 - 1) * 25 / 600. In alphabetical order (high < low < mid) it would be 0.148.
LEVELS3 = ["low", "mid", "high"]
ORDERED3 = pd.CategoricalDtype(LEVELS3, ordered=True)
CODES3 = [["low", "low", "mid", "high"], ["low", "mid", "high", "high"]]
HAND_ALPHA3 = 1 - 7 * 25 / 600


def _long(rows, dtype=None) -> pd.DataFrame:
    table = pd.DataFrame([(f"c{i}", f"u{j}", v) for i, row in enumerate(rows)
                          for j, v in enumerate(row)], columns=["coder", "unit_id", "code"])
    return table.astype({"code": dtype}) if dtype is not None else table


def test_ordinal_alpha_uses_the_order_of_an_ordered_categorical():
    wide = pd.DataFrame(CODES3).astype(ORDERED3)
    assert analysis.krippendorff_alpha(wide, "ordinal").alpha == pytest.approx(HAND_ALPHA3)
    assert analysis.krippendorff_alpha(_long(CODES3, ORDERED3), "ordinal").alpha == pytest.approx(
        HAND_ALPHA3)
    plain = pd.DataFrame(CODES3)
    assert analysis.krippendorff_alpha(plain, "ordinal", values=LEVELS3).alpha == pytest.approx(
        HAND_ALPHA3)
    # Codes the data do not use do not change alpha; a reversed order gives the same alpha.
    assert analysis.krippendorff_alpha(plain, "ordinal", values=["none", *LEVELS3]).alpha == (
        pytest.approx(HAND_ALPHA3))
    assert analysis.krippendorff_alpha(plain, "ordinal", values=LEVELS3[::-1]).alpha == (
        pytest.approx(HAND_ALPHA3))


def test_published_ordinal_example_with_labels_in_their_own_order():
    # Section C with the values 1-5 as labels whose alphabetical order is not their order.
    names = ["none", "low", "some", "high", "all"]
    labelled = pd.DataFrame(FOUR_CODERS).apply(
        lambda col: col.map(lambda v: np.nan if np.isnan(v) else names[int(v) - 1]))
    assert round(analysis.krippendorff_alpha(labelled, "ordinal", values=names).alpha, 3) == 0.815
    ordered = labelled.astype(pd.CategoricalDtype(names, ordered=True))
    result = analysis.krippendorff_alpha(ordered, "ordinal")
    assert round(result.alpha, 3) == 0.815 and result.n_values == 40
    # The order matters: the alphabet's order (all < high < low < none < some) gives another alpha.
    alphabetical = analysis.krippendorff_alpha(labelled, "ordinal", values=sorted(names)).alpha
    assert round(alphabetical, 3) != 0.815


def test_ordinal_labels_without_an_order_are_an_error():
    with pytest.raises(ReliabilityError, match=r"values=.*ordered pandas Categorical"):
        analysis.krippendorff_alpha(CODES3, "ordinal")
    unordered = pd.DataFrame(CODES3).astype(pd.CategoricalDtype(LEVELS3, ordered=False))
    with pytest.raises(ReliabilityError, match="values="):
        analysis.krippendorff_alpha(unordered, "ordinal")


def test_codes_missing_from_values_are_named():
    with pytest.raises(ReliabilityError, match=r"not in values=: 'high'"):
        analysis.krippendorff_alpha(CODES3, "ordinal", values=["low", "mid"])
    with pytest.raises(ReliabilityError, match=r"not in values=: 'c', 'e'"):
        analysis.krippendorff_alpha(NOMINAL_AB, values=list("abd"))
    with pytest.raises(ReliabilityError, match="more than once"):
        analysis.krippendorff_alpha(CODES3, "ordinal", values=["low", "mid", "low", "high"])


def test_values_and_categorical_order_must_agree():
    wide = pd.DataFrame(CODES3).astype(ORDERED3)
    with pytest.raises(ReliabilityError, match="make the two agree"):
        analysis.krippendorff_alpha(wide, "ordinal", values=["mid", "low", "high"])
    assert analysis.krippendorff_alpha(wide, "ordinal", values=LEVELS3).alpha == pytest.approx(
        HAND_ALPHA3)


def test_interval_and_ratio_need_numbers_even_when_ordered():
    wide = pd.DataFrame(CODES3).astype(ORDERED3)
    for level in ("interval", "ratio"):
        with pytest.raises(ReliabilityError, match=f"{level} alpha needs numeric codes; found 'low'"):
            analysis.krippendorff_alpha(wide, level)
        with pytest.raises(ReliabilityError, match="numeric"):
            analysis.krippendorff_alpha(CODES3, level, values=LEVELS3)
    numeric = pd.DataFrame(FOUR_CODERS)
    assert round(analysis.krippendorff_alpha(numeric, "interval", values=[1, 2, 3, 4, 5]).alpha,
                 3) == 0.849


def test_report_passes_the_order_on():
    long = pd.concat([_long(CODES3).assign(category=name) for name in ("tone", "harm")])
    ordered = long.astype({"code": ORDERED3})
    for table, kwargs in ((ordered, {}), (long, {"values": LEVELS3})):
        report = analysis.reliability_report(table, "ordinal", n_boot=20, **kwargs)
        alphas = report.set_index("category")["alpha"]
        assert list(alphas.index) == ["tone", "harm", "(overall)"]
        assert alphas["tone"] == pytest.approx(HAND_ALPHA3)
        assert alphas["harm"] == pytest.approx(HAND_ALPHA3)
    wide = analysis.reliability_report(pd.DataFrame(CODES3).astype(ORDERED3), "ordinal", n_boot=0)
    assert wide.loc[0, "alpha"] == pytest.approx(HAND_ALPHA3)
    with pytest.raises(ReliabilityError, match="values="):
        analysis.reliability_report(long, "ordinal", n_boot=0)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

tables = st.integers(2, 4).flatmap(lambda c: st.integers(3, 12).flatmap(
    lambda u: st.lists(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=u, max_size=u),
                       min_size=c, max_size=c)))


@settings(max_examples=60, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_alpha_ignores_order_of_coders_and_units_and_nominal_names(rows, rnd):
    data = pd.DataFrame(rows, dtype=float)
    expected = analysis.krippendorff_alpha(data).alpha
    shuffled = data.sample(frac=1.0, random_state=rnd.randint(0, 99))
    shuffled = shuffled[rnd.sample(list(data.columns), len(data.columns))]
    renamed = data.replace({1.0: 40.0, 2.0: 3.0, 3.0: 2.0, 4.0: 10.0})
    for other in (analysis.krippendorff_alpha(shuffled).alpha,
                  analysis.krippendorff_alpha(renamed).alpha):
        assert (np.isnan(expected) and np.isnan(other)) or other == pytest.approx(expected)
    if not np.isnan(expected):
        assert expected <= 1.0


@settings(max_examples=40, deadline=None)
@given(tables, st.permutations(["w", "x", "y", "z"]))
def test_ordinal_labels_in_a_given_order_match_their_ranks(rows, order):
    ranks = pd.DataFrame(rows, dtype=float)
    labels = ranks.apply(lambda col: col.map(lambda v: np.nan if np.isnan(v) else order[int(v) - 1]))
    expected = analysis.krippendorff_alpha(ranks, "ordinal").alpha
    for got in (analysis.krippendorff_alpha(labels, "ordinal", values=order).alpha,
                analysis.krippendorff_alpha(labels.astype(pd.CategoricalDtype(order, ordered=True)),
                                            "ordinal").alpha):
        assert (np.isnan(expected) and np.isnan(got)) or got == pytest.approx(expected)
