"""GET /api/v1/clients/{client_id}/outcomes: the person's outcome over PHQ-9 and GAD-7 together,
counted from the first measured session of the course of care."""

import datetime

import pytest

from alliance.audit.models import AuditEvent
from alliance.measures.tests.helpers import add_session, give_response
from alliance.reports.tests.helpers import DAYS, answers, build_history


@pytest.fixture
def history(personas):
    return build_history(personas)


def url(client, query=""):
    return f"/api/v1/clients/{client.pk}/outcomes" + (f"?{query}" if query else "")


def test_it_gives_the_persons_outcome_with_the_dates_and_scores_used(personas, history, api_as):
    body = api_as(personas.c1).get(url(personas.a)).json()
    assert body["available"] is True
    assert body["sessions_measured"] == 3
    assert body["first"] == {
        "session_id": history.sessions[0].pk,
        "date": "2026-01-05",
        "phq9": 17,
        "gad7": 14,
    }
    assert body["last"]["date"] == "2026-03-02"
    assert (body["last"]["phq9"], body["last"]["gad7"]) == (5, 5)
    assert body["caseness_start"] is True and body["caseness_end"] is False
    assert body["recovered"] is True and body["reliable_recovery"] is True
    assert body["reliable_improvement"] is True and body["reliable_deterioration"] is False
    assert body["measures"]["phq9"]["change"] == -12
    assert body["measures"]["gad7"]["reliable"] == "improved"
    assert body["from"] is None and body["to"] is None
    event = AuditEvent.objects.filter(actor_id=personas.c1.pk, action="read").latest("id")
    assert (event.object_type, event.client_id) == ("Client", personas.a.pk)


def test_from_never_moves_the_baseline_and_to_chooses_the_last_session(personas, history, api_as):
    api = api_as(personas.a.user)
    later = api.get(url(personas.a, "from=2026-02-01")).json()
    assert later["first"]["date"] == "2026-01-05"
    assert later["from"] == "2026-02-01"
    earlier = api.get(url(personas.a, "to=2026-02-15")).json()
    assert earlier["last"]["date"] == "2026-02-02"
    assert (earlier["last"]["phq9"], earlier["last"]["gad7"]) == (12, 9)
    assert earlier["recovered"] is False  # GAD-7 9 is still at or above 8
    assert earlier["reliable_improvement"] is True  # GAD-7 down 5 (4 count), PHQ-9 down 5
    assert earlier["sessions_measured"] == 2


def test_recovery_is_null_for_someone_who_was_not_a_case_at_the_start(personas, api_as):
    for day, phq, gad in (
        (DAYS[0], [1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0]),
        (DAYS[1], [1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]),
    ):
        held = add_session(personas.b, day)
        give_response(personas.b, "phq9", answers("phq9", phq), held)
        give_response(personas.b, "gad7", answers("gad7", gad), held)
    body = api_as(personas.c1).get(url(personas.b)).json()
    assert body["caseness_start"] is False
    assert body["recovered"] is None and body["reliable_recovery"] is None
    assert body["reliable_improvement"] is False


def test_it_says_so_when_the_definitions_do_not_hold_yet(personas, api_as):
    held = add_session(personas.b, DAYS[0])
    give_response(personas.b, "phq9", answers("phq9", [3] * 9), held)
    give_response(personas.b, "gad7", answers("gad7", [3] * 7), held)
    give_response(personas.b, "phq9", answers("phq9", [0] * 9), add_session(personas.b, DAYS[1]))
    body = api_as(personas.b.user).get(url(personas.b)).json()
    assert body["available"] is False and body["sessions_measured"] == 1
    assert body["recovered"] is None and body["first"] is None and body["measures"] == {}


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("from=2026-13-01", "from", "Enter the start date as YYYY-MM-DD"),
        ("to=yesterday", "to", "Enter the end date as YYYY-MM-DD"),
        ("from=2026-03-01&to=2026-02-01", "to", "The end date is before the start date."),
        ("from=0999-01-01", "from", "between the years 1900 and 2999"),
        ("to=" + "2" * 40, "to", ""),
    ],
)
def test_it_refuses_dates_it_cannot_use(personas, api_as, query, field, message):
    response = api_as(personas.c1).get(url(personas.a, query))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"][-1] == field
    assert message in problem["msg"]


def test_it_answers_404_outside_the_record(personas, api_as):
    assert api_as(personas.c2).get(url(personas.a)).status_code == 404
    assert api_as(personas.b.user).get(url(personas.a)).status_code == 404
    assert api_as(personas.other_counselor).get(url(personas.a)).status_code == 404
    assert api_as(personas.c1).get("/api/v1/clients/999999/outcomes").status_code == 404


def test_it_reads_as_many_queries_for_a_longer_history(personas, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build_history(personas)
    api = api_as(personas.c1)
    with CaptureQueriesContext(connection) as short:
        api.get(url(personas.a))
    for n in range(3):
        held = add_session(personas.a, datetime.date(2026, 4, 6) + datetime.timedelta(weeks=n))
        give_response(personas.a, "phq9", answers("phq9", [0] * 9), held)
        give_response(personas.a, "gad7", answers("gad7", [0] * 7), held)
    with CaptureQueriesContext(connection) as longer:
        api.get(url(personas.a))
    assert len(longer.captured_queries) == len(short.captured_queries)
