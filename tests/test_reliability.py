"""Krippendorff's alpha against the worked examples of Krippendorff (2011),
"Computing Krippendorff's Alpha-Reliability", and kappa against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

import analysis
from analysis.reliability import ReliabilityError

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
