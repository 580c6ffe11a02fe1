"""Who counts in a period's figures, the early alliance, and the alliance–outcome link: worked
examples of each definition, and properties that hold for any course of care."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import get_instrument
from alliance.psychometrics.outcome import PairedSession, course_outcome
from alliance.psychometrics.period import alliance_outcome_link, early_alliance, period_outcome

PHQ9, GAD7 = get_instrument("phq9"), get_instrument("gad7")

COURSE = [
    PairedSession(1, date(2026, 1, 5), 17, 14),
    PairedSession(2, date(2026, 2, 2), 12, 9),
    PairedSession(3, date(2026, 3, 2), 5, 5),
]


def outcome_in(start, end, pairs=COURSE):
    return period_outcome(pairs, PHQ9, GAD7, start=start, end=end)


def test_it_counts_a_client_in_the_period_of_their_last_measured_session():
    march = outcome_in(date(2026, 3, 1), date(2026, 3, 31))
    assert march["last"]["day"] == "2026-03-02" and march["recovered"] is True
    # In February the course ends at the February session, still counted from January.
    february = outcome_in(date(2026, 2, 1), date(2026, 2, 28))
    assert february["first"]["day"] == "2026-01-05"
    assert february["measures"]["phq9"]["change"] == -5
    assert february["recovered"] is False


def test_it_leaves_out_a_client_whose_last_session_up_to_the_end_is_before_the_period():
    # Measured in January, February and March: nothing in April, so not paired in April.
    assert outcome_in(date(2026, 4, 1), date(2026, 4, 30)) is None
    # Up to mid-February the last session is 2 February: inside 1-15 February, outside 10-15.
    assert outcome_in(date(2026, 2, 1), date(2026, 2, 15)) is not None
    assert outcome_in(date(2026, 2, 10), date(2026, 2, 15)) is None


def test_it_needs_two_measured_sessions_up_to_the_end():
    assert outcome_in(date(2026, 1, 1), date(2026, 1, 31)) is None
    assert outcome_in(None, None, COURSE[:1]) is None
    assert outcome_in(None, None)["last"]["day"] == "2026-03-02"


def test_the_early_alliance_is_the_mean_of_the_first_three_up_to_the_end():
    checkins = [
        (date(2026, 1, 19), 50),
        (date(2026, 1, 5), 40),
        (date(2026, 1, 12), 45),
        (date(2026, 1, 26), 20),  # the fourth: never part of it
    ]
    assert early_alliance(checkins) == 45
    assert early_alliance(checkins, until=date(2026, 1, 12)) == 42.5
    assert early_alliance(checkins, until=date(2026, 1, 1)) is None
    assert early_alliance([]) is None


def test_the_link_is_over_clients_with_an_alliance_check_in():
    # Five people with an early alliance, one without: n is 5.
    people = [(40, 2), (45, -1), (50, -6), (55, -9), (60, -12), (None, -20)]
    link = alliance_outcome_link(people)
    assert link["n"] == 5
    assert link["r"] < -0.98  # a stronger alliance, a bigger fall in PHQ-9: a negative r
    assert link["ci95"][0] <= link["r"] <= link["ci95"][1]
    assert alliance_outcome_link(people[:4] + people[5:]) == {"r": None, "n": 4, "ci95": None}


days = st.integers(min_value=0, max_value=400).map(lambda n: date(2026, 1, 1) + timedelta(n))
courses = st.lists(
    st.tuples(days, st.integers(0, 27), st.integers(0, 21)), max_size=12, unique_by=lambda t: t[0]
).map(
    lambda rows: [
        PairedSession(n, day, d, a) for n, (day, d, a) in enumerate(sorted(rows), start=1)
    ]
)


@given(courses, st.one_of(st.none(), days), st.one_of(st.none(), days))
def test_a_paired_client_is_counted_from_the_first_session_to_the_last_in_the_period(
    pairs, start, end
):
    result = period_outcome(pairs, PHQ9, GAD7, start=start, end=end)
    upto = [p for p in pairs if end is None or p.day <= end]
    if len(upto) < 2 or (start is not None and upto[-1].day < start):
        assert result is None
        return
    assert result == course_outcome(pairs, PHQ9, GAD7, until=end)
    assert result["first"]["day"] == pairs[0].day.isoformat()
    assert result["last"]["day"] == upto[-1].day.isoformat()


@given(st.lists(st.tuples(days, st.integers(12, 60)), max_size=8), st.one_of(st.none(), days))
def test_the_early_alliance_lies_between_the_lowest_and_highest_early_total(checkins, until):
    mean = early_alliance(checkins, until=until)
    considered = sorted(
        (c for c in checkins if until is None or c[0] <= until), key=lambda c: c[0]
    )[:3]
    if not considered:
        assert mean is None
    else:
        totals = [t for _, t in considered]
        assert min(totals) <= mean <= max(totals)
