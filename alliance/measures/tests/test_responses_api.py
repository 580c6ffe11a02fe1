import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance
from alliance.measures.models import Response
from alliance.measures.tests.helpers import PHQ9_NONE, add_session, give_response, phq9, wai


def url(client):
    return f"/api/v1/clients/{client.pk}/responses"


def post(web, client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    text = body if isinstance(body, str) else json.dumps(body)
    return web.post(url(client), text, content_type="application/json", **headers)


def faults(response):
    return {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}


def test_it_scores_and_stores_a_clients_phq9(personas, api_as):
    response = post(
        api_as(personas.a.user),
        personas.a,
        {"instrument": "phq9", "answers": phq9(2, 2, 1, 1, 1, 1, 1, 1, 0)},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["band"], body["flags"]) == (10, "Moderate", [])
    assert body["respondent_id"] == personas.a.user.pk
    assert body["respondent_role"] == "client"
    stored = Response.objects.get()
    assert (stored.client, stored.instrument, stored.instrument_version) == (
        personas.a,
        "phq9",
        "1",
    )
    assert stored.answers["phq9_1"] == 2
    assert stored.score_total == 10


def test_it_stores_subscales_of_the_alliance_form(personas, api_as):
    answers = wai(3) | {"wai_3": 5, "wai_5": 5, "wai_7": 5, "wai_9": 5}
    body = post(
        api_as(personas.a.user), personas.a, {"instrument": "wai-sr", "answers": answers}
    ).json()
    assert body["total"] == 3 * 8 + 5 * 4
    assert body["subscales"]["bond"] == {"sum": 20, "mean": 5.0}
    assert body["subscales"]["goal"] == {"sum": 12, "mean": 3.0}
    assert body["band"] is None


def test_it_flags_suicide_risk_on_item_9(personas, api_as):
    body = post(
        api_as(personas.a.user),
        personas.a,
        {"instrument": "phq9", "answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)},
    ).json()
    assert body["flags"] == ["suicide_risk_item9"]
    assert Response.objects.get().flags == ["suicide_risk_item9"]


def test_a_risk_answer_is_answered_with_the_clinics_crisis_text(personas, api_as):
    """So a phone app can show it at once, as the page does."""
    personas.clinic.crisis_text = "Northside duty line: 0100 000 000, day or night."
    personas.clinic.save()
    api = api_as(personas.a.user)
    body = {"instrument": "phq9", "answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 2)}
    first = post(api, personas.a, body, key="risk-1")
    assert first.status_code == 201
    assert first.json()["crisis"] == {"text": "Northside duty line: 0100 000 000, day or night."}
    # The same reply when the submission is repeated.
    assert post(api, personas.a, body, key="risk-1").json()["crisis"] == first.json()["crisis"]
    calm = post(api, personas.a, {"instrument": "phq9", "answers": phq9(1, 1, 0, 0, 0, 0, 0, 0, 0)})
    assert calm.json()["crisis"] is None


def test_it_returns_the_first_response_when_a_key_is_repeated(personas, api_as):
    web = api_as(personas.a.user)
    body = {"instrument": "phq9", "answers": PHQ9_NONE}
    first = post(web, personas.a, body, key="retry-me-1")
    events = AuditEvent.objects.filter(action="create").count()
    second = post(web, personas.a, body, key="retry-me-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert Response.objects.count() == 1
    assert AuditEvent.objects.filter(action="create").count() == events


def test_it_stores_two_responses_for_two_keys(personas, api_as):
    web = api_as(personas.a.user)
    body = {"instrument": "phq9", "answers": PHQ9_NONE}
    post(web, personas.a, body, key="one")
    post(web, personas.a, body, key="two")
    assert Response.objects.count() == 2


def test_it_refuses_a_key_reused_for_different_answers(personas, api_as):
    web = api_as(personas.a.user)
    post(web, personas.a, {"instrument": "phq9", "answers": PHQ9_NONE}, key="same")
    response = post(
        web,
        personas.a,
        {"instrument": "phq9", "answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)},
        key="same",
    )
    assert response.status_code == 422
    assert ("header", "Idempotency-Key") in faults(response)
    assert Response.objects.count() == 1


def test_it_keeps_keys_apart_between_people(personas, api_as):
    post(api_as(personas.a.user), personas.a, {"instrument": "phq9", "answers": PHQ9_NONE}, key="k")
    response = post(
        api_as(personas.b.user), personas.b, {"instrument": "phq9", "answers": PHQ9_NONE}, key="k"
    )
    assert response.status_code == 201
    assert Response.objects.count() == 2


def test_it_lets_the_counselor_answer_the_prediction(personas, api_as):
    response = post(
        api_as(personas.c1), personas.a, {"instrument": "wai-sr-predicted", "answers": wai(4)}
    )
    assert response.status_code == 201
    assert response.json()["respondent_role"] == "counselor"
    assert Response.objects.get().respondent == personas.c1


def test_it_tells_a_client_the_prediction_is_the_counselors(personas, api_as):
    response = post(
        api_as(personas.a.user), personas.a, {"instrument": "wai-sr-predicted", "answers": wai(4)}
    )
    assert response.status_code == 403
    assert "answered by the counselor" in response.json()["detail"]
    assert not Response.objects.exists()


def test_it_tells_a_counselor_the_phq9_is_the_clients(personas, api_as):
    response = post(api_as(personas.c1), personas.a, {"instrument": "phq9", "answers": PHQ9_NONE})
    assert response.status_code == 403
    assert "answered by the client" in response.json()["detail"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_it_tells_clinic_wide_roles_they_read_but_do_not_answer(personas, api_as, who):
    response = post(
        api_as(personas.users[who]),
        personas.a,
        {"instrument": "wai-sr-predicted", "answers": wai(4)},
    )
    assert response.status_code == 403
    assert "do not answer" in response.json()["detail"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["b", "c2", "other_counselor", "other_client"])
def test_it_hides_a_record_that_is_not_theirs(personas, api_as, who):
    response = post(
        api_as(personas.users[who]), personas.a, {"instrument": "phq9", "answers": PHQ9_NONE}
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "answers, item, words",
    [
        (PHQ9_NONE | {"phq9_4": 4}, "phq9_4", "one of 0, 1, 2, 3"),
        ({k: v for k, v in PHQ9_NONE.items() if k != "phq9_9"}, "phq9_9", "missing"),
        (PHQ9_NONE | {"phq9_10": 1}, "phq9_10", "unknown item"),
        (PHQ9_NONE | {"phq9_2": "often"}, "phq9_2", "not one of"),
        (PHQ9_NONE | {"phq9_2": True}, "phq9_2", "expected a number"),
        (PHQ9_NONE | {"phq9_2": {"deep": [1, 2]}}, "phq9_2", "expected a number"),
        (PHQ9_NONE | {"phq9_2": 1.5}, "phq9_2", "one of 0, 1, 2, 3"),
    ],
)
def test_it_names_the_item_of_an_invalid_answer(personas, api_as, answers, item, words):
    response = post(api_as(personas.a.user), personas.a, {"instrument": "phq9", "answers": answers})
    assert response.status_code == 422
    found = faults(response)
    assert ("body", "answers", item) in found
    assert words in found[("body", "answers", item)]
    assert not Response.objects.exists()


def test_it_refuses_an_unknown_instrument(personas, api_as):
    response = post(api_as(personas.a.user), personas.a, {"instrument": "ors", "answers": {}})
    assert response.status_code == 422
    assert "phq9" in faults(response)[("body", "instrument")]


def test_it_refuses_a_body_that_is_not_json(personas, api_as):
    response = post(api_as(personas.a.user), personas.a, "{not json")
    assert response.status_code == 422
    assert not Response.objects.exists()


def test_it_links_a_response_to_a_session(personas, api_as):
    session = add_session(personas.a)
    body = post(
        api_as(personas.a.user),
        personas.a,
        {"instrument": "phq9", "answers": PHQ9_NONE, "session_id": session.pk},
    ).json()
    assert body["session_id"] == session.pk
    assert Response.objects.get().session == session


def test_it_refuses_a_session_of_another_client_with_422(personas, api_as):
    others = add_session(personas.b)
    response = post(
        api_as(personas.a.user),
        personas.a,
        {"instrument": "phq9", "answers": PHQ9_NONE, "session_id": others.pk},
    )
    assert response.status_code == 422
    assert ("body", "session_id") in faults(response)
    assert not Response.objects.exists()


def test_it_refuses_a_session_that_did_not_take_place(personas, api_as):
    cancelled = add_session(personas.a, attendance=Attendance.CANCELLED)
    response = post(
        api_as(personas.a.user),
        personas.a,
        {"instrument": "phq9", "answers": PHQ9_NONE, "session_id": cancelled.pk},
    )
    assert response.status_code == 422
    assert "cancelled" in faults(response)[("body", "session_id")]
    assert not Response.objects.exists()


def test_it_answers_409_for_a_form_already_answered_for_the_session(personas, api_as):
    session = add_session(personas.a)
    web = api_as(personas.a.user)
    body = {"instrument": "phq9", "answers": PHQ9_NONE, "session_id": session.pk}
    first = post(web, personas.a, body, key="tab-1")
    second = post(web, personas.a, body, key="tab-2")
    assert (first.status_code, second.status_code) == (201, 409)
    assert str(first.json()["id"]) in second.json()["detail"]
    assert Response.objects.count() == 1


def test_it_lists_responses_with_scores_newest_first(personas, api_as):
    give_response(personas.a, "phq9", phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))
    give_response(personas.a, "phq9", PHQ9_NONE)
    give_response(personas.a, "wai-sr-predicted", wai(2))
    give_response(personas.b, "phq9", PHQ9_NONE)
    body = api_as(personas.supervisor).get(url(personas.a)).json()
    assert body["count"] == 3
    assert [(r["instrument"], r["total"]) for r in body["items"]] == [
        ("wai-sr-predicted", 24),
        ("phq9", 0),
        ("phq9", 24),
    ]
    assert body["items"][2]["band"] == "Severe"


def test_it_filters_the_list_by_instrument(personas, api_as):
    give_response(personas.a, "phq9", PHQ9_NONE)
    give_response(personas.a, "wai-sr", wai(5))
    body = api_as(personas.a.user).get(url(personas.a) + "?instrument=wai-sr").json()
    assert [r["instrument"] for r in body["items"]] == ["wai-sr"]


def test_it_audits_reading_the_list(personas, api_as):
    response = give_response(personas.a, "phq9", PHQ9_NONE)
    api_as(personas.c1).get(url(personas.a))
    event = AuditEvent.objects.filter(action="list").get()
    assert (event.object_type, event.object_id, event.client_id) == (
        "Response",
        str(response.pk),
        personas.a.pk,
    )
    assert event.via == "api"


def test_it_audits_a_submission(personas, api_as):
    post(api_as(personas.a.user), personas.a, {"instrument": "phq9", "answers": PHQ9_NONE})
    event = AuditEvent.objects.get(action="create")
    assert (event.object_type, event.actor_id, event.client_id) == (
        "Response",
        personas.a.user.pk,
        personas.a.pk,
    )


GAD7_SOME = {f"gad7_{n}": 1 for n in range(1, 8)}


def add_history(client, weeks, start=datetime.date(2024, 1, 1)):
    for week in range(weeks):
        session = add_session(client, date=start + datetime.timedelta(weeks=week))
        give_response(client, "phq9", PHQ9_NONE, session=session)
        give_response(client, "wai-sr", wai(4), session=session)
        give_response(client, "gad7", GAD7_SOME, session=session)


def count_queries(web, client, body, key):
    with CaptureQueriesContext(connection) as captured:
        response = post(web, client, body, key=key)
    assert response.status_code == 201, response.content
    return len(captured)


def test_it_uses_the_same_number_of_queries_however_long_the_history(
    personas, api_as, django_assert_num_queries
):
    web = api_as(personas.a.user)
    body = {"instrument": "gad7", "answers": GAD7_SOME}
    add_history(personas.a, 1)
    first = count_queries(web, personas.a, body, "first")
    add_history(personas.a, 60, start=datetime.date(2024, 6, 3))
    assert Response.objects.filter(client=personas.a).count() == 184
    with django_assert_num_queries(first):
        assert post(web, personas.a, body, key="nth").status_code == 201
    session = add_session(personas.a, date=datetime.date(2026, 1, 5))
    linked = count_queries(web, personas.a, body | {"session_id": session.pk}, "linked")
    # Finding the session is the one query a linked submission adds.
    assert linked == first + 1


def test_it_refuses_an_idempotency_key_longer_than_255_characters(personas, api_as):
    web = api_as(personas.a.user)
    response = post(web, personas.a, {"instrument": "phq9", "answers": PHQ9_NONE}, key="k" * 256)
    assert response.status_code == 422
    assert not Response.objects.exists()
