"""Generated requests against real goals, tasks and values: no input may cause a server error.

The shared fuzz test mostly meets 404s for made-up ids; here every id in the path names a record
the caller may write, so generated bodies reach the services and the database.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from alliance.accounts.models import ApiToken
from alliance.goals import services
from alliance.goals.models import Value
from alliance.goals.tests.helpers import make_goal
from alliance.homework.tests.helpers import make_task
from alliance.tests.test_api_fuzz import keep_test_connection  # noqa: F401
from alliance.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    tag=["goals", "tasks"]
)

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def real_ids(p) -> dict:
    """Made once per operation; examples after the first reuse (and may have changed) them."""
    if hasattr(p, "fuzz_ids"):
        return p.fuzz_ids
    goal = make_goal(p, scale=True, agreed=True)
    task = make_task(p, goal=goal, agreed=True)
    revisit = services.request_revisit(p.c1, goal, "Is this still right?")
    value = Value.objects.create(client=p.a, text="Family")
    p.fuzz_ids = {
        "client_id": p.a.pk,
        "goal_id": goal.pk,
        "task_id": task.pk,
        "revisit_id": revisit.pk,
        "value_id": value.pk,
    }
    return p.fuzz_ids


@schema.parametrize()
@FUZZ
@pytest.mark.django_db
def test_it_never_fails_the_client_on_their_own_records(case, personas):
    ids = real_ids(personas)
    case.path_parameters = {name: ids[name] for name in case.path_parameters or {}}
    _, token = ApiToken.issue(personas.a.user)
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error])
