"""The client's data as a PDF a person can read, next to the JSON download."""

from django.urls import reverse

from alliance.alerts.models import Concern
from alliance.audit.models import AuditEvent
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
    pdf_text,
)


def test_it_gives_the_client_everything_in_words(personas, web_as):
    build_history(personas)
    Concern.objects.create(client=personas.a, text="The homework feels like too much")
    response = web_as(personas.a.user).get(reverse("my_export_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="alliance-export-')
    text = pdf_text(response.content)
    assert "Your data in Alliance: Amira" in text
    # Sessions, the cancelled one too.
    assert "5 January 2026 Attended 50 minutes" in text and "Cancelled" in text
    # Check-ins with each answer in words.
    assert "Mood (PHQ-9)" in text
    assert "Little interest or pleasure in doing things Nearly every day (3)" in text
    assert "How Carmen Counselor expected you to answer" in text
    # The goal with its scale, ratings and history; the task with its logs.
    assert "Call my sister every week" in text
    assert "+1 (better than expected): A call most days" in text
    assert "you: proposed the goal" in text
    assert "Ring her on Sunday evening" in text and "not done" in text
    # The whole journal is the client's own; the concern in their words.
    assert PRIVATE in text and SHARED in text
    assert "The homework feels like too much" in text
    assert PROGRESS not in text and PSYCHOTHERAPY not in text
    assert "phq9" not in text and "caseness" not in text.lower()


def test_it_records_the_export(personas, web_as):
    build_history(personas)
    web_as(personas.a.user).get(reverse("my_export_pdf"))
    events = AuditEvent.objects.filter(actor_id=personas.a.user.pk, detail="data export (PDF)")
    assert sorted(events.values_list("object_type", flat=True)) == [
        "Client",
        "JournalEntry",
        "JournalEntry",
    ]


def test_it_is_offered_next_to_the_json_download(personas, web_as):
    web = web_as(personas.a.user)
    for page in ("client_home", "my_progress"):
        body = web.get(reverse(page)).content.decode()
        assert "Download all your data (JSON)" in body
        assert f'href="{reverse("my_export_pdf")}">Download all your data (PDF)' in body


def test_it_is_the_clients_alone(personas, web_as):
    for who in ("c1", "supervisor", "admin"):
        assert web_as(personas.users[who]).get(reverse("my_export_pdf")).status_code == 404
