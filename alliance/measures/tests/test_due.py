import datetime

from alliance.care.models import Attendance
from alliance.measures import services
from alliance.measures.models import CheckInSchedule
from alliance.measures.tests.helpers import PHQ9_NONE, add_session, give_response, wai

MONDAY = datetime.date(2026, 3, 2)


def week(n):
    return MONDAY + datetime.timedelta(weeks=n)


def due_codes(client, respondent=None):
    return [d.instrument.code for d in services.due_checkins(client, respondent)]


def test_it_asks_for_nothing_before_the_first_session(personas):
    assert due_codes(personas.a) == []


def test_it_asks_for_all_four_forms_after_the_first_session_by_default(personas):
    add_session(personas.a, week(0))
    assert due_codes(personas.a, "client") == ["gad7", "phq9", "wai-sr"]
    assert due_codes(personas.a, "counselor") == ["wai-sr-predicted"]


def test_it_ties_each_due_form_to_the_latest_attended_session(personas):
    add_session(personas.a, week(0))
    latest = add_session(personas.a, week(1))
    add_session(personas.a, week(2), attendance=Attendance.CANCELLED)
    add_session(personas.a, week(3), attendance=Attendance.NO_SHOW)
    assert {d.session for d in services.due_checkins(personas.a)} == {latest}


def test_it_stops_asking_for_a_form_once_answered(personas):
    session = add_session(personas.a, week(0))
    give_response(personas.a, "phq9", PHQ9_NONE, session=session)
    give_response(personas.a, "wai-sr-predicted", wai(4), session=session)
    assert due_codes(personas.a) == ["gad7", "wai-sr"]


def test_it_does_not_count_an_answer_without_a_session(personas):
    add_session(personas.a, week(0))
    give_response(personas.a, "phq9", PHQ9_NONE)
    assert "phq9" in due_codes(personas.a)


def test_it_lets_an_unanswered_form_lapse_when_a_newer_session_comes(personas):
    first = add_session(personas.a, week(0))
    give_response(personas.a, "phq9", PHQ9_NONE, session=first)
    add_session(personas.a, week(1))
    assert "phq9" in due_codes(personas.a)


def test_it_follows_an_every_third_session_schedule_counting_attended_sessions(personas):
    CheckInSchedule.objects.create(client=personas.a, intervals={"phq9": 3})
    asked = []
    for n in range(8):
        add_session(personas.a, week(n))
        if n == 2:
            add_session(personas.a, week(n) + datetime.timedelta(days=2), Attendance.NO_SHOW)
        asked.append(due_codes(personas.a) == ["phq9"])
    # Attended sessions 1, 4 and 7 (weeks 0, 3 and 6); the missed session does not count.
    assert asked == [True, False, False, True, False, False, True, False]


def test_it_asks_for_nothing_the_counselor_switched_off(personas):
    CheckInSchedule.objects.create(client=personas.a, intervals={"wai-sr": 1})
    add_session(personas.a, week(0))
    assert due_codes(personas.a) == ["wai-sr"]


def test_it_orders_sessions_on_the_same_day_by_when_they_were_recorded(personas):
    CheckInSchedule.objects.create(client=personas.a, intervals={"phq9": 2})
    add_session(personas.a, week(0))
    second = add_session(personas.a, week(0))
    session, number = services.latest_attended(personas.a)
    assert (session, number) == (second, 2)
    assert due_codes(personas.a) == []


def test_it_describes_intervals_in_words():
    assert services.describe_interval(1) == "After every session"
    assert services.describe_interval(2) == "After the first session, then every 2nd session"
    assert services.describe_interval(3) == "After the first session, then every 3rd session"
    assert services.describe_interval(4) == "After the first session, then every 4th session"
    assert services.describe_interval(0) == "Not asked for"
