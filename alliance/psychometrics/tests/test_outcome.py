"""A person's outcome over the depression and the anxiety measure, as NHS Talking Therapies
define it: worked examples of each definition, and properties that must hold for every pair."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import get_instrument, person_outcome
from alliance.psychometrics.outcome import PairedSession, course_outcome, paired_sessions

PHQ9, GAD7 = get_instrument("phq9"), get_instrument("gad7")


def outcome(phq9_first, phq9_last, gad7_first, gad7_last):
    return person_outcome(PHQ9, phq9_first, phq9_last, GAD7, gad7_first, gad7_last)


def verdict(result):
    return (
        result["caseness_start"],
        result["caseness_end"],
        result["recovered"],
        result["reliable_improvement"],
        result["reliable_deterioration"],
        result["reliable_recovery"],
    )


@pytest.mark.parametrize(
    ("totals", "expected", "why"),
    [
        # caseness start, end, recovered, improvement, deterioration, reliable recovery
        ((18, 9, 12, 5), (True, False, True, True, False, True), "both below: reliable recovery"),
        (
            (18, 9, 12, 9),
            (True, True, False, True, False, False),
            "anxiety still at 9, at or above 8: not recovered, whatever depression did",
        ),
        (
            (12, 8, 9, 7),
            (True, False, True, False, False, False),
            "below both cut-offs but no reliable change: recovered, not reliably",
        ),
        (
            (5, 2, 9, 3),
            (True, False, True, True, False, True),
            "a case on anxiety alone is a case: GAD-7 9 -> 3",
        ),
        (
            (5, 2, 3, 2),
            (False, False, None, False, False, None),
            "not a case at the start: recovery does not apply",
        ),
        (
            (18, 9, 4, 9),
            (True, True, False, False, False, False),
            "depression reliably better, anxiety reliably worse: neither improvement nor "
            "deterioration",
        ),
        (
            (10, 16, 8, 8),
            (True, True, False, False, True, False),
            "depression reliably worse, anxiety unchanged: reliable deterioration",
        ),
        (
            (4, 4, 2, 8),
            (False, True, None, False, True, None),
            "became a case during care: deterioration, recovery not applicable",
        ),
    ],
)
def test_it_follows_the_published_definitions(totals, expected, why):
    assert verdict(outcome(*totals)) == expected, why


def test_it_keeps_the_facts_of_each_measure_under_their_own_names():
    result = outcome(18, 9, 12, 9)
    assert result["measures"]["phq9"]["in_clinical_range_last"] is False
    assert result["measures"]["gad7"]["in_clinical_range_last"] is True
    assert result["measures"]["gad7"]["reliable"] == "no reliable change"


@pytest.mark.parametrize(
    ("totals", "message"),
    [
        ((18.5, 9, 12, 5), "phq9 first: 18.5 is not a phq9 total: its totals are whole numbers"),
        ((18, 9, 22, 5), "gad7 first: 22 is not a gad7 total"),
        ((18, None, 12, 5), "phq9 last: None is not a number"),
    ],
)
def test_it_refuses_totals_a_questionnaire_cannot_give(totals, message):
    with pytest.raises(ValueError, match=message):
        outcome(*totals)


def test_it_refuses_the_same_measure_twice():
    with pytest.raises(ValueError, match="two different measures"):
        person_outcome(PHQ9, 18, 9, PHQ9, 18, 9)


phq9_totals = st.integers(0, 27)
gad7_totals = st.integers(0, 21)


@given(phq9_totals, phq9_totals, gad7_totals, gad7_totals)
def test_its_definitions_hold_for_every_pair_of_totals(p1, p2, g1, g2):
    result = outcome(p1, p2, g1, g2)
    # Recovery, and so reliable recovery, apply only to a case at the start.
    if not result["caseness_start"]:
        assert result["recovered"] is None and result["reliable_recovery"] is None
    else:
        assert result["recovered"] is (not result["caseness_end"])
        assert result["reliable_recovery"] is (
            result["recovered"] and result["reliable_improvement"]
        )
    # Improvement and deterioration never both.
    assert not (result["reliable_improvement"] and result["reliable_deterioration"])
    # Recovered means below the cut-off on both measures at the end.
    if result["recovered"]:
        assert p2 < 10 and g2 < 8
    # Caseness is either measure at or above its cut-off.
    assert result["caseness_start"] == (p1 >= 10 or g1 >= 8)
    assert result["caseness_end"] == (p2 >= 10 or g2 >= 8)


@given(phq9_totals, phq9_totals, gad7_totals, gad7_totals)
def test_swapping_start_and_end_swaps_improvement_and_deterioration(p1, p2, g1, g2):
    forward, backward = outcome(p1, p2, g1, g2), outcome(p2, p1, g2, g1)
    assert forward["reliable_improvement"] == backward["reliable_deterioration"]
    assert forward["caseness_start"] == backward["caseness_end"]


def test_it_pairs_the_two_measures_session_by_session():
    rows = [
        (1, date(2026, 1, 5), "phq9", 17),
        (1, date(2026, 1, 5), "gad7", 14),
        (2, date(2026, 1, 12), "phq9", 15),  # no anxiety measure at session 2
        (3, date(2026, 1, 19), "gad7", 12),
        (3, date(2026, 1, 19), "phq9", 12),
        (3, date(2026, 1, 19), "phq9", 11),  # answered again: the last answer counts
        (None, date(2026, 1, 20), "phq9", 3),  # not at a session
        (4, date(2026, 1, 26), "wai-sr", 50),
    ]
    pairs = paired_sessions(rows, "phq9", "gad7")
    assert [(p.key, p.depression, p.anxiety) for p in pairs] == [(1, 17, 14), (3, 11, 12)]


def test_it_counts_change_from_the_first_measured_session_whatever_the_period():
    pairs = [
        PairedSession(1, date(2026, 1, 5), 17, 14),
        PairedSession(2, date(2026, 2, 2), 12, 9),
        PairedSession(3, date(2026, 3, 2), 5, 5),
    ]
    whole = course_outcome(pairs, PHQ9, GAD7)
    assert whole["first"]["day"] == "2026-01-05" and whole["last"]["day"] == "2026-03-02"
    assert whole["measures"]["phq9"]["change"] == -12 and whole["recovered"] is True
    up_to_february = course_outcome(pairs, PHQ9, GAD7, until=date(2026, 2, 28))
    assert up_to_february["last"]["day"] == "2026-02-02"
    assert up_to_february["measures"]["phq9"]["change"] == -5
    assert up_to_february["recovered"] is False  # GAD-7 9 is still at or above 8
    assert course_outcome(pairs, PHQ9, GAD7, until=date(2026, 1, 31)) is None
    assert course_outcome(pairs[:1], PHQ9, GAD7) is None
