"""A new password ends everything signed in with the old one; people see and end their tokens;
a token remembers whether a second factor was checked to issue it."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client as WebClient
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import ApiToken
from alliance.audit.models import AuditEvent
from alliance.conftest import PASSWORD

NEW_PASSWORD = "a long and fresh passphrase"


def bearer(token) -> WebClient:
    return WebClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def post_json(web, path, body):
    return web.post(path, json.dumps(body), content_type="application/json")


def ask_for_token(**body):
    return post_json(WebClient(), "/api/v1/auth/token", body)


def code_for(user) -> str:
    return f"{totp(TOTPDevice.objects.get(user=user, confirmed=True).bin_key):06d}"


def reset_password_by_email(client, mailoutbox, email, password=NEW_PASSWORD):
    client.post("/password-reset/", {"email": email})
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/\S+/)", mailoutbox[-1].body).group(1)
    set_path = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(set_path, {"new_password1": password, "new_password2": password})
    assert response["Location"] == "/password-reset/done/"


# --- A password reset or change ends every session and token -------------------------------


def test_it_revokes_every_token_when_the_password_is_reset_by_email(
    personas, web_as, mailoutbox, client
):
    _, token = ApiToken.issue(personas.a.user)
    web = web_as(personas.a.user)
    assert bearer(token).get("/api/v1/me").status_code == 200
    reset_password_by_email(client, mailoutbox, "amira@north.test")
    assert bearer(token).get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.live().exists()
    assert web.get("/home/")["Location"].startswith("/signin/")


def test_it_changes_the_password_through_the_api_and_ends_everything(personas, api_as, web_as):
    _, other = ApiToken.issue(personas.a.user, label="tablet")
    web = web_as(personas.a.user)
    api = api_as(personas.a.user)
    response = post_json(
        api,
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    personas.a.user.refresh_from_db()
    assert personas.a.user.check_password(NEW_PASSWORD)
    assert api.get("/api/v1/me").status_code == 401
    assert bearer(other).get("/api/v1/me").status_code == 401
    assert web.get("/home/")["Location"].startswith("/signin/")
    event = AuditEvent.objects.get(action="password")
    assert (event.actor_id, event.object_type, event.via) == (personas.a.user.pk, "User", "api")
    fresh = ask_for_token(email="amira@north.test", password=NEW_PASSWORD)
    assert fresh.status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"current_password": "not it", "new_password": NEW_PASSWORD}, "current_password", "not"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password", "too short"),
        (
            {"current_password": PASSWORD, "new_password": "1234567890123"},
            "new_password",
            "numeric",
        ),
        ({"current_password": PASSWORD, "new_password": "amira@north.test"}, "new_password", ""),
        ({"current_password": PASSWORD}, "new_password", ""),
        ({"current_password": PASSWORD, "new_password": ""}, "new_password", ""),
        ({"new_password": NEW_PASSWORD}, "current_password", ""),
        ({"current_password": PASSWORD, "new_password": 12345678901}, "new_password", ""),
    ],
)
def test_it_refuses_a_bad_password_change_and_changes_nothing(
    personas, api_as, body, field, message
):
    api = api_as(personas.a.user)
    response = post_json(api, "/api/v1/me/password", body)
    assert response.status_code == 422
    (problem,) = [p for p in response.json()["detail"] if p["loc"][-1] == field]
    assert message in problem["msg"]
    personas.a.user.refresh_from_db()
    assert personas.a.user.check_password(PASSWORD)
    assert api.get("/api/v1/me").status_code == 200


def test_it_counts_wrong_current_passwords_towards_the_lockout(personas, api_as):
    api = api_as(personas.a.user)
    wrong = {"current_password": "wrong", "new_password": NEW_PASSWORD}
    for _ in range(4):
        assert post_json(api, "/api/v1/me/password", wrong).status_code == 422
    response = post_json(api, "/api/v1/me/password", wrong)
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed attempts. Try again later."}
    right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert post_json(api, "/api/v1/me/password", right).status_code == 429
    personas.a.user.refresh_from_db()
    assert personas.a.user.check_password(PASSWORD)


def test_it_changes_the_password_of_a_verified_web_session_with_csrf(personas):
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(personas.a.user, backend="django.contrib.auth.backends.ModelBackend")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert post_json(web, "/api/v1/me/password", body).status_code == 403
    personas.a.user.refresh_from_db()
    assert personas.a.user.check_password(PASSWORD)


# --- Your tokens ---------------------------------------------------------------------------


def test_it_lists_your_live_tokens_without_their_secrets(personas):
    first = ask_for_token(email="amira@north.test", password=PASSWORD, label="My phone")
    token = first.json()["token"]
    _, laptop = ApiToken.issue(personas.a.user, label="Laptop")
    revoked, _ = ApiToken.issue(personas.a.user, label="Old")
    revoked.revoked_at = timezone.now()
    revoked.save()
    expired, _ = ApiToken.issue(personas.a.user, label="Expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    ApiToken.issue(personas.b.user, label="Ben's")
    response = bearer(token).get("/api/v1/auth/tokens")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(t["label"], t["current"], t["two_factor"]) for t in body["items"]] == [
        ("Laptop", False, False),
        ("My phone", True, False),
    ]
    assert set(body["items"][0]) == {
        "id",
        "label",
        "created_at",
        "last_used_at",
        "expires_at",
        "two_factor",
        "current",
    }
    assert token not in response.content.decode() and laptop not in response.content.decode()
    for record in ApiToken.objects.all():
        assert record.token_hash not in response.content.decode()


def test_it_records_when_a_token_was_last_used_to_the_minute(personas):
    record, token = ApiToken.issue(personas.a.user)
    assert record.last_used_at == record.created_at
    a_while_ago = timezone.now() - timedelta(hours=3)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=a_while_ago)
    bearer(token).get("/api/v1/me")
    record.refresh_from_db()
    used = record.last_used_at
    assert used > timezone.now() - timedelta(seconds=5)
    bearer(token).get("/api/v1/me")
    record.refresh_from_db()
    assert record.last_used_at == used  # within the minute: not written again


def test_it_signs_out_everywhere(personas, web_as):
    _, phone = ApiToken.issue(personas.a.user)
    _, laptop = ApiToken.issue(personas.a.user)
    _, bens = ApiToken.issue(personas.b.user)
    web = web_as(personas.a.user)
    other_browser = web_as(personas.a.user)
    assert bearer(phone).delete("/api/v1/auth/tokens").status_code == 204
    assert bearer(phone).get("/api/v1/me").status_code == 401
    assert bearer(laptop).get("/api/v1/me").status_code == 401
    assert web.get("/home/")["Location"].startswith("/signin/")
    assert other_browser.get("/home/")["Location"].startswith("/signin/")
    assert bearer(bens).get("/api/v1/me").status_code == 200
    fresh = WebClient()
    fresh.post("/signin/", {"username": "amira@north.test", "password": PASSWORD})
    assert fresh.get("/home/").status_code == 200


def test_it_signs_out_everywhere_from_a_web_session(personas, web_as):
    _, token = ApiToken.issue(personas.a.user)
    web = web_as(personas.a.user)
    assert web.delete("/api/v1/auth/tokens").status_code == 204
    assert bearer(token).get("/api/v1/me").status_code == 401
    assert web.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("label", ["phone\nBcc: x@evil.test", "nul\x00", "tab\there", "x" * 101])
def test_it_refuses_a_label_that_is_not_one_short_line(personas, label):
    response = ask_for_token(email="amira@north.test", password=PASSWORD, label=label)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "label"]
    assert not ApiToken.objects.exists()


# --- A token remembers its second factor ---------------------------------------------------


def test_it_stops_staff_tokens_issued_without_a_code_once_two_factor_is_required(
    personas, settings
):
    settings.STAFF_2FA = "optional"
    TOTPDevice.objects.filter(user=personas.c1).delete()
    token = ask_for_token(email="carmen@north.test", password=PASSWORD).json()["token"]
    assert ApiToken.objects.get().two_factor is False
    assert bearer(token).get("/api/v1/clients").status_code == 200
    settings.STAFF_2FA = "required"
    web = bearer(token)
    for response in [
        web.get("/api/v1/clients"),
        post_json(web, "/api/v1/clients", {"name": "Nina New", "email": "nina@north.test"}),
        web.delete("/api/v1/auth/token"),
    ]:
        assert response.status_code == 401
        assert "one-time code" in response.json()["detail"]
    assert ApiToken.objects.get().revoked_at is None


def test_it_keeps_staff_tokens_issued_with_a_code(personas, settings):
    settings.STAFF_2FA = "optional"
    code = code_for(personas.c1)
    token = ask_for_token(email="carmen@north.test", password=PASSWORD, otp=code).json()["token"]
    assert ApiToken.objects.get().two_factor is True
    settings.STAFF_2FA = "required"
    assert bearer(token).get("/api/v1/clients").status_code == 200


def test_it_keeps_client_tokens_without_a_code(personas, settings):
    token = ask_for_token(email="amira@north.test", password=PASSWORD).json()["token"]
    assert bearer(token).get("/api/v1/me").status_code == 200
