"""The progress pages: the client's own on a phone, and the counselor's for a client."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.alerts.models import ClinicAlertSettings
from alliance.audit.models import AuditEvent
from alliance.measures.models import SkippedPrediction
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.reports.tests.helpers import DAYS, build_history


@pytest.fixture
def history(personas):
    return build_history(personas)


def page(web, url, **query):
    response = web.get(url, query)
    return response, response.content.decode()


def test_it_shows_the_client_their_progress_in_plain_words(personas, history, web_as):
    response, text = page(web_as(personas.a.user), reverse("my_progress"))
    assert response.status_code == 200
    assert "Your progress" in text
    assert "Reliable improvement in Mood (PHQ-9): down 12 points, from 17 to 5." in text
    # Below the cut-off on one questionnaire is a fact about it, never called recovery.
    assert (
        "It started at or above this questionnaire&#x27;s cut-off (10) and is now below it." in text
    )
    assert "Recovery in" not in text and "recovery" not in text.lower()
    assert "Reliable improvement in Anxiety (GAD-7): down 9 points, from 14 to 5." in text
    assert "reached +1, better than expected (your rating)" in text
    assert (
        "Latest: 5 on 2 March 2026, in the mild range, outside the range services usually "
        "treat (caseness line 10)."
    ) in text
    assert "Caseness line: 10" in text and "Moderately severe" in text
    # Both views of the alliance, named as the client reads them.
    assert "Your answers" in text and "What Carmen expected" in text
    assert "Tasks done each week" in text
    assert "3 attended of 4 booked" in text
    assert "Download all your data (JSON)" in text


def test_it_shows_the_counselor_the_same_picture_by_name(personas, history, web_as):
    url = reverse("client_progress_charts", args=[personas.a.pk])
    response, text = page(web_as(personas.c1), url)
    assert response.status_code == 200
    assert "Progress: Amira" in text
    assert "Amira&#x27;s answers" in text and "Your prediction" in text
    assert "reached +1, better than expected (Amira&#x27;s rating)" in text
    response, text = page(web_as(personas.supervisor), url)
    assert "Carmen&#x27;s prediction" in text


def test_it_draws_each_chart_with_a_table_of_its_numbers(personas, history, web_as):
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    for chart in ("chart-phq9", "chart-gad7", "chart-alliance", "chart-attainment", "chart-tasks"):
        assert f'aria-labelledby="{chart}-title" aria-describedby="{chart}-desc"' in text
    assert text.count('role="img"') >= 5
    assert "<caption>Mood (PHQ-9) over time</caption>" in text
    assert '<th scope="row">2 Feb 2026</th><td>12</td><td>Moderate</td>' in text


def test_it_narrows_to_the_dates_asked_for(personas, history, web_as):
    response, text = page(
        web_as(personas.a.user),
        reverse("my_progress"),
        **{"from": "2026-02-01", "to": "2026-03-31"},
    )
    assert response.status_code == 200
    assert "1 February 2026 to 31 March 2026" in text
    # Counted from the first check-in in the dates: 12, not 17.
    assert "Reliable improvement in Mood (PHQ-9): down 7 points, from 12 to 5." in text
    assert "Recovery in" not in text
    # GAD-7 counts 4 points as reliable: 9 → 5 is just enough.
    assert "Reliable improvement in Anxiety (GAD-7): down 4 points, from 9 to 5." in text
    assert "5 Jan 2026" not in text and "down 12 points" not in text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-13-01"}, "Enter the start date as YYYY-MM-DD, for example 2026-01-31."),
        ({"to": "yesterday"}, "Enter the end date as YYYY-MM-DD, for example 2026-01-31."),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The end date is before the start date."),
        ({"from": "0001-01-01"}, "Enter a start date between the years 1900 and 2999."),
        ({"to": "2" * 40}, "Enter the end date as YYYY-MM-DD, for example 2026-01-31."),
    ],
)
def test_it_explains_dates_it_cannot_use(personas, web_as, query, message):
    response, text = page(
        web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]), **query
    )
    assert response.status_code == 422
    assert message in text
    assert "field-error" in text


def test_it_keeps_the_prediction_lock(personas, web_as):
    """Until Carmen predicts (or skips) for a session, Amira's answers for it stay hidden
    from her, here as everywhere; the supervisor is not locked out."""
    session = add_session(personas.a, DAYS[0])
    give_response(personas.a, "wai-sr", wai(2), session)
    url = reverse("client_progress_charts", args=[personas.a.pk])
    _, text = page(web_as(personas.c1), url)
    assert "Working together" not in text
    _, text = page(web_as(personas.supervisor), url)
    assert "Amira&#x27;s answers" in text
    SkippedPrediction.objects.create(session=session, skipped_by=personas.c1)
    _, text = page(web_as(personas.c1), url)
    assert "Amira&#x27;s answers" in text


def test_it_hides_predictions_from_the_client_when_the_clinic_says_so(personas, history, web_as):
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    assert "Your answers" in text
    assert "What Carmen expected" not in text


def test_it_says_so_when_there_is_nothing_yet(personas, web_as):
    _, text = page(web_as(personas.b.user), reverse("my_progress"))
    assert "Nothing recorded yet in these dates." in text
    assert 'role="img"' not in text


def test_it_records_the_read_in_the_audit_trail(personas, history, web_as):
    page(web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]))
    event = AuditEvent.objects.filter(actor_id=personas.c1.pk, action="read").latest("id")
    assert (event.object_type, event.client_id) == ("Client", personas.a.pk)
    assert event.detail == "progress, all dates"


def test_it_reads_a_longer_history_with_no_more_queries(personas, web_as):
    web = web_as(personas.a.user)
    url = reverse("my_progress")
    build_history(personas)
    with CaptureQueriesContext(connection) as short:
        web.get(url)
    for day in ("2026-04-06", "2026-04-13", "2026-04-20"):
        session = add_session(personas.a, datetime.date.fromisoformat(day))
        give_response(personas.a, "wai-sr", wai(4), session)
        give_response(personas.a, "wai-sr-predicted", wai(5), session)
    with CaptureQueriesContext(connection) as longer:
        web.get(url)
    assert len(longer.captured_queries) == len(short.captured_queries)
