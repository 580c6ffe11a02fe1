import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client as WebClient
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import ApiToken
from alliance.conftest import PASSWORD

GENERIC = "That email and password do not match an account."


def ask_for_token(client, **body):
    return client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def bearer(token) -> WebClient:
    return WebClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_gives_a_client_a_token_that_works(personas, client, settings):
    response = ask_for_token(client, email="amira@north.test", password=PASSWORD)
    assert response.status_code == 200
    body = response.json()
    expires_at = parse_datetime(body["expires_at"])
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert expected - timedelta(minutes=1) < expires_at <= expected
    me = bearer(body["token"]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "amira@north.test"


def test_it_stores_only_a_hash_of_the_token(personas, client):
    token = ask_for_token(client, email="amira@north.test", password=PASSWORD).json()["token"]
    assert not ApiToken.objects.filter(token_hash=token).exists()
    table = ApiToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])


def test_it_refuses_a_wrong_password_with_a_generic_message_and_counts_it(personas, client):
    response = ask_for_token(client, email="amira@north.test", password="not the password")
    assert response.status_code == 401
    assert response.json() == {"detail": GENERIC}
    assert not ApiToken.objects.exists()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("amira@north.test", 1)


def test_it_gives_the_same_answer_for_an_unknown_email(personas, client):
    response = ask_for_token(client, email="nobody@north.test", password="whatever it is")
    assert response.status_code == 401
    assert response.json() == {"detail": GENERIC}


def test_it_locks_out_after_five_failures_with_a_json_429(personas, client):
    for _ in range(4):
        assert ask_for_token(client, email="amira@north.test", password="wrong").status_code == 401
    response = ask_for_token(client, email="amira@north.test", password="wrong")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed attempts. Try again later."}
    response = ask_for_token(client, email="amira@north.test", password=PASSWORD)
    assert response.status_code == 429
    assert not ApiToken.objects.exists()


def test_it_shares_the_lockout_with_the_sign_in_page(personas, client):
    for _ in range(5):
        client.post("/signin/", {"username": "amira@north.test", "password": "wrong"})
    response = ask_for_token(client, email="Amira@north.test", password=PASSWORD)
    assert response.status_code == 429


def test_it_needs_a_one_time_code_from_staff(personas, client):
    response = ask_for_token(client, email="carmen@north.test", password=PASSWORD)
    assert response.status_code == 401
    assert "one-time code" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_it_refuses_a_wrong_one_time_code(personas, client):
    wrong = f"{(int(code_for(personas.c1)) + 1) % 1_000_000:06d}"
    response = ask_for_token(client, email="carmen@north.test", password=PASSWORD, otp=wrong)
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_it_gives_staff_a_token_with_a_right_code(personas, client):
    code = code_for(personas.c1)
    response = ask_for_token(client, email="carmen@north.test", password=PASSWORD, otp=code)
    assert response.status_code == 200
    assert bearer(response.json()["token"]).get("/api/v1/clients").json()["count"] == 2


def test_it_asks_staff_without_a_device_to_enrol_first(personas, client):
    TOTPDevice.objects.filter(user=personas.c1).delete()
    response = ask_for_token(client, email="carmen@north.test", password=PASSWORD, otp="123456")
    assert response.status_code == 401
    assert "enrol" in response.json()["detail"]


def test_it_gives_staff_without_a_device_a_token_when_two_factor_is_optional(
    personas, client, settings
):
    settings.STAFF_2FA = "optional"
    TOTPDevice.objects.filter(user=personas.c1).delete()
    response = ask_for_token(client, email="carmen@north.test", password=PASSWORD)
    assert response.status_code == 200


def test_it_needs_a_code_from_a_client_who_opted_in(personas, client):
    TOTPDevice.objects.create(user=personas.a.user, name="phone", confirmed=True)
    assert ask_for_token(client, email="amira@north.test", password=PASSWORD).status_code == 401
    code = code_for(personas.a.user)
    response = ask_for_token(client, email="amira@north.test", password=PASSWORD, otp=code)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "amira@north.test"}, "password"),
        ({"email": "", "password": PASSWORD}, "email"),
        ({"email": ["amira@north.test"], "password": PASSWORD}, "email"),
        ({"email": "amira@north.test", "password": 12345}, "password"),
        ({"email": "amira@north.test", "password": PASSWORD, "otp": 123456}, "otp"),
        ({"email": "a" * 300, "password": PASSWORD}, "email"),
    ],
)
def test_it_names_the_field_at_fault(personas, client, body, field):
    response = ask_for_token(client, **body)
    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert not ApiToken.objects.exists()


def test_it_answers_malformed_json_with_a_422(personas, client):
    response = client.post("/api/v1/auth/token", '{"email": ', content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_it_refuses_an_expired_token(personas, client):
    record, token = ApiToken.issue(personas.a.user)
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(token).get("/api/v1/me")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_refuses_a_token_of_a_deactivated_account(personas):
    _, token = ApiToken.issue(personas.a.user)
    personas.a.user.is_active = False
    personas.a.user.save()
    assert bearer(token).get("/api/v1/me").status_code == 401


def test_it_refuses_a_made_up_token(personas):
    assert bearer("made-up").get("/api/v1/me").status_code == 401


def test_it_refuses_a_request_without_a_token(db, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid bearer token."}


def test_it_revokes_the_token_it_is_sent_with(personas):
    record, token = ApiToken.issue(personas.a.user)
    _, other = ApiToken.issue(personas.a.user)
    web = bearer(token)
    response = web.delete("/api/v1/auth/token")
    assert response.status_code == 204
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert web.get("/api/v1/me").status_code == 401
    assert web.delete("/api/v1/auth/token").status_code == 401
    assert bearer(other).get("/api/v1/me").status_code == 200


def test_it_does_not_revoke_a_web_session(personas, web_as):
    web = web_as(personas.a.user)
    response = web.delete("/api/v1/auth/token")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_it_tells_a_client_who_they_are(personas, api_as):
    response = api_as(personas.a.user).get("/api/v1/me")
    assert response.json() == {
        "id": personas.a.user.pk,
        "email": "amira@north.test",
        "name": "Amira",
        "role": "client",
        "clinic": {"id": personas.clinic.pk, "name": "Northside Clinic"},
        "client_id": personas.a.pk,
        "two_factor": False,
    }


def test_it_tells_staff_who_they_are(personas, api_as):
    body = api_as(personas.other_counselor).get("/api/v1/me").json()
    assert (body["role"], body["client_id"], body["two_factor"]) == ("counselor", None, True)
    assert body["clinic"] == {"id": personas.other_clinic.pk, "name": "Southside Clinic"}


def test_it_answers_me_for_a_verified_web_session(personas, web_as):
    assert web_as(personas.c1).get("/api/v1/me").json()["email"] == "carmen@north.test"


def test_it_refuses_a_web_session_whose_second_factor_is_not_done(personas):
    web = WebClient()
    web.post("/signin/", {"username": "carmen@north.test", "password": PASSWORD})
    assert web.get("/api/v1/me").status_code == 401
