"""The client's download of everything Alliance shows them about themself."""

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.alerts.models import Alert, ClinicAlertSettings
from alliance.audit.models import AuditEvent
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
)


def download(web):
    response = web.get(reverse("my_export"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_it_gives_the_client_everything_they_can_see(personas, web_as):
    build_history(personas)
    response, document = download(web_as(personas.a.user))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alliance-export-')
    assert (document["format"], document["version"]) == ("alliance-client-export", 1)
    assert document["you"]["name"] == "Amira"
    assert document["you"]["counselor"] == "Carmen Counselor"
    assert [s["date"] for s in document["sessions"]][:2] == ["2026-01-05", "2026-02-02"]
    assert len(document["sessions"]) == 4
    phq9 = [c for c in document["check_ins"] if c["instrument"] == "phq9"]
    assert [c["total"] for c in phq9] == [17, 12, 5]
    assert phq9[0]["answers"][0] == {
        "statement": "Little interest or pleasure in doing things",
        "answer": 3,
        "meaning": "Nearly every day",
    }
    predicted = [c for c in document["check_ins"] if c["instrument"] == "wai-sr-predicted"]
    assert predicted[0]["answered_by"] == "your counselor"
    assert predicted[0]["title"] == "How Carmen Counselor expected you to answer (WAI-SR predicted)"
    goal = document["goals"][0]
    assert goal["text"] == "Call my sister every week"
    assert [r["level"] for r in goal["ratings"]] == [-1, 0, 1, 0]
    assert goal["versions"][0]["written_by"] == "you"
    assert document["tasks"][0]["logs"][2]["status"] == "not_done"
    # The journal is the client's own: private entries included, each marked.
    journal = {entry["text"]: entry["shared"] for entry in document["journal"]}
    assert journal == {PRIVATE: False, SHARED: True}
    body = response.content.decode()
    assert PROGRESS not in body and PSYCHOTHERAPY not in body


def test_it_leaves_out_alerts_and_hidden_predictions(personas, web_as):
    session = add_session(personas.a, datetime.date(2026, 1, 5))
    give_response(personas.a, "wai-sr", wai(2), session)
    give_response(personas.a, "wai-sr-predicted", wai(5), session)
    assert Alert.objects.filter(client=personas.a).exists()
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    response, document = download(web_as(personas.a.user))
    assert [c["instrument"] for c in document["check_ins"]] == ["wai-sr"]
    assert "alert" not in {key.lower() for key in document}
    assert "two_view_gap" not in response.content.decode()


def test_it_answers_the_api_for_the_client_alone(personas, api_as):
    build_history(personas)
    path = f"/api/v1/clients/{personas.a.pk}/export"
    response = api_as(personas.a.user).get(path)
    assert response.status_code == 200
    assert {e["text"] for e in response.json()["journal"]} == {PRIVATE, SHARED}
    for who in ("c1", "supervisor", "admin", "b"):
        refused = api_as(personas.users[who]).get(path)
        assert refused.status_code == 404
        assert PRIVATE not in refused.content.decode()


def test_it_records_the_export(personas, web_as):
    build_history(personas)
    download(web_as(personas.a.user))
    events = AuditEvent.objects.filter(actor_id=personas.a.user.pk, action="export")
    assert sorted(events.values_list("object_type", flat=True)) == [
        "Client",
        "JournalEntry",
        "JournalEntry",
    ]
    assert events.first().detail == "data export (JSON)"


def test_it_reads_a_longer_history_with_no_more_queries(personas, web_as):
    build_history(personas)
    web = web_as(personas.a.user)
    with CaptureQueriesContext(connection) as short:
        download(web)
    build_history(personas, client=personas.a)
    with CaptureQueriesContext(connection) as longer:
        download(web)
    assert len(longer.captured_queries) == len(short.captured_queries)
