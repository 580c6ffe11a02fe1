from alliance.measures.tests.helpers import PHQ9_NONE, give_response
from alliance.tests.access import Entry, operations, pages

CLINIC_1_STAFF = {"admin": 200, "supervisor": 200, "c1": 200}
READERS_OF_A = {"a": 200, **CLINIC_1_STAFF}
CLIENTS_200 = {"a": 200, "b": 200, "d": 200, "other_client": 200}

WAI_FOURS = {f"wai_{n}": 4 for n in range(1, 13)}


def response_of_a(p, who):
    return give_response(p.a, "phq9", PHQ9_NONE).pk


def own_response(p, who):
    client = {"a": p.a, "b": p.b, "d": p.d, "other_client": p.other_client}.get(who, p.a)
    return give_response(client, "phq9", PHQ9_NONE).pk


def answers_for(p, who):
    # Each asks with the form they would answer; the outcome shows who may write where.
    if who in {"c1", "c2", "other_counselor", "admin", "supervisor"}:
        return {"instrument": "wai-sr-predicted", "answers": WAI_FOURS}
    return {"instrument": "phq9", "answers": PHQ9_NONE}


WEB = {
    "client_progress": Entry(pages(404, **CLIENTS_200)),
    "client_checkin": Entry(pages(404, **CLIENTS_200), kwargs=lambda p, who: {"code": "phq9"}),
    "client_response": Entry(
        pages(404, **CLIENTS_200), kwargs=lambda p, who: {"response_id": own_response(p, who)}
    ),
    "client_checkins": Entry(
        pages(404, **CLINIC_1_STAFF), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
    "checkin_schedule": Entry(pages(404, c1=200), kwargs=lambda p, who: {"client_id": p.a.pk}),
    "response_detail": Entry(
        pages(404, **CLINIC_1_STAFF),
        kwargs=lambda p, who: {"client_id": p.a.pk, "response_id": response_of_a(p, who)},
    ),
    "counselor_checkin": Entry(
        pages(404, c1=200), kwargs=lambda p, who: {"client_id": p.a.pk, "code": "wai-sr-predicted"}
    ),
}

API = {
    ("GET", "/api/v1/instruments"): Entry(operations(200)),
    ("GET", "/api/v1/instruments/{code}"): Entry(
        operations(200), kwargs=lambda p, who: {"code": "wai-sr"}
    ),
    ("GET", "/api/v1/clients/{client_id}/responses"): Entry(
        operations(404, **READERS_OF_A), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
    # The client and their counselor answer; clinic-wide roles see the record but may not.
    ("POST", "/api/v1/clients/{client_id}/responses"): Entry(
        operations(404, a=201, c1=201, admin=403, supervisor=403),
        method="POST",
        kwargs=lambda p, who: {"client_id": p.a.pk},
        data=answers_for,
    ),
}


def checkins_of_a(p):
    """Amira's answers: a PHQ-9 after no session, and her Working together answers for one
    session Carmen predicted, one she chose not to predict and one she has not predicted yet
    (those stay hidden from her)."""
    from datetime import date

    from alliance.measures.services import skip_prediction
    from alliance.measures.tests.helpers import add_session, wai

    predicted, skipped, waiting = (add_session(p.a, date=date(2026, 1, d)) for d in (5, 12, 19))
    give_response(p.a, "wai-sr-predicted", wai(3), session=predicted)
    skip_prediction(skipped, user=p.c1)
    return [give_response(p.a, "phq9", PHQ9_NONE)] + [
        give_response(p.a, "wai-sr", wai(4), session=s) for s in (predicted, skipped, waiting)
    ]


def predictions_of_a(p):
    """Carmen's predictions: one for a session Amira has answered, one she has not (hidden
    from her until she does)."""
    from datetime import date

    from alliance.measures.tests.helpers import add_session, wai

    answered, unanswered = (add_session(p.a, date=date(2026, 2, d)) for d in (2, 9))
    give_response(p.a, "wai-sr", wai(4), session=answered)
    return [
        give_response(p.a, "wai-sr-predicted", wai(3), session=s) for s in (answered, unanswered)
    ]


# Objects of each data kind in Amira's record (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {"checkins": checkins_of_a, "predictions": predictions_of_a}
