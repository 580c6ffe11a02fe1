"""Under /api/v1/ every error is JSON `{"detail": …}`: a body over the size limit, a path the API
does not have, a method it does not take, and a bearer token that does not work, on every
method (never a CSRF refusal meant for web sessions)."""

import json

import pytest
from django.db.utils import OperationalError
from django.test import Client as WebClient
from django.utils import timezone

from alliance.accounts.models import ApiToken
from alliance.journal.models import JournalEntry


def journal_entry(web, client, text="hello", **headers):
    body = json.dumps({"kind": "note", "text": text})
    return web.post(
        f"/api/v1/clients/{client.pk}/journal", body, content_type="application/json", **headers
    )


def test_it_answers_a_body_over_the_limit_with_a_json_413(personas, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = journal_entry(api_as(personas.a.user), personas.a, text="x" * 20_000)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 10,000 bytes accepted."
    }
    assert not JournalEntry.objects.exists()


def test_it_answers_413_before_authentication_and_on_any_path(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = WebClient().post("/api/v1/nowhere", "x" * 1000, content_type="text/plain")
    assert response.status_code == 413
    assert "detail" in response.json()


def test_it_accepts_a_body_at_the_limit(personas, api_as, settings):
    body = json.dumps({"kind": "note", "text": "x" * 500})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body)
    response = api_as(personas.a.user).post(
        f"/api/v1/clients/{personas.a.pk}/journal", body, content_type="application/json"
    )
    assert response.status_code == 201


def test_it_leaves_the_pages_limit_to_django(personas, web_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = web_as(personas.a.user).post("/journal/", {"text": "x" * 1000})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/clients/1/nowhere/", "/api/v1/"])
def test_it_answers_an_unknown_path_with_a_json_404(personas, api_as, path):
    for web in (api_as(personas.a.user), WebClient()):
        response = web.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found: the API has no such path."}


def test_it_answers_a_method_a_path_does_not_take_with_a_json_405(personas, api_as):
    response = api_as(personas.a.user).put("/api/v1/me")
    assert response.status_code == 405
    assert "detail" in response.json()
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/clients/{a}/journal"),
        ("POST", "/api/v1/me/password"),
        ("PATCH", "/api/v1/clinic"),
        ("DELETE", "/api/v1/auth/token"),
        ("DELETE", "/api/v1/auth/tokens"),
    ],
)
def test_it_answers_401_to_a_made_up_token_on_every_method(personas, method, path):
    web = WebClient(HTTP_AUTHORIZATION="Bearer made-up", enforce_csrf_checks=True)
    response = web.generic(method, path.format(a=personas.a.pk), "{}", "application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid bearer token."}


def test_it_answers_401_to_a_revoked_token_on_a_post(personas):
    record, token = ApiToken.issue(personas.a.user)
    record.revoked_at = timezone.now()
    record.save()
    web = WebClient(HTTP_AUTHORIZATION=f"Bearer {token}", enforce_csrf_checks=True)
    response = journal_entry(web, personas.a)
    assert response.status_code == 401
    assert "detail" in response.json()
    assert not JournalEntry.objects.exists()


def test_it_answers_401_to_a_post_with_no_credentials_at_all(personas):
    response = journal_entry(WebClient(enforce_csrf_checks=True), personas.a)
    assert response.status_code == 401


def test_it_judges_a_request_with_a_token_by_its_token_not_the_session_cookie(personas, web_as):
    web = web_as(personas.a.user)
    assert web.get("/api/v1/me").status_code == 200
    assert web.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer made-up").status_code == 401


def test_it_still_protects_a_signed_in_web_session_from_forgery(personas):
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(personas.a.user, backend="django.contrib.auth.backends.ModelBackend")
    response = journal_entry(web, personas.a)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not JournalEntry.objects.exists()


def test_it_answers_503_while_the_database_is_unreachable(personas, api_as, monkeypatch):
    web = api_as(personas.a.user)

    def unreachable(cls, token):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ApiToken, "find", classmethod(unreachable))
    response = journal_entry(web, personas.a)
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "try again" in response.json()["detail"]
