"""Schemathesis generates requests from our OpenAPI schema: no input may cause a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from alliance.accounts.models import ApiToken
from alliance.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Requests go straight to the WSGI app, not through Django's test client, so switch off
    what that client switches off: closing the connection (and the test's transaction with it)
    at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(case, user):
    _, token = ApiToken.issue(user, two_factor=True)
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ
@pytest.mark.django_db
def test_it_never_fails_a_counselor(case, personas):
    call(case, personas.c1)


@schema.parametrize()
@FUZZ
@pytest.mark.django_db
def test_it_never_fails_a_client(case, personas):
    call(case, personas.a.user)
