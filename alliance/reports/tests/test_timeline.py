"""The counselor's timeline: one date-ordered list of everything in a client's care."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
)

ALL_DATES = {"from": "2026-01-01", "to": "2026-12-31"}


@pytest.fixture
def history(personas):
    return build_history(personas)


def url(personas):
    return reverse("client_timeline", args=[personas.a.pk])


def test_it_lists_everything_newest_first(personas, history, web_as):
    response = web_as(personas.c1).get(url(personas), ALL_DATES)
    assert response.status_code == 200
    text = response.content.decode()
    for label in (
        "Session",
        "Check-in",
        "Goal",
        "Goal rating",
        "Task log",
        "Shared journal entry",
        "Progress note",
        "Psychotherapy note",
    ):
        assert f'<span class="badge">{label}</span>' in text, label
    assert "PHQ-9: 17, moderately severe." in text
    assert "Cancelled, with Carmen Counselor." in text
    assert "Amira rated “Call my sister every week” at +1 (better than expected)." in text
    assert "“Ring her on Sunday evening”: not done; fit 4 of 5." in text
    days = [day for day in ("Monday 5 January 2026", "Monday 2 February 2026") if day in text]
    assert days == ["Monday 5 January 2026", "Monday 2 February 2026"]
    assert text.index("Monday 2 February 2026") < text.index("Monday 5 January 2026")


def test_it_shows_a_psychotherapy_note_to_its_author_alone(personas, history, web_as):
    text = web_as(personas.c1).get(url(personas)).content.decode()
    assert PSYCHOTHERAPY in text and "Only you can read this note." in text
    assert PROGRESS in text and SHARED in text
    assert PRIVATE not in text
    for lead in ("supervisor", "admin"):
        text = web_as(personas.users[lead]).get(url(personas)).content.decode()
        assert PROGRESS in text
        # The clinic's leads see neither the author's own notes nor the client's journal.
        assert PSYCHOTHERAPY not in text and SHARED not in text and PRIVATE not in text


def test_it_shows_the_last_three_months_unless_asked(personas, history, web_as):
    text = web_as(personas.c1).get(url(personas)).content.decode()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=90)
    assert f"{start.day} {start:%B %Y} to {today.day} {today:%B %Y}" in text
    assert "Monday 5 January 2026" not in text
    assert "Earlier:" in text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "5/1/2026"}, "Enter the start date as YYYY-MM-DD"),
        ({"from": "2026-02-30"}, "Enter the start date as YYYY-MM-DD"),
        ({"from": "2026-03-01", "to": "2026-01-01"}, "The end date is before the start date."),
    ],
)
def test_it_explains_dates_it_cannot_use(personas, web_as, query, message):
    response = web_as(personas.c1).get(url(personas), query)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_it_records_each_note_and_entry_read(personas, history, web_as):
    web_as(personas.c1).get(url(personas))
    events = AuditEvent.objects.filter(actor_id=personas.c1.pk, detail__startswith="timeline")
    kinds = sorted(events.values_list("object_type", flat=True))
    assert kinds == ["Client", "JournalEntry", "ProgressNote", "PsychotherapyNote"]


def test_it_reads_a_longer_history_with_no_more_queries(personas, web_as):
    build_history(personas)
    web = web_as(personas.c1)
    with CaptureQueriesContext(connection) as short:
        web.get(url(personas), ALL_DATES)
    for day in (datetime.date(2026, 4, 6), datetime.date(2026, 4, 13)):
        session = add_session(personas.a, day)
        give_response(personas.a, "wai-sr", wai(4), session)
        give_response(personas.a, "wai-sr-predicted", wai(4), session)
        give_response(personas.a, "phq9", {f"phq9_{n}": 1 for n in range(1, 10)}, session)
    with CaptureQueriesContext(connection) as longer:
        web.get(url(personas), ALL_DATES)
    assert len(longer.captured_queries) == len(short.captured_queries)


def test_it_calls_a_risk_alerts_action_a_risk_review_not_a_repair(personas, web_as):
    from alliance.alerts.models import Alert, Repair

    at = timezone.now()
    alert = Alert.objects.create(
        client=personas.a,
        clinic_id=personas.a.clinic_id,
        rule="risk",
        subject="phq9",
        key="timeline-risk",
        severity="urgent",
        evidence={},
        created_at=at,
        updated_at=at,
    )
    Repair.objects.create(
        alert=alert, kind="risk_assessed", note="Seen today.", recorded_by=personas.c1
    )
    text = web_as(personas.c1).get(url(personas)).content.decode()
    assert '<span class="badge">Risk review</span>' in text
    assert "Carmen Counselor: assessed risk, after" in text
    assert '<span class="badge">Repair</span>' not in text
