"""Faults a live server meets, on PostgreSQL: the database restarts, a worker is killed in the
middle of a request. Clients retry with the same `Idempotency-Key`; every check-in is stored
exactly once, and the server recovers by itself.

These restart the PostgreSQL cluster that serves the test database and kill processes, so they
must never share it with other tests: they run only when asked for, alone and serially, as CI
does after the suite (`ALLIANCE_FAULT_TESTS=1 pytest -n 0 -m faults alliance`).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count

from alliance.accounts.models import ApiToken
from alliance.audit.services import CHAIN_LOCK
from alliance.conftest import make_personas
from alliance.measures.models import Response

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("ALLIANCE_FAULT_TESTS"),
        reason="restarts PostgreSQL: run alone with ALLIANCE_FAULT_TESTS=1 -n 0 -m faults",
    ),
    pytest.mark.skipif(
        bool(os.environ.get("PYTEST_XDIST_WORKER")), reason="never beside other tests"
    ),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL faults"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 2
DEADLINE = 120  # seconds for every client to get every check-in stored


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database, as the server process is to reach it."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
        f"{s['NAME']}"
    )


def cluster_serving_the_database() -> tuple[str, str]:
    """The version and name of the local cluster on the database's port, for pg_ctlcluster."""
    port = str(connection.settings_dict["PORT"] or 5432)
    listing = subprocess.run(  # noqa: S603
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port = line.split()[:3]
        if cluster_port == port:
            return version, name
    pytest.skip(f"no local PostgreSQL cluster on port {port} to restart")


def wait_for_postgresql():
    port = str(connection.settings_dict["PORT"] or 5432)
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    for _ in range(60):
        ready = subprocess.run(  # noqa: S603
            ["pg_isready", "-q", "-h", host, "-p", port], check=False
        )
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


def restart_postgresql():
    version, name = cluster_serving_the_database()
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True
    )
    wait_for_postgresql()


class Server:
    """`alliance serve` (gunicorn) on a loopback port, against the test database."""

    def __init__(self, tmp_path):
        self.port = free_port()
        env = {
            "PATH": os.environ["PATH"],
            "ALLIANCE_DEBUG": "1",
            "ALLIANCE_STAFF_2FA": "optional",
            "ALLIANCE_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": database_url(),
        }
        self.log = open(tmp_path / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "alliance",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(WORKERS),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method, path, token, body=None, key=None, timeout=15):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def wait_until_ready(self, token):
        for _ in range(120):
            try:
                if self.request("GET", "/api/v1/me", token, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError("the server did not start")

    def workers(self) -> list[int]:
        listing = subprocess.run(  # noqa: S603
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in listing.split()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def people():
    personas = make_personas()
    tokens = {}
    for client in [personas.a, personas.b, personas.d, personas.other_client]:
        _, tokens[client.pk] = ApiToken.issue(client.user)
    return personas, tokens


@pytest.fixture
def server(tmp_path, people):
    _, tokens = people
    running = Server(tmp_path)
    try:
        running.wait_until_ready(next(iter(tokens.values())))
        yield running
    finally:
        running.stop()
        # The test's own connection may have died with a restart; the flush after the test
        # needs a live one.
        connections.close_all()


class Submitter(threading.Thread):
    """One client sending check-ins one after another, each retried with its own key until
    stored: through refused connections, resets and 503s."""

    def __init__(self, server, client_id, token, count, pause=0.1):
        super().__init__(daemon=True)
        self.server, self.client_id, self.token = server, client_id, token
        self.keys = [f"faults-{client_id}-{n}" for n in range(count)]
        self.pause = pause
        self.stored: dict[str, int] = {}
        self.failures: list[str] = []
        self.wrong: list[str] = []

    def run(self):
        deadline = time.monotonic() + DEADLINE
        answers = {f"phq9_{n}": 1 for n in range(1, 9)} | {"phq9_9": 0}
        body = {"instrument": "phq9", "answers": answers}
        path = f"/api/v1/clients/{self.client_id}/responses"
        for key in self.keys:
            while time.monotonic() < deadline:
                try:
                    status, content = self.server.request("POST", path, self.token, body, key)
                except (OSError, http.client.HTTPException) as error:
                    self.failures.append(type(error).__name__)
                else:
                    if status == 201:
                        self.stored[key] = json.loads(content)["id"]
                        break
                    if status in {500, 502, 503, 504}:
                        self.failures.append(str(status))
                    else:
                        # 401, 422 and the like would be a wrong answer, not a fault.
                        self.wrong.append(f"{status} {content[:200]!r}")
                        return
                time.sleep(0.2)
            time.sleep(self.pause)


def assert_each_stored_once(submitters):
    connections.close_all()
    expected = {key for s in submitters for key in s.keys}
    assert [s.wrong for s in submitters] == [[]] * len(submitters)
    assert {key for s in submitters for key in s.stored} == expected, "every check-in answered"
    stored = Response.objects.filter(idempotency_key__in=expected)
    assert stored.count() == len(expected)
    twice = stored.values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    ids = {s.stored[key] for s in submitters for key in s.keys}
    assert set(stored.values_list("id", flat=True)) == ids, "each retry answered the first"


def assert_recovered(server, tokens):
    for token in tokens.values():
        for _ in range(3):
            assert server.request("GET", "/api/v1/me", token)[0] == 200
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit trail intact" in out.getvalue()


def test_it_stores_each_check_in_once_across_a_postgresql_restart(people, server):
    _, tokens = people
    submitters = [Submitter(server, cid, token, count=15) for cid, token in tokens.items()]
    for submitter in submitters:
        submitter.start()
    while sum(len(s.stored) for s in submitters) < 10:
        time.sleep(0.05)
    connections.close_all()
    restart_postgresql()
    for submitter in submitters:
        submitter.join(DEADLINE + 10)
    assert sum(len(s.failures) for s in submitters) > 0, "the restart reached the clients"
    assert_each_stored_once(submitters)
    assert_recovered(server, tokens)


def test_it_stores_each_check_in_once_when_a_worker_is_killed_mid_request(people, server):
    personas, tokens = people
    north = {cid: token for cid, token in tokens.items() if cid != personas.other_client.pk}
    with connection.cursor() as cursor:
        # Hold Northside's audit chain: every North check-in stops inside its transaction,
        # after its row is written and before it commits.
        cursor.execute(
            "SELECT pg_advisory_lock(%s::int, %s::int)", [CHAIN_LOCK, personas.clinic.pk]
        )
        submitters = [Submitter(server, cid, token, count=4) for cid, token in north.items()]
        for submitter in submitters:
            submitter.start()
        waiting = 0
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            waiting = cursor.fetchone()[0]
            if waiting >= WORKERS:
                break
            time.sleep(0.1)
        assert waiting >= WORKERS, "every worker is in the middle of a request"
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.5)
        cursor.execute(
            "SELECT pg_advisory_unlock(%s::int, %s::int)", [CHAIN_LOCK, personas.clinic.pk]
        )
    for submitter in submitters:
        submitter.join(DEADLINE + 10)
    assert sum(len(s.failures) for s in submitters) > 0, "the killed request reached a client"
    assert_each_stored_once(submitters)
    for _ in range(50):
        if len(server.workers()) == WORKERS and victim not in server.workers():
            break
        time.sleep(0.2)
    assert len(server.workers()) == WORKERS and victim not in server.workers()
    assert_recovered(server, north)
