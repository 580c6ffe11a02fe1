import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import (
    classify_change,
    clinical_cutoffs,
    get_instrument,
    parse_definition,
    reliable_change_index,
    smallest_reliable_change,
)
from alliance.psychometrics.change import s_diff, standard_error

from .helpers import line_form

sds = st.floats(min_value=0.1, max_value=100)
reliabilities = st.floats(min_value=0, max_value=0.99)
scores = st.floats(min_value=-1000, max_value=1000)


def test_it_reproduces_the_jacobson_truax_example():
    assert standard_error(7.5, 0.80) == pytest.approx(3.3541, abs=1e-4)
    assert s_diff(7.5, 0.80) == pytest.approx(4.7434, abs=1e-4)
    assert smallest_reliable_change(7.5, 0.80) == pytest.approx(9.297, abs=1e-3)
    assert reliable_change_index(40, 50, 7.5, 0.80) == pytest.approx(2.108, abs=1e-3)


def test_it_reproduces_the_clinical_cutoff_example():
    a, b, c = clinical_cutoffs(m_clin=40, sd_clin=7.5, m_func=60, sd_func=7.5)
    assert (a, b, c) == pytest.approx((55, 45, 50))


def test_it_weights_cutoff_c_towards_the_tighter_population():
    *_, c = clinical_cutoffs(m_clin=40, sd_clin=10, m_func=60, sd_func=5)
    assert c == pytest.approx((10 * 60 + 5 * 40) / 15)
    assert c > 50


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: reliable_change_index(1, 2, 0, 0.8), "sd must be greater than 0"),
        (lambda: reliable_change_index(1, 2, 7.5, 1.0), "rxx must be at least 0 and below 1"),
        (lambda: smallest_reliable_change(7.5, -0.1), "rxx must be at least 0 and below 1"),
        (lambda: clinical_cutoffs(40, 0, 60, 7.5), "sd_clin must be greater than 0"),
    ],
)
def test_it_rejects_impossible_parameters(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(scores, scores, sds, reliabilities)
def test_it_makes_the_reliable_change_index_antisymmetric(x1, x2, sd, rxx):
    assert reliable_change_index(x1, x2, sd, rxx) == pytest.approx(
        -reliable_change_index(x2, x1, sd, rxx)
    )


@given(sds, reliabilities)
def test_it_puts_the_smallest_reliable_change_at_rc_1_96(sd, rxx):
    change = smallest_reliable_change(sd, rxx)
    assert reliable_change_index(0, change, sd, rxx) == pytest.approx(1.96)


@pytest.mark.parametrize(
    ("code", "first", "last", "expected"),
    [
        ("phq9", 18, 9, ("improved", True, False)),
        ("phq9", 12, 8, ("no reliable change", True, False)),
        ("phq9", 15, 9, ("improved", True, False)),
        ("phq9", 15, 10, ("no reliable change", True, True)),
        ("phq9", 8, 2, ("improved", False, False)),
        ("phq9", 8, 14, ("deteriorated", False, True)),
        ("gad7", 8, 4, ("improved", True, False)),
        ("gad7", 8, 5, ("no reliable change", True, False)),
        ("gad7", 7, 11, ("deteriorated", False, True)),
    ],
)
def test_it_states_the_facts_about_one_measure(code, first, last, expected):
    result = classify_change(get_instrument(code), first, last)
    assert result["change"] == last - first
    verdict, first_in_range, last_in_range = expected
    assert (
        result["reliable"],
        result["in_clinical_range_first"],
        result["in_clinical_range_last"],
    ) == expected
    assert result["reliable_improvement"] == (verdict == "improved")
    assert result["reliable_deterioration"] == (verdict == "deteriorated")
    assert set(result) == {
        "change",
        "reliable",
        "reliable_improvement",
        "reliable_deterioration",
        "cutoff",
        "in_clinical_range_first",
        "in_clinical_range_last",
    }


def test_it_never_calls_one_measure_a_recovery():
    # Recovery is about a person over both measures (outcome.person_outcome), never one.
    result = classify_change(get_instrument("phq9"), 18, 9)
    assert not any("recover" in key for key in result)


def test_it_follows_the_direction_of_a_measure_where_higher_is_better():
    instrument = parse_definition(line_form(), "lines.json")
    result = classify_change(instrument, 20, 26.5)
    assert result == {
        "change": 6.5,
        "reliable": "improved",
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "cutoff": 25,
        "in_clinical_range_first": True,
        "in_clinical_range_last": False,
    }


def test_it_refuses_an_instrument_without_caseness_or_reliable_change():
    with pytest.raises(ValueError, match="wai-sr has no published caseness"):
        classify_change(get_instrument("wai-sr"), 40, 50)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (28, 10, "first: 28 is not a phq9 total \\(0 to 27\\)"),
        (10, -1, "last: -1 is not a phq9 total"),
        ("10", 5, "first: '10' is not a number"),
        (10, math.nan, "last: nan is not a number"),
        (18.5, 9, "first: 18.5 is not a phq9 total: its totals are whole numbers"),
        (18, 9.0001, "last: 9.0001 is not a phq9 total"),
    ],
)
def test_it_rejects_totals_the_instrument_cannot_give(first, last, message):
    with pytest.raises(ValueError, match=message):
        classify_change(get_instrument("phq9"), first, last)


MIRROR = {"improved": "deteriorated", "deteriorated": "improved"}


@given(st.sampled_from(["phq9", "gad7"]), st.data())
def test_it_mirrors_improvement_and_deterioration_when_swapped(code, data):
    instrument = get_instrument(code)
    totals = st.integers(instrument.min_total, instrument.max_total)
    first, last = data.draw(totals), data.draw(totals)
    forward = classify_change(instrument, first, last)
    backward = classify_change(instrument, last, first)
    assert backward["reliable"] == MIRROR.get(forward["reliable"], forward["reliable"])
    assert backward["change"] == -forward["change"]
    assert (backward["in_clinical_range_first"], backward["in_clinical_range_last"]) == (
        forward["in_clinical_range_last"],
        forward["in_clinical_range_first"],
    )
    assert not (forward["reliable_improvement"] and forward["reliable_deterioration"])
