import json

import pytest
from django.test import Client as WebClient

from alliance.accounts.models import Invitation, User
from alliance.audit.models import AuditEvent
from alliance.care.models import Assignment, Client
from alliance.conftest import sign_in


def post_json(web, path, body):
    text = body if isinstance(body, str) else json.dumps(body)
    return web.post(path, text, content_type="application/json")


def names(response):
    return [item["name"] for item in response.json()["items"]]


def fields_at_fault(response):
    return {error["loc"][-1] for error in response.json()["detail"]}


def test_it_lists_a_counselors_own_clients(personas, api_as):
    response = api_as(personas.c1).get("/api/v1/clients")
    assert response.status_code == 200
    assert names(response) == ["Amira", "Ben"]
    assert response.json()["count"] == 2
    first = response.json()["items"][0]
    assert first["counselor"] == {"id": personas.c1.pk, "name": "Carmen Counselor"}
    assert first["email"] == "amira@north.test"


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_it_lists_the_whole_clinic_for_supervisors_and_admins(personas, api_as, who):
    assert names(api_as(personas.users[who]).get("/api/v1/clients")) == ["Amira", "Ben", "Dana"]


def test_it_lists_only_themself_for_a_client(personas, api_as):
    assert names(api_as(personas.a.user).get("/api/v1/clients")) == ["Amira"]


def test_it_never_lists_another_clinics_clients(personas, api_as):
    assert names(api_as(personas.other_counselor).get("/api/v1/clients")) == ["Omar"]


def test_it_lists_clients_in_a_bounded_number_of_queries(
    personas, api_as, django_assert_max_num_queries
):
    api = api_as(personas.admin)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/clients").json()["count"] == 3


def test_it_audits_each_client_listed(personas, api_as):
    api_as(personas.c1).get("/api/v1/clients")
    events = AuditEvent.objects.filter(action="list")
    assert {e.client_id for e in events} == {personas.a.pk, personas.b.pk}
    assert {(e.via, e.actor_id, e.ip) for e in events} == {("api", personas.c1.pk, "127.0.0.1")}


@pytest.mark.parametrize("who", ["a", "c1", "supervisor", "admin"])
def test_it_shows_one_client_to_those_allowed(personas, api_as, who):
    response = api_as(personas.users[who]).get(f"/api/v1/clients/{personas.a.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Amira"


def test_it_audits_reading_one_client(personas, api_as):
    api_as(personas.supervisor).get(f"/api/v1/clients/{personas.a.pk}")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.client_id) == (
        "read",
        "Client",
        str(personas.a.pk),
        personas.a.pk,
    )
    assert (event.actor_id, event.via) == (personas.supervisor.pk, "api")


