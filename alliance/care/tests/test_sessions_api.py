import datetime
import json

import pytest

from alliance.audit.models import AuditEvent
from alliance.care.models import Session


def url(client):
    return f"/api/v1/clients/{client.pk}/sessions"


def post(web, client, **fields):
    body = {"date": "2026-03-02", "attendance": "attended", "duration_minutes": 50} | fields
    body = {k: v for k, v in body.items() if v is not ...}
    return web.post(url(client), json.dumps(body), content_type="application/json")


def faults(response):
    return {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}


def test_it_records_a_session_for_the_counselor(personas, api_as):
    response = post(api_as(personas.c1), personas.a)
    assert response.status_code == 201
    body = response.json()
    assert (body["date"], body["attendance"], body["duration_minutes"]) == (
        "2026-03-02",
        "attended",
        50,
    )
    assert (body["client_id"], body["counselor_id"]) == (personas.a.pk, personas.c1.pk)
    assert Session.objects.get().pk == body["id"]


def test_it_takes_a_session_without_a_length(personas, api_as):
    response = post(api_as(personas.c1), personas.a, attendance="cancelled", duration_minutes=...)
    assert response.status_code == 201
    assert response.json()["duration_minutes"] is None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"date": "2999-01-01"}, "date"),
        ({"date": "1899-12-31"}, "date"),
        ({"date": "not a date"}, "date"),
        ({"date": ...}, "date"),
        ({"attendance": "late"}, "attendance"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 10**12}, "duration_minutes"),
        ({"attendance": "cancelled", "duration_minutes": 50}, "duration_minutes"),
    ],
)
def test_it_names_the_field_at_fault(personas, api_as, fields, field):
    response = post(api_as(personas.c1), personas.a, **fields)
    assert response.status_code == 422
    assert field in faults(response)
    assert not Session.objects.exists()


def test_it_says_why_a_client_cannot_record_a_session(personas, api_as):
    response = post(api_as(personas.a.user), personas.a)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the client's counselor records their sessions."
    assert not Session.objects.exists()


@pytest.mark.parametrize("who", ["c2", "other_counselor", "b", "other_client"])
def test_it_hides_a_client_that_is_not_theirs(personas, api_as, who):
    assert post(api_as(personas.users[who]), personas.a).status_code == 404
    assert api_as(personas.users[who]).get(url(personas.a)).status_code == 404


@pytest.mark.parametrize("who", ["a", "c1", "supervisor", "admin"])
def test_it_lists_sessions_most_recent_first(personas, api_as, who):
    for day in (2, 16, 9):
        Session.objects.create(
            client=personas.a,
            counselor=personas.c1,
            date=datetime.date(2026, 3, day),
            attendance="attended",
        )
    body = api_as(personas.users[who]).get(url(personas.a)).json()
    assert [s["date"] for s in body["items"]] == ["2026-03-16", "2026-03-09", "2026-03-02"]
    assert body["count"] == 3


def test_it_pages_through_sessions(personas, api_as):
    for day in range(1, 11):
        Session.objects.create(
            client=personas.a,
            counselor=personas.c1,
            date=datetime.date(2026, 3, day),
            attendance="attended",
        )
    body = api_as(personas.c1).get(url(personas.a) + "?limit=3&offset=3").json()
    assert [s["date"] for s in body["items"]] == ["2026-03-07", "2026-03-06", "2026-03-05"]
    assert body["count"] == 10
    assert api_as(personas.c1).get(url(personas.a) + "?limit=0").status_code == 422


def test_it_audits_recording_and_listing(personas, api_as):
    web = api_as(personas.c1)
    session_id = post(web, personas.a).json()["id"]
    web.get(url(personas.a))
    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("create", "Session", str(session_id)),
        ("list", "Session", str(session_id)),
    ]
