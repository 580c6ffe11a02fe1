"""The backup and restore drill, as README describes it: back up the database (the SQLite
file, or `pg_dump` on PostgreSQL), keep the keys apart, restore into an empty database, then
`alliance audit verify` passes (against a checkpoint taken before the backup) and every
encrypted value reads. A restore without the right keys fails, naming the missing key."""

import base64
import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.db import connection

from alliance import crypto

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
AUDIT_KEY = "an audit key kept with the checkpoints, not the database"
ADD_AUTHENTICATOR = (
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "from alliance.accounts.models import User; "
    "TOTPDevice.objects.create(user=User.objects.filter(role='admin').first(), "
    "name='phone', confirmed=True)"
)


def alliance(directory, database_url, *args, keys=KEY, check=True):
    env = {
        "PATH": os.environ["PATH"],
        "ALLIANCE_DEBUG": "1",
        "ALLIANCE_DATA_DIR": str(directory / "data"),
        "DATABASE_URL": database_url,
        "ALLIANCE_ENCRYPTION_KEYS": keys,
        "ALLIANCE_AUDIT_KEY": AUDIT_KEY,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alliance", *args],
        env=env,
        cwd=directory,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def a_clinic_in_use(directory, database_url):
    """The demo clinic (journal, notes, goals, tasks, concerns: every encrypted kind) with an
    authenticator enrolled, and a checkpoint of its audit trail kept beside the keys."""
    alliance(directory, database_url, "demo", "--no-serve")
    alliance(directory, database_url, "shell", "-c", ADD_AUTHENTICATOR)
    checkpoint = directory / "checkpoint.json"
    alliance(directory, database_url, "audit", "checkpoint", "--out", str(checkpoint))
    return checkpoint


def assert_restored(directory, database_url, checkpoint):
    verified = alliance(directory, database_url, "audit", "verify", "--checkpoint", str(checkpoint))
    assert "Audit trail intact" in verified.stdout
    assert "holds every event of 1 checkpoint" in verified.stdout
    read = alliance(directory, database_url, "keys", "check")
    assert "Every encrypted value reads" in read.stdout
    assert f"keys in use: {crypto.fingerprint(base64.urlsafe_b64decode(KEY))} (" in read.stdout


def assert_refused_without_the_key(directory, database_url):
    lost = crypto.fingerprint(base64.urlsafe_b64decode(KEY))
    result = alliance(directory, database_url, "keys", "check", keys=OTHER_KEY, check=False)
    assert result.returncode == 1
    assert f"sealed with a key not in ALLIANCE_ENCRYPTION_KEYS: {lost} (" in result.stderr
    shown = alliance(
        directory,
        database_url,
        "shell",
        "-c",
        "from alliance.journal.models import JournalEntry; JournalEntry.objects.first()",
        keys=OTHER_KEY,
        check=False,
    )
    assert shown.returncode == 1
    assert f"sealed with key {lost}, which is not in ALLIANCE_ENCRYPTION_KEYS" in shown.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill")
def test_the_sqlite_drill(tmp_path):
    live, restored = tmp_path / "live", tmp_path / "restored"
    live.mkdir()
    restored.mkdir()
    checkpoint = a_clinic_in_use(live, f"sqlite:///{live / 'alliance.sqlite3'}")
    # The backup: SQLite's online copy, safe while the server writes (`sqlite3 … ".backup …"`).
    with sqlite3.connect(live / "alliance.sqlite3") as source:
        with sqlite3.connect(restored / "alliance.sqlite3") as copy:
            source.backup(copy)
    database_url = f"sqlite:///{restored / 'alliance.sqlite3'}"
    assert_restored(restored, database_url, checkpoint)
    assert_refused_without_the_key(restored, database_url)


def postgres_url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{name}"


def psql(url, *args):
    parts = urlsplit(url)
    env = {"PATH": os.environ["PATH"], "PGPASSWORD": parts.password or ""}
    command = [
        "psql",
        "-h",
        parts.hostname,
        "-p",
        str(parts.port),
        "-U",
        parts.username,
        "-d",
        parts.path.lstrip("/"),
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        *args,
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL drill")
def test_the_postgresql_drill(tmp_path):
    # Named after the test database, so a run's clean-up finds any left behind.
    base = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
    live_db, restored_db = f"{base}_live", f"{base}_restored"
    admin = postgres_url("postgres")
    live, restored = tmp_path / "live", tmp_path / "restored"
    live.mkdir()
    restored.mkdir()
    try:
        psql(admin, "-c", f'CREATE DATABASE "{live_db}"')
        checkpoint = a_clinic_in_use(live, postgres_url(live_db))
        dump = tmp_path / "alliance.sql"
        parts = urlsplit(postgres_url(live_db))
        subprocess.run(  # noqa: S603
            [
                "pg_dump",
                "-h",
                parts.hostname,
                "-p",
                str(parts.port),
                "-U",
                parts.username,
                "--no-owner",
                "-f",
                str(dump),
                live_db,
            ],
            env={"PATH": os.environ["PATH"], "PGPASSWORD": parts.password or ""},
            check=True,
        )
        psql(admin, "-c", f'CREATE DATABASE "{restored_db}"')
        psql(postgres_url(restored_db), "-f", str(dump))
        assert_restored(restored, postgres_url(restored_db), checkpoint)
        assert_refused_without_the_key(restored, postgres_url(restored_db))
        # The append-only guard came back with the schema.
        refused = subprocess.run(  # noqa: S603
            [
                "psql",
                postgres_url(restored_db),
                "-c",
                "UPDATE audit_auditevent SET detail = 'edited'",
            ],
            capture_output=True,
            text=True,
        )
        assert "append-only" in refused.stderr
    finally:
        for name in (live_db, restored_db):
            psql(admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
