from alliance.tests.access import Entry, operations, pages

CLINIC_1_STAFF = {"admin": 200, "supervisor": 200, "c1": 200}


def new_client(p, who):
    body = {"name": "Nadia New", "email": "nadia@example.test"}
    if who == "admin":
        body["counselor_id"] = p.c1.pk
    return body


WEB = {
    "index": Entry(pages(302)),
    "invite_client": Entry(pages(404, admin=200, c1=200, c2=200, other_counselor=200)),
    "client_detail": Entry(
        pages(404, **CLINIC_1_STAFF), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
    "client_home": Entry(pages(404, a=200, b=200, d=200, other_client=200)),
    "client_sessions": Entry(
        pages(404, **CLINIC_1_STAFF), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
}

API = {
    ("GET", "/api/v1/clients"): Entry(operations(200)),
    ("POST", "/api/v1/clients"): Entry(
        operations(403, admin=201, c1=201, c2=201, other_counselor=201),
        method="POST",
        data=new_client,
    ),
    ("GET", "/api/v1/clients/{client_id}"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF),
        kwargs=lambda p, who: {"client_id": p.a.pk},
    ),
    ("GET", "/api/v1/clients/{client_id}/sessions"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF),
        kwargs=lambda p, who: {"client_id": p.a.pk},
    ),
    # Only the client's counselor records sessions; the client and clinic-wide roles read.
    ("POST", "/api/v1/clients/{client_id}/sessions"): Entry(
        operations(404, c1=201, a=403, admin=403, supervisor=403),
        method="POST",
        kwargs=lambda p, who: {"client_id": p.a.pk},
        data=lambda p, who: {"date": "2026-01-05", "attendance": "attended"},
    ),
}


def session_of_a(p):
    from alliance.measures.tests.helpers import add_session

    return [add_session(p.a)]


# Amira's sessions, part of her record (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {"record": session_of_a}
