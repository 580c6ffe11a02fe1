import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.care.models import Session
from alliance.conftest import make_client


def add(client, day, attendance="attended"):
    Session.objects.create(
        client=client,
        counselor=client.counselor,
        date=datetime.date(2026, 3, day),
        attendance=attendance,
    )


def test_it_leaves_out_the_column_until_sessions_exist(personas, web_as):
    html = web_as(personas.c1).get("/caseload/").content.decode()
    assert "Last attended session" not in html


def test_it_shows_each_clients_last_attended_session(personas, web_as):
    add(personas.a, 2)
    add(personas.a, 9)
    add(personas.a, 16, attendance="no_show")
    html = web_as(personas.c1).get("/caseload/").content.decode()
    assert "Last attended session" in html
    assert "<td>9 Mar 2026</td>" in html
    assert "<td>None yet</td>" in html  # Ben


def test_it_uses_as_many_queries_for_many_clients_as_for_few(
    personas, web_as, django_assert_num_queries
):
    web = web_as(personas.c1)
    add(personas.a, 2)
    with CaptureQueriesContext(connection) as few:
        web.get("/caseload/")
    for n in range(8):
        client = make_client(personas.clinic, f"more{n}@north.test", f"More {n}", personas.c1)
        add(client, 3 + n)
    with django_assert_num_queries(len(few)):
        html = web.get("/caseload/").content.decode()
    assert all(f"<td>{day} Mar 2026</td>" in html for day in range(3, 11))
