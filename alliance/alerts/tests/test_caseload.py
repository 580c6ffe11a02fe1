"""The caseload sorted by urgency with each client's flags, in a constant number of queries."""

import math
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.alerts.models import Alert, Status
from alliance.alerts.tests.helpers import make_alert, phq9, session, wai_answers
from alliance.care.models import Client, Session
from alliance.conftest import make_user
from alliance.measures.models import Response

WEEKS = 156  # three years of weekly sessions


def test_it_puts_the_most_urgent_clients_first_with_their_flags(personas, web_as):
    make_alert(personas.a, rule="two_view_gap", severity="info")
    phq9(personas.b, session(personas.b), item9=1)
    page = web_as(personas.c1).get("/caseload/")
    clients = page.context["clients"]
    assert [c.name for c in clients] == ["Ben", "Amira"]
    assert [f["title"] for f in clients[0].flags] == ["Risk: thoughts of self-harm"]
    html = page.content.decode()
    assert "Urgent: Risk: thoughts of self-harm" in html
    assert html.index(">Ben<") < html.index(">Amira<")


def test_it_shows_no_flags_for_recovered_alerts(personas, web_as):
    alert = make_alert(personas.a)
    Alert.objects.filter(pk=alert.pk).update(status=Status.RECOVERED)
    clients = web_as(personas.c1).get("/caseload/").context["clients"]
    assert all(client.flags == [] for client in clients)


def caseload_of(counselor, clinic, clients, weeks):
    """`clients` clients of `counselor`, each with `weeks` weekly sessions and check-ins and an
    open alert, written in bulk (no rules run)."""
    users = User.objects.bulk_create(
        User(
            email=f"load{counselor.pk}-{n}@north.test",
            name=f"Client {n:03d}",
            clinic=clinic,
            role=Role.CLIENT,
            password="!",
        )
        for n in range(clients)
    )
    records = Client.objects.bulk_create(
        Client(user=user, clinic=clinic, counselor=counselor) for user in users
    )
    start = timezone.localdate() - timedelta(weeks=weeks)
    sessions = Session.objects.bulk_create(
        Session(
            client=client,
            counselor=counselor,
            date=start + timedelta(weeks=week),
            attendance="attended",
            duration_minutes=50,
        )
        for client in records
        for week in range(weeks)
    )
    answers = wai_answers(5, 4.5, 4.75)
    Response.objects.bulk_create(
        Response(
            client_id=s.client_id,
            session=s,
            instrument="wai-sr",
            instrument_version="1",
            respondent_id=s.client.user_id,
            respondent_role="client",
            answers=answers,
            total=57,
            subscales={},
            idempotency_key=f"bulk-{s.pk}",
        )
        for s in sessions
    )
    for n, client in enumerate(records):
        severity = ("urgent", "attention", "info")[n % 3]
        make_alert(client, severity=severity)


def count_queries(web):
    """All queries of one caseload page, and those writing the audit trail."""
    with CaptureQueriesContext(connection) as queries:
        response = web.get("/caseload/")
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    audit_inserts = [q for q in sql if q.startswith('INSERT INTO "audit_auditevent"')]
    return len(sql) - len(audit_inserts), len(audit_inserts), response


def test_the_number_of_queries_does_not_grow_with_clients_or_history(personas, web_as):
    small = make_user(personas.clinic, Role.COUNSELOR, "small@north.test", "Sam Small")
    large = make_user(personas.clinic, Role.COUNSELOR, "large@north.test", "Lee Large")
    caseload_of(small, personas.clinic, clients=2, weeks=2)
    caseload_of(large, personas.clinic, clients=80, weeks=WEEKS)
    assert Response.objects.filter(client__counselor=large).count() == 80 * WEEKS
    few, few_audit, _ = count_queries(web_as(small))
    many, many_audit, response = count_queries(web_as(large))
    assert many == few
    assert many <= 15
    # The audit trail writes one event per client listed in one bulk INSERT; SQLite caps the
    # parameters of one statement, so there Django splits 80 rows into a few INSERTs.
    assert few_audit == 1
    limit = 1 if connection.vendor == "postgresql" else math.ceil(80 * 13 / 999)
    assert many_audit <= limit
    clients = response.context["clients"]
    assert len(clients) == 80
    assert [c.urgency for c in clients] == sorted(c.urgency for c in clients)
    assert clients[0].flags[0]["severity"] == "urgent"
    assert clients[0].last_session >= date.today() - timedelta(days=14)
