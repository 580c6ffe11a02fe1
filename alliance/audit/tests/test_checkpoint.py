"""A checkpoint anchors the trail outside the database: removing the newest events, which
leaves no break in the chain, no longer goes unnoticed."""

import json
import logging
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alliance.accounts.management.commands import serve
from alliance.audit import services as audit
from alliance.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def remove(*events):
    """What an intruder with database access would do; rolled back with the test."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER audit_no_update ON {TABLE}")
        for event in events:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608


@pytest.fixture
def events(personas):
    for client in [personas.a, personas.b, personas.d, personas.other_client, personas.a]:
        audit.record(None, "read", audit.for_client(client), actor=personas.c1)
    audit.record(None, "signin", audit.Target("Session"))
    return list(AuditEvent.objects.order_by("id"))


@pytest.fixture
def checkpoint(events, tmp_path):
    path = tmp_path / "audit-checkpoint.json"
    code, output = run("checkpoint", "--out", str(path))
    assert code == 0, output
    assert f"Audit checkpoint written to {path}: 3 chain(s), 6 events." in output
    return path


def test_it_holds_the_position_and_hash_of_each_chains_newest_event(personas, events, checkpoint):
    written = json.loads(checkpoint.read_text())
    north, south, none = str(personas.clinic.pk), str(personas.other_clinic.pk), "0"
    assert written["chains"] == {
        north: {"position": 4, "id": events[4].pk, "hash": events[4].hash},
        south: {"position": 1, "id": events[3].pk, "hash": events[3].hash},
        none: {"position": 1, "id": events[5].pk, "hash": events[5].hash},
    }
    assert len(written["mac"]) == 64


def test_it_passes_a_trail_that_holds_the_checkpoint(events, checkpoint):
    audit.record(None, "read", audit.Target("Later"))
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 0
    assert "Audit trail intact: 7 events checked, and it holds every event of 1 checkpoint" in (
        output
    )


def test_it_notices_the_newest_events_removed(personas, events, checkpoint):
    remove(events[4])
    assert run("verify")[0] == 0  # the chain alone cannot tell
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 1
    assert (
        f"clinic {personas.clinic.pk}'s chain: a checkpoint saw 4 events, the newest event "
        f"{events[4].pk}, but the trail holds only 3: the newest events were removed"
    ) in output


def test_it_notices_the_newest_events_replaced(personas, events, checkpoint):
    remove(events[4])
    audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
    assert run("verify")[0] == 0
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 1
    assert f"a checkpoint saw event {events[4].pk}" in output
    assert "at position 4" in output and "removed or replaced" in output


def test_it_notices_a_whole_chain_removed(personas, events, checkpoint):
    remove(events[5])
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 1
    assert "the chain of events of no clinic: a checkpoint saw 1 events" in output


def test_it_refuses_an_altered_checkpoint(events, checkpoint):
    written = json.loads(checkpoint.read_text())
    chain = next(iter(written["chains"].values()))
    chain["position"] -= 1
    checkpoint.write_text(json.dumps(written))
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 1
    assert "does not carry a valid signature" in output


def test_it_refuses_a_checkpoint_signed_with_another_key(events, checkpoint, settings):
    settings.AUDIT_KEY = b"another key, at least thirty-two characters long"
    code, output = run("verify", "--checkpoint", str(checkpoint))
    assert code == 1
    assert "signed with another ALLIANCE_AUDIT_KEY" in output


@pytest.mark.parametrize("content", ["", "not json", '{"format": "something else"}'])
def test_it_refuses_a_file_that_holds_no_checkpoint(events, tmp_path, content):
    path = tmp_path / "empty.json"
    path.write_text(content)
    code, output = run("verify", "--checkpoint", str(path))
    assert code == 1
    assert "holds no audit checkpoint" in output


def test_it_names_a_checkpoint_file_it_cannot_read(events, tmp_path):
    code, output = run("verify", "--checkpoint", str(tmp_path / "missing.json"))
    assert code == 1
    assert "Cannot read the checkpoint" in output and "No such file" in output


def test_it_needs_the_audit_key_to_write_a_checkpoint(events, tmp_path, settings):
    settings.AUDIT_KEY = None
    with pytest.raises(CommandError, match="ALLIANCE_AUDIT_KEY is not set"):
        call_command("audit", "checkpoint", "--out", str(tmp_path / "c.json"), stdout=StringIO())
    assert not (tmp_path / "c.json").exists()


def test_it_writes_checkpoints_to_the_log_and_verifies_them_from_it(
    personas, events, tmp_path, caplog
):
    with caplog.at_level(logging.INFO, logger="alliance.audit.checkpoint"):
        assert run("checkpoint", "--out", "log")[0] == 0
        audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
        assert run("checkpoint", "--out", "log")[0] == 0
    log = tmp_path / "server.log"
    log.write_text(
        "".join(f"2026-01-01 web-1 {r.getMessage()}\nother line\n" for r in caplog.records)
    )
    code, output = run("verify", "--checkpoint", str(log))
    assert code == 0, output
    assert "every event of 2 checkpoint(s)" in output
    remove(AuditEvent.objects.order_by("-id").first())
    assert run("verify", "--checkpoint", str(log))[0] == 1


def test_it_writes_an_empty_trail(db, tmp_path):
    path = tmp_path / "c.json"
    assert run("checkpoint", "--out", str(path))[0] == 0
    assert json.loads(path.read_text())["chains"] == {}
    assert run("verify", "--checkpoint", str(path))[0] == 0


def test_it_has_the_server_write_checkpoints_when_configured(settings, monkeypatch):
    settings.AUDIT_CHECKPOINT = ""
    assert serve.start_checkpoint_writer() is None
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda args: started.append(args))
    settings.AUDIT_CHECKPOINT = "/srv/checkpoints/audit.json"
    settings.AUDIT_CHECKPOINT_MINUTES = 15
    serve.start_checkpoint_writer()
    assert started == [
        [
            sys.executable,
            "-m",
            "alliance",
            "audit",
            "checkpoint",
            "--out",
            "/srv/checkpoints/audit.json",
            "--every",
            "15",
        ]
    ]


def test_it_keeps_writing_every_few_minutes_through_failures(events, tmp_path, monkeypatch):
    from alliance.audit.management.commands import audit as command

    path = tmp_path / "c.json"
    sleeps, attempts = [], []
    real_write = audit.write_checkpoint

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    def flaky_write(out):
        attempts.append(out)
        if len(attempts) == 1:
            raise OSError("No space left on device")
        return real_write(out)

    monkeypatch.setattr(command.time, "sleep", sleep)
    monkeypatch.setattr(audit, "write_checkpoint", flaky_write)
    with pytest.raises(KeyboardInterrupt):
        call_command("audit", "checkpoint", "--out", str(path), "--every", "5", stdout=StringIO())
    assert sleeps == [300, 300]
    assert len(attempts) == 2 and path.exists()
