"""Schemathesis generates requests from our OpenAPI schema: no input may cause a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from alliance.accounts.models import ApiToken
from alliance.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def call(case, user):
    _, token = ApiToken.issue(user)
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
