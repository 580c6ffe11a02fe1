from alliance.alerts.tests.helpers import checkin, make_alert
from alliance.tests.access import Entry, operations, pages

CLIENTS = {"a": 200, "b": 200, "d": 200, "other_client": 200}
STAFF = {"admin": 200, "supervisor": 200, "c1": 200, "c2": 200, "other_counselor": 200}
SEES_A = {"admin": 200, "supervisor": 200, "c1": 200}


def alert_kwargs(p, who):
    return {"alert_id": make_alert(p.a).pk}


def client_kwargs(p, who):
    return {"client_id": p.a.pk}


def locked_session_kwargs(p, who):
    """A session Amira answered and Carmen has not predicted."""
    held, _ = checkin(p.a)
    return {"client_id": p.a.pk, "session_id": held.pk}


def repair(p, who):
    return {"kind": "explored", "note": "We talked about last week's session."}


WEB = {
    "caseload": Entry(pages(404, **STAFF)),
    "alerts_inbox": Entry(pages(404, **STAFF)),
    "alert_settings": Entry(pages(404, admin=200, supervisor=200)),
    "alert_detail": Entry(pages(404, **SEES_A), kwargs=alert_kwargs),
    "alert_acknowledge": Entry(
        pages(404, admin=403, supervisor=302, c1=302), method="POST", kwargs=alert_kwargs
    ),
    "alert_repair": Entry(
        pages(404, admin=403, supervisor=403, c1=302),
        method="POST",
        kwargs=alert_kwargs,
        data=repair,
    ),
    "client_alliance": Entry(pages(404, **SEES_A), kwargs=client_kwargs),
    "skip_prediction": Entry(pages(404, c1=302), method="POST", kwargs=locked_session_kwargs),
    # The counselor, or the clinic's supervisors and administrators, keep the statements back.
    "comparison_items_choice": Entry(
        pages(404, admin=302, supervisor=302, c1=302),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"show_items_to_client": "no"},
    ),
    "my_alliance": Entry(pages(404, **CLIENTS)),
    "raise_concern": Entry(pages(404, **CLIENTS)),
}

API = {
    ("GET", "/api/v1/clients/{client_id}/alliance"): Entry(
        operations(404, a=200, **SEES_A), kwargs=client_kwargs
    ),
    ("GET", "/api/v1/alerts"): Entry(operations(404, **STAFF)),
    ("GET", "/api/v1/alerts/{alert_id}"): Entry(operations(404, **SEES_A), kwargs=alert_kwargs),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): Entry(
        operations(404, admin=403, supervisor=200, c1=200), method="POST", kwargs=alert_kwargs
    ),
    ("POST", "/api/v1/alerts/{alert_id}/repair"): Entry(
        operations(404, admin=403, supervisor=403, c1=201),
        method="POST",
        kwargs=alert_kwargs,
        data=repair,
    ),
    ("POST", "/api/v1/clients/{client_id}/concerns"): Entry(
        operations(404, a=201, admin=403, supervisor=403, c1=403),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"text": "The sessions feel rushed."},
    ),
}


def alert_records_of_a(p):
    from alliance.alerts.actions import record_repair

    alert = make_alert(p.a)
    repair = record_repair(alert, user=p.c1, kind="explored", note="We talked about last week.")
    return [alert, repair]


def concern_of_a(p):
    from alliance.alerts.actions import raise_concern

    concern, _ = raise_concern(p.a, user=p.a.user, text="The sessions feel rushed.")
    return [concern]


# Objects of each data kind in Amira's record (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {"alerts": alert_records_of_a, "concerns": concern_of_a}
