"""Settings read from the environment, each case in a fresh interpreter with only the
variables it names."""

import base64
import json
import os
import subprocess
import sys

import pytest

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OLDER_KEY = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
SECRET = "kL9-tQ2vX7rB4wN8zE1mH6pJ3sD5fG0aY_uC2iO7eR9tW4qZ1xV8nM3bK6lP0hS5"

SHOW = """
import json
from alliance import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "debug": s.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST"),
    "keys": [k.hex() for k in s.ENCRYPTION_KEYS],
    "session_age": s.SESSION_COOKIE_AGE,
    "save_every_request": s.SESSION_SAVE_EVERY_REQUEST,
    "staff_2fa": s.STAFF_2FA,
    "secure_cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE],
    "hosts": s.ALLOWED_HOSTS,
    "email": s.EMAIL_BACKEND,
}))
"""


def production(tmp_path, **extra) -> dict:
    return {
        "ALLIANCE_SECRET_KEY": SECRET,
        "ALLIANCE_ENCRYPTION_KEYS": KEY,
        "ALLIANCE_ALLOWED_HOSTS": "alliance.example.org",
        **extra,
    }


def run(tmp_path, env: dict, *args, code=SHOW):
    clean = {"PATH": os.environ["PATH"], "ALLIANCE_DATA_DIR": str(tmp_path / "data"), **env}
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(  # noqa: S603
        command, env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def show(tmp_path, env: dict) -> dict:
    result = run(tmp_path, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(tmp_path, env: dict) -> str:
    result = run(tmp_path, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_it_is_off_debug_and_hardened_with_production_settings(tmp_path):
    found = show(tmp_path, production(tmp_path))
    assert found["debug"] is False
    assert found["secure_cookies"] == [True, True]
    assert found["hosts"] == ["alliance.example.org"]
    assert found["keys"] == [bytes(range(32)).hex()]
    assert found["staff_2fa"] == "required"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    result = run(
        tmp_path,
        production(tmp_path),
        "-m",
        "alliance",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_deploy_check_with_insecure_cookies(tmp_path):
    env = production(tmp_path, ALLIANCE_SECURE_COOKIES="false")
    result = run(tmp_path, env, "-m", "alliance", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr


def test_it_needs_a_secret_key_with_debug_off(tmp_path):
    env = production(tmp_path)
    del env["ALLIANCE_SECRET_KEY"]
    assert "ALLIANCE_SECRET_KEY is required" in refused(tmp_path, env)


def test_it_needs_encryption_keys_with_debug_off(tmp_path):
    env = production(tmp_path)
    del env["ALLIANCE_ENCRYPTION_KEYS"]
    assert "ALLIANCE_ENCRYPTION_KEYS is required" in refused(tmp_path, env)


def test_it_starts_in_debug_without_secrets_and_with_the_console_email(tmp_path):
    found = show(tmp_path, {"ALLIANCE_DEBUG": "1"})
    assert found["debug"] is True
    assert found["secure_cookies"] == [False, False]
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert len(found["keys"]) == 1


def test_it_reads_keys_newest_first(tmp_path):
    env = production(tmp_path, ALLIANCE_ENCRYPTION_KEYS=f" {KEY} , {OLDER_KEY.rstrip('=')} ")
    assert show(tmp_path, env)["keys"] == [bytes(range(32)).hex(), bytes(range(32, 64)).hex()]


@pytest.mark.parametrize(
    ("keys", "position"),
    [
        ("not-a-key", 1),
        (base64.urlsafe_b64encode(bytes(16)).decode(), 1),
        (base64.urlsafe_b64encode(bytes(33)).decode(), 1),
        (f"{KEY},{KEY[:10]}!{KEY[11:]}", 2),
        (f"{KEY[:10]} {KEY[10:]}", 1),
        (base64.b64encode(b"\xfb" * 32).decode(), 1),
    ],
    ids=["word", "short", "long", "stray-character", "space", "plus-and-slash"],
)
def test_it_refuses_malformed_encryption_keys(tmp_path, keys, position):
    message = refused(tmp_path, production(tmp_path, ALLIANCE_ENCRYPTION_KEYS=keys))
    assert f"ALLIANCE_ENCRYPTION_KEYS item {position} is not url-safe base64" in message


def test_it_requires_two_factor_for_staff_by_default_and_allows_optional(tmp_path):
    assert show(tmp_path, {"ALLIANCE_DEBUG": "1"})["staff_2fa"] == "required"
    env = {"ALLIANCE_DEBUG": "1", "ALLIANCE_STAFF_2FA": "optional"}
    assert show(tmp_path, env)["staff_2fa"] == "optional"


def test_it_refuses_another_two_factor_setting(tmp_path):
    env = {"ALLIANCE_DEBUG": "1", "ALLIANCE_STAFF_2FA": "off"}
    assert "ALLIANCE_STAFF_2FA must be 'required' or 'optional'" in refused(tmp_path, env)


def test_it_refuses_a_debug_value_it_cannot_read(tmp_path):
    assert "ALLIANCE_DEBUG must be true or false" in refused(tmp_path, {"ALLIANCE_DEBUG": "maybe"})


def test_it_times_sessions_out_after_thirty_minutes_unless_told(tmp_path):
    found = show(tmp_path, {"ALLIANCE_DEBUG": "1"})
    assert (found["session_age"], found["save_every_request"]) == (1800, True)
    found = show(tmp_path, {"ALLIANCE_DEBUG": "1", "ALLIANCE_SESSION_MINUTES": "10"})
    assert found["session_age"] == 600


@pytest.mark.parametrize("minutes", ["half an hour", "0", "-5"])
def test_it_refuses_a_session_length_that_is_not_a_positive_number(tmp_path, minutes):
    env = {"ALLIANCE_DEBUG": "1", "ALLIANCE_SESSION_MINUTES": minutes}
    assert "ALLIANCE_SESSION_MINUTES must be a whole number" in refused(tmp_path, env)


def test_it_uses_sqlite_in_the_data_directory_by_default(tmp_path):
    found = show(tmp_path, {"ALLIANCE_DEBUG": "1"})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "data" / "alliance.sqlite3")


def test_it_honours_database_url(tmp_path):
    env = {"ALLIANCE_DEBUG": "1", "DATABASE_URL": "postgres://alliance:pw@db.internal:5433/care"}
    found = show(tmp_path, env)
    assert (found["engine"], found["name"], found["host"]) == (
        "django.db.backends.postgresql",
        "care",
        "db.internal",
    )
    env = {"ALLIANCE_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/elsewhere.db"}
    assert show(tmp_path, env)["name"] == f"{tmp_path}/elsewhere.db"