@pytest.mark.parametrize("who", ["b", "c2", "other_counselor", "other_client"])
def test_it_answers_404_to_those_not_allowed(personas, api_as, who):
    response = api_as(personas.users[who]).get(f"/api/v1/clients/{personas.a.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    # Nothing was read; the refusal itself is on the trail.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["refused"]


@pytest.mark.parametrize("client_id", ["0", "-1", "987654", str(2**63), str(2**200)])
def test_it_answers_404_for_unknown_and_impossible_ids(personas, api_as, client_id):
    response = api_as(personas.admin).get(f"/api/v1/clients/{client_id}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_it_answers_422_for_an_id_that_is_not_a_number(personas, api_as):
    response = api_as(personas.admin).get("/api/v1/clients/abc")
    assert response.status_code == 422
    assert fields_at_fault(response) == {"client_id"}


def test_it_lets_a_counselor_add_their_own_client(personas, api_as, mailoutbox):
    response = post_json(
        api_as(personas.c1), "/api/v1/clients", {"name": " Nina New ", "email": "Nina@North.test"}
    )
    assert response.status_code == 201
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert (body["name"], body["email"]) == ("Nina New", "nina@north.test")
    assert body["counselor"]["id"] == personas.c1.pk
    assert (client.clinic, client.counselor) == (personas.clinic, personas.c1)
    assert not client.user.has_usable_password()
    assert Assignment.objects.get(client=client).counselor == personas.c1
    assert Invitation.objects.filter(user=client.user).count() == 1
    assert mailoutbox[0].to == ["nina@north.test"]
    event = AuditEvent.objects.get(action="create")
    assert (event.client_id, event.actor_id, event.via) == (client.pk, personas.c1.pk, "api")


def test_it_lets_an_admin_add_a_client_for_a_counselor(personas, api_as):
    response = post_json(
        api_as(personas.admin),
        "/api/v1/clients",
        {"name": "Nina New", "email": "nina@north.test", "counselor_id": personas.c2.pk},
    )
    assert response.status_code == 201
    assert Client.objects.get(pk=response.json()["id"]).counselor == personas.c2


def test_it_makes_the_counselor_the_caller_whatever_counselor_id_says(personas, api_as):
    response = post_json(
        api_as(personas.c1),
        "/api/v1/clients",
        {"name": "Nina New", "email": "nina@north.test", "counselor_id": personas.c2.pk},
    )
    assert response.status_code == 201
    assert response.json()["counselor"]["id"] == personas.c1.pk


@pytest.mark.parametrize("who", ["supervisor", "a"])
def test_it_refuses_to_let_others_add_clients(personas, api_as, who):
    response = post_json(
        api_as(personas.users[who]), "/api/v1/clients", {"name": "N", "email": "n@north.test"}
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not User.objects.filter(email="n@north.test").exists()


MISSING = object()
ADMIN_BAD_INPUT = [
    ({"name": MISSING}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "N" * 151}, "name"),
    ({"name": 5}, "name"),
    ({"name": "Nina\nBcc: x@evil.test"}, "name"),
    ({"name": "Nina\x00"}, "name"),
    ({"email": MISSING}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": ["nina@north.test"]}, "email"),
    ({"email": "amira@north.test"}, "email"),
    ({"counselor_id": MISSING}, "counselor_id"),
    ({"counselor_id": "x"}, "counselor_id"),
    ({"counselor_id": 0}, "counselor_id"),
    ({"counselor_id": 2**64}, "counselor_id"),
    ({"counselor_id": 987654}, "counselor_id"),
    ({"counselor_id": "other_counselor"}, "counselor_id"),
    ({"counselor_id": "supervisor"}, "counselor_id"),
]


@pytest.mark.parametrize(("change", "field"), ADMIN_BAD_INPUT)
def test_it_refuses_bad_input_naming_the_field_and_stores_nothing(
    personas, api_as, mailoutbox, change, field
):
    body = {"name": "Nina", "email": "nina@north.test", "counselor_id": personas.c1.pk}
    for key, value in change.items():
        if value is MISSING:
            del body[key]
        elif key == "counselor_id" and value in personas.users:
            body[key] = personas.users[value].pk
        else:
            body[key] = value
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = post_json(api_as(personas.admin), "/api/v1/clients", body)
    assert response.status_code == 422
    assert field in fields_at_fault(response)
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("text", ['{"name": "Nina", ', "not json", "", "[]", '"Nina"', "null"])
def test_it_refuses_malformed_or_wrongly_shaped_json(personas, api_as, text):
    response = post_json(api_as(personas.c1), "/api/v1/clients", text)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert Client.objects.count() == 4


def test_it_needs_a_token(personas, client):
    assert client.get("/api/v1/clients").status_code == 401
    response = post_json(client, "/api/v1/clients", {"name": "N", "email": "n@north.test"})
    assert response.status_code == 401
    assert response.json()["detail"]
    assert not User.objects.filter(email="n@north.test").exists()


def test_it_accepts_a_web_session_with_its_csrf_token(personas):
    web = sign_in(WebClient(enforce_csrf_checks=True), personas.c1)
    assert web.get("/api/v1/clients").status_code == 200
    web.get("/caseload/")
    token = web.cookies["csrftoken"].value
    response = web.post(
        "/api/v1/clients",
        json.dumps({"name": "Nina", "email": "nina@north.test"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert AuditEvent.objects.get(action="create").via == "api"


def test_it_refuses_a_web_session_post_without_a_csrf_token(personas):
    web = sign_in(WebClient(enforce_csrf_checks=True), personas.c1)
    response = web.post(
        "/api/v1/clients",
        json.dumps({"name": "Nina", "email": "nina@north.test"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not User.objects.filter(email="nina@north.test").exists()
