"""The PDF progress report, from the pages and from the API."""

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
    pdf_text,
)


@pytest.fixture
def history(personas):
    return build_history(personas)


def test_it_gives_the_counselor_the_record_copy(personas, history, web_as):
    response = web_as(personas.c1).get(
        reverse("client_report", args=[personas.a.pk]), {"from": "2026-01-01", "to": "2026-12-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="progress-{personas.a.pk}-from-2026-01-01-to-2026-12-31.pdf"'
    )
    text = pdf_text(response.content)
    assert "Progress report: Amira" in text
    assert "1 January 2026 to 31 December 2026" in text
    assert "for the clinic's record, by Carmen Counselor" in text
    assert "Reliable improvement in Mood (PHQ-9): down 12 points, from 17 to 5." in text
    assert "Caseness line: 10" in text
    assert "Amira's answers" in text and "Carmen's prediction" in text
    assert PROGRESS in text and SHARED in text
    # Never in a report, not even the author's own copy.
    assert PSYCHOTHERAPY not in text and PRIVATE not in text
    assert "leaves out psychotherapy notes" in text


def test_it_gives_the_client_their_own_copy(personas, history, web_as, api_as):
    for response in (
        web_as(personas.a.user).get(reverse("my_progress_report")),
        api_as(personas.a.user).get(f"/api/v1/clients/{personas.a.pk}/report.pdf"),
    ):
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert "for Amira" in text
        assert "Your answers" in text and "What Carmen expected" in text
        # The client's copy is in everyday words, as their page is.
        assert "Reliable improvement in Mood: down 12 points, from 17 to 5." in text
        assert "A check-in is not a diagnosis." in text
        for jargon in ("PHQ-9", "WAI-SR", "Caseness", "T-score", "Item mean"):
            assert jargon not in text, jargon
        assert SHARED in text
        assert PRIVATE not in text and PROGRESS not in text and PSYCHOTHERAPY not in text


def test_it_covers_only_the_dates_asked_for(personas, history, api_as):
    response = api_as(personas.supervisor).get(
        f"/api/v1/clients/{personas.a.pk}/report.pdf?from=2026-02-01&to=2026-02-28"
    )
    text = pdf_text(response.content)
    assert "1 February 2026 to 28 February 2026" in text
    assert "2 Feb 2026" in text
    assert "5 Jan 2026" not in text and "2 Mar 2026" not in text
    assert "1 attended of 2 booked" in text


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("from=31-01-2026", "from", "Enter the start date as YYYY-MM-DD, for example 2026-01-31."),
        ("to=2026-02-29", "to", "Enter the end date as YYYY-MM-DD, for example 2026-01-31."),
        ("from=2026-03-01&to=2026-01-01", "to", "The end date is before the start date."),
        ("from=3000-01-01", "from", "Enter a start date between the years 1900 and 2999."),
    ],
)
def test_it_refuses_dates_it_cannot_use(personas, api_as, web_as, query, field, message):
    before = AuditEvent.objects.filter(action="export").count()
    response = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/report.pdf?{query}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["query", field], "msg": message, "type": "value_error"}]
    }
    page = web_as(personas.c1).get(f"{reverse('client_report', args=[personas.a.pk])}?{query}")
    assert page.status_code == 422
    assert page["Content-Type"].startswith("text/html")
    assert message in page.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == before


def test_it_refuses_an_overlong_date_on_the_api(personas, api_as):
    response = api_as(personas.c1).get(
        f"/api/v1/clients/{personas.a.pk}/report.pdf?from={'9' * 31}"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "from"]


def test_it_records_the_export_with_what_it_held(personas, history, web_as):
    web_as(personas.c1).get(reverse("client_report", args=[personas.a.pk]))
    events = AuditEvent.objects.filter(actor_id=personas.c1.pk, action="export")
    assert sorted(events.values_list("object_type", flat=True)) == [
        "Client",
        "JournalEntry",
        "ProgressNote",
    ]
    assert events.first().detail == "progress report PDF, all dates"
