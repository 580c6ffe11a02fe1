import json

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from alliance.psychometrics import reload_instruments


@pytest.fixture(autouse=True)
def fresh_definitions():
    reload_instruments()
    yield
    reload_instruments()


def test_it_refuses_to_start_with_a_broken_definition(settings, tmp_path):
    (tmp_path / "mood.json").write_text(
        json.dumps({"code": "mood", "name": "Mood", "version": "1"})
    )
    settings.INSTRUMENTS_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"mood\.json: citation: missing required field"):
        apps.get_app_config("measures").ready()


def test_it_refuses_to_start_with_a_definition_that_is_not_json(settings, tmp_path):
    (tmp_path / "mood.json").write_text("{")
    settings.INSTRUMENTS_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match=r"mood\.json: invalid JSON"):
        apps.get_app_config("measures").ready()


def test_it_starts_with_the_shipped_definitions(settings):
    settings.INSTRUMENTS_DIR = None
    apps.get_app_config("measures").ready()
