"""Service figures: rates over the right people, small numbers withheld, the alliance–outcome
correlation with its interval, and how well predictions matched."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import get_instrument, person_outcome
from alliance.psychometrics.service import (
    MIN_GROUP,
    correlation,
    outcome_figures,
    prediction_accuracy,
)

PHQ9, GAD7 = get_instrument("phq9"), get_instrument("gad7")


def person(p1, p2, g1, g2):
    return person_outcome(PHQ9, p1, p2, GAD7, g1, g2)


# Seven paired clients worked by hand:
#   A 18→9,  12→5  case, recovered, reliable improvement, reliable recovery
#   B 18→9,  12→9  case, not recovered (anxiety 9 ≥ 8), reliable improvement
#   C 12→8,  9→7   case, recovered, no reliable change
#   D 15→16, 10→15 case, not recovered, reliable deterioration (GAD-7 +5)
#   E 5→2,   3→2   not a case
#   F 4→4,   2→8   not a case at the start, reliable deterioration (GAD-7 +6)
#   G 20→4,  15→3  case, recovered, reliable improvement, reliable recovery
CLINIC = [
    person(18, 9, 12, 5),
    person(18, 9, 12, 9),
    person(12, 8, 9, 7),
    person(15, 16, 10, 15),
    person(5, 2, 3, 2),
    person(4, 4, 2, 8),
    person(20, 4, 15, 3),
]


def test_it_counts_people_over_the_published_denominators():
    figures = outcome_figures(CLINIC)
    assert figures == {
        "paired": 7,
        "caseness_start": 5,
        "recovered": 3,
        "reliable_recovery": 2,
        "reliable_improvement": 3,
        "reliable_deterioration": 2,
        "recovery_rate": 0.6,  # 3 of the 5 who were a case at the start
        "reliable_recovery_rate": 0.4,
        "reliable_improvement_rate": round(3 / 7, 3),  # over all 7 paired
        "reliable_deterioration_rate": round(2 / 7, 3),
    }


def test_it_says_too_few_to_say_below_five_people():
    # Six paired, but only four were a case at the start: recovery figures are withheld.
    figures = outcome_figures([p for p in CLINIC if p is not CLINIC[2]])
    assert figures["paired"] == 6
    assert figures["caseness_start"] == 4
    assert figures["recovery_rate"] is None and figures["recovered"] is None
    assert figures["reliable_recovery_rate"] is None
    assert figures["reliable_improvement_rate"] == 0.5
    few = outcome_figures(CLINIC[:4])
    assert few["paired"] == 4
    assert all(
        few[name] is None
        for name in ("caseness_start", "reliable_improvement", "reliable_improvement_rate")
    )


def test_it_has_nothing_to_say_about_nobody():
    figures = outcome_figures([])
    assert figures["paired"] == 0 and figures["recovery_rate"] is None


def test_it_computes_pearsons_r_with_fishers_interval():
    # By hand: deviations x -2..2, y -2,0,1,0,1; Sxy 6, Sxx 10, Syy 6, r = 6/√60 = .775.
    # z = atanh(.7746) = 1.0317, SE = 1/√2, z ± 1.96·SE → tanh → (−.340, .984).
    result = correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    assert result == {"r": 0.775, "n": 5, "ci95": [-0.34, 0.984]}


def test_it_withholds_r_under_five_and_when_nothing_varies():
    assert correlation([1, 2, 3, 4], [4, 3, 2, 1]) == {"r": None, "n": 4, "ci95": None}
    assert correlation([3] * 6, [1, 2, 3, 4, 5, 6])["r"] is None


def test_it_refuses_unpaired_values():
    with pytest.raises(ValueError, match="same number"):
        correlation([1, 2], [1])


values = st.lists(st.integers(-60, 60), min_size=MIN_GROUP, max_size=40)


@given(values, st.data())
def test_r_lies_in_its_interval_and_between_minus_one_and_one(xs, data):
    ys = data.draw(st.lists(st.integers(-60, 60), min_size=len(xs), max_size=len(xs)))
    result = correlation(xs, ys)
    if result["r"] is None:
        return
    low, high = result["ci95"]
    assert -1 <= low <= result["r"] + 0.001 and result["r"] - 0.001 <= high <= 1
    assert correlation(ys, xs)["r"] == result["r"]
    assert math.isclose(correlation(xs, [-y for y in ys])["r"], -result["r"], abs_tol=0.001)


def test_it_measures_prediction_gaps_as_prediction_minus_client():
    client_1 = {"total": 40, "subscales": {"goal": 12, "task": 14}, "items": {"1": 3, "2": 5}}
    predicted_1 = {"total": 46, "subscales": {"goal": 16, "task": 14}, "items": {"1": 5, "2": 4}}
    client_2 = {"total": 50, "subscales": {"goal": 18, "task": 16}, "items": {"1": 4, "2": 4}}
    predicted_2 = {"total": 48, "subscales": {"goal": 16, "task": 16}, "items": {"1": 4, "2": 4}}
    result = prediction_accuracy([(client_1, predicted_1), (client_2, predicted_2)])
    assert result["sessions"] == 2
    assert (result["mean_gap"], result["mean_abs_gap"]) == (2.0, 4.0)  # (+6, −2)
    assert result["subscales"]["goal"] == {"mean_gap": 1.0, "mean_abs_gap": 3.0}  # (+4, −2)
    assert result["subscales"]["task"] == {"mean_gap": 0.0, "mean_abs_gap": 0.0}
    assert result["items"]["1"] == {"mean_gap": 1.0, "mean_abs_gap": 1.0}  # (+2, 0)
    assert result["items"]["2"] == {"mean_gap": -0.5, "mean_abs_gap": 0.5}  # (−1, 0)


def test_it_reports_no_gap_without_sessions():
    assert prediction_accuracy([]) == {
        "sessions": 0,
        "mean_gap": None,
        "mean_abs_gap": None,
        "subscales": {},
        "items": {},
    }
