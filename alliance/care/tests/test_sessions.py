import datetime

import pytest
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Session


def url(client):
    return f"/clients/{client.pk}/sessions/"


def record(web, client, **fields):
    data = {"date": "2026-03-02", "attendance": "attended", "duration_minutes": "50"} | fields
    return web.post(url(client), data)


def test_it_lets_the_counselor_record_a_session(personas, web_as):
    web = web_as(personas.c1)
    response = record(web, personas.a)
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.client, session.counselor, session.recorded_by) == (
        personas.a,
        personas.c1,
        personas.c1,
    )
    assert (session.date, session.attendance, session.duration_minutes) == (
        datetime.date(2026, 3, 2),
        "attended",
        50,
    )
    page = web.get(response["Location"]).content.decode()
    assert "Session on 2 March 2026 recorded." in page
    assert "Mon 2 Mar 2026" in page


def test_it_records_a_cancelled_session_without_a_length(personas, web_as):
    record(web_as(personas.c1), personas.a, attendance="cancelled", duration_minutes="")
    assert Session.objects.get().attendance == "cancelled"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"date": "2999-01-01"}, "The date cannot be in the future."),
        ({"date": "yesterday"}, "Enter a valid date."),
        ({"attendance": "late"}, "Select a valid choice."),
        ({"duration_minutes": "0"}, "greater than or equal to 1"),
        ({"duration_minutes": "601"}, "less than or equal to 600"),
        (
            {"attendance": "no_show", "duration_minutes": "50"},
            "Only a session that took place has a duration.",
        ),
    ],
)
def test_it_reshows_the_form_with_the_reason(personas, web_as, fields, message):
    response = record(web_as(personas.c1), personas.a, **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_it_offers_today_and_fifty_minutes(personas, web_as):
    html = web_as(personas.c1).get(url(personas.a)).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    assert 'value="50"' in html
    assert "<legend>Did the session take place?</legend>" in html


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_it_shows_clinic_wide_roles_the_sessions_but_no_form(personas, web_as, who):
    Session.objects.create(
        client=personas.a,
        counselor=personas.c1,
        date=datetime.date(2026, 3, 2),
        attendance="no_show",
    )
    web = web_as(personas.users[who])
    html = web.get(url(personas.a)).content.decode()
    assert "Did not attend" in html
    assert "Record a session" not in html
    assert record(web, personas.a).status_code == 403
    assert Session.objects.count() == 1


@pytest.mark.parametrize("who", ["c2", "other_counselor", "a"])
def test_it_hides_sessions_of_a_client_that_is_not_theirs(personas, web_as, who):
    web = web_as(personas.users[who])
    assert web.get(url(personas.a)).status_code == 404
    assert record(web, personas.a).status_code == 404
    assert not Session.objects.exists()


def test_it_audits_recording_and_reading(personas, web_as):
    web = web_as(personas.c1)
    record(web, personas.a)
    web.get(url(personas.a))
    created = AuditEvent.objects.get(action="create")
    assert (created.object_type, created.client_id) == ("Session", personas.a.pk)
    assert AuditEvent.objects.filter(action="read", client_id=personas.a.pk).count() == 1
