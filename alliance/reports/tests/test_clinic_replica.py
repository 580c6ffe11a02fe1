"""ALLIANCE_ANALYTICS_DATABASE_URL: the clinic figures read from a second database alias (a
replica in production), and only they do. Tested with a second alias on the same database, so
what the first connection commits the second one reads, as a replica would."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from alliance.reports import analytics
from alliance.reports.tests import clinic_example as example


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A second alias on the same (test) database. Module-scoped so that it exists before the
    test's database access is set up, which must be told of it; the tests that do without it
    come first in this file."""
    alias = analytics.ANALYTICS_DATABASE
    settings.DATABASES[alias] = {
        **connections["default"].settings_dict,
        "TEST": {**connections["default"].settings_dict["TEST"], "MIRROR": "default"},
    }
    yield alias
    connections[alias].close()
    del connections[alias]
    del settings.DATABASES[alias]


def test_without_a_replica_the_figures_read_the_default_database(db):
    assert analytics.database() == "default"


def test_the_setting_names_a_second_database_that_mirrors_the_first_under_test(tmp_path):
    code = (
        "import json; from alliance import settings as s; "
        "print(json.dumps({k: {'engine': v['ENGINE'], 'name': str(v['NAME']), "
        "'test': v.get('TEST', {})} for k, v in s.DATABASES.items()}))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "ALLIANCE_DEBUG": "1",
        "ALLIANCE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://alliance@db.internal:5432/alliance",
        "ALLIANCE_ANALYTICS_DATABASE_URL": "postgres://reader@replica.internal:5432/alliance",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)
    assert databases["analytics"]["engine"] == "django.db.backends.postgresql"
    assert databases["analytics"]["test"] == {"MIRROR": "default"}
    del env["ALLIANCE_ANALYTICS_DATABASE_URL"]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert list(json.loads(result.stdout)) == ["default"]


@pytest.mark.django_db(transaction=True, databases=["default", "analytics"])
def test_the_figures_are_read_from_the_replica_and_nothing_else_is(replica_alias, personas, web_as):
    replica = connections[replica_alias]
    example.build(personas)
    assert analytics.database() == analytics.ANALYTICS_DATABASE
    web = web_as(personas.supervisor)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        response = web.get(f"/api/v1/clinic/outcomes?{example.MARCH}")
    assert response.status_code == 200
    assert {k: response.json()[k] for k in example.CLINIC_MARCH} == example.CLINIC_MARCH
    read = [q["sql"] for q in on_replica.captured_queries]
    assert all(q.startswith("SELECT") for q in read)
    assert len(read) == 4
    assert any("reports_outcomesummary" in q for q in read)
    assert any("reports_predictiongap" in q for q in read)
    # The default database keeps the sign-in and the audit trail, and reads no summary.
    assert not any("reports_" in q["sql"] for q in on_default.captured_queries)
    assert any("audit_auditevent" in q["sql"] for q in on_default.captured_queries)
