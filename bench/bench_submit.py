"""Benchmark submitting a check-in over HTTP: latency and throughput under 20 concurrent clients.

For each database it starts `alliance serve` (gunicorn) on a free loopback port against a fresh
database, seeds a clinic with one counselor and 20 clients (each with an API token), and has 20
threads, one per client, POST PHQ-9 responses to /api/v1/clients/{id}/responses, each with its
own Idempotency-Key, until each has sent its share or the time is up. It reports the median and
99th-percentile latency and the requests per second, and checks every answer was a 201 and every
response was stored.

SQLite always (a database in a temporary directory); PostgreSQL when DATABASE_URL names a
server, where it creates a temporary database next to the one named and drops it afterwards.
Everything stays on loopback addresses.

    python bench/bench_submit.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_submit.py
    python bench/bench_submit.py --requests 200 --seconds 120 --workers 5
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
ALLIANCE = str(Path(sys.executable).with_name("alliance"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CLIENTS = 20
SELF = str(Path(__file__).resolve())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_")}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            # A production configuration: debug off, its own keys, plain HTTP on loopback.
            "ALLIANCE_DEBUG": "0",
            "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(40),
            "ALLIANCE_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLIANCE_DATA_DIR": str(data_dir),
            "ALLIANCE_ALLOWED_HOSTS": "127.0.0.1",
            "ALLIANCE_SECURE_COOKIES": "false",
            "ALLIANCE_SSL_REDIRECT": "false",
            "ALLIANCE_STAFF_2FA": "optional",
            "ALLIANCE_LOG_LEVEL": "ERROR",
            # Urgent answers notify the counselor by email; no mail server takes part here.
            "ALLIANCE_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def seed(clients: int) -> None:
    """Run inside a child process configured for the benchmark database: print the clients."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from alliance.accounts import services
    from alliance.accounts.models import ApiToken, Role

    clinic, _ = services.create_clinic("Benchmark Clinic", "admin@bench.example", "Admin")
    counselor, _ = services.add_user(clinic, Role.COUNSELOR, "counselor@bench.example", "C")
    people = []
    for n in range(clients):
        user, client = services.add_user(
            clinic, Role.CLIENT, f"client{n}@bench.example", f"Client {n}", counselor=counselor
        )
        _, token = ApiToken.issue(user)
        people.append({"client_id": client.pk, "token": token})
    print(json.dumps(people))


def stored_responses() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()
    from alliance.measures.models import Response

    print(Response.objects.count())


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def submit(connection: http.client.HTTPConnection, person: dict, rng: random.Random) -> int:
    answers = {f"phq9_{n}": rng.randint(0, 3) for n in range(1, 9)}
    # Item 9 above zero raises an urgent alert; about one answer in twenty does.
    answers["phq9_9"] = 1 if rng.random() < 0.05 else 0
    body = json.dumps({"instrument": "phq9", "answers": answers})
    headers = {
        "Authorization": f"Bearer {person['token']}",
        "Content-Type": "application/json",
        "Idempotency-Key": uuid.UUID(int=rng.getrandbits(128)).hex,
    }
    connection.request("POST", f"/api/v1/clients/{person['client_id']}/responses", body, headers)
    response = connection.getresponse()
    response.read()
    return response.status


def load(port: int, people: list[dict], requests: int, seconds: float) -> tuple[Results, float]:
    results = Results()
    start = threading.Barrier(len(people) + 1)
    deadline = [float("inf")]

    def worker(index: int, person: dict) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(3):  # warm up: first connections, imports and caches in each worker
            submit(connection, person, rng)
        start.wait()
        for _ in range(requests):
            if time.perf_counter() > deadline[0]:
                break
            began = time.perf_counter()
            status = submit(connection, person, rng)
            results.add(time.perf_counter() - began, status)
        connection.close()

    threads = [
        threading.Thread(target=worker, args=(n, person), daemon=True)
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by the server and its workers (Linux /proc), or None elsewhere."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total, pending = 0, [pid]
        while pending:
            current = pending.pop()
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        return total / ticks
    except (OSError, ValueError):
        return None


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if server.poll() is not None:
            sys.exit("the server stopped while starting; see its log")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/signin/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not answer within a minute")


def bench(label: str, database_url: str | None, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        env = environment(Path(tmp), database_url)
        run([ALLIANCE, "migrate", "--no-input", "-v", "0"], env)
        people = json.loads(run([sys.executable, SELF, "--seed", str(args.clients)], env))
        port = free_port()
        command = [ALLIANCE, "serve", "--host", "127.0.0.1", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        with open(Path(tmp) / "server.log", "w") as log:
            server = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        try:
            wait_until_serving(port, server)
            cpu_before = server_cpu_seconds(server.pid)
            results, elapsed = load(port, people, args.requests, args.seconds)
            cpu_after = server_cpu_seconds(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        stored = int(run([sys.executable, SELF, "--count"], env))
    latencies = sorted(results.latencies)
    expected = len(latencies) + 3 * len(people)
    if results.statuses != {201: len(latencies)} or stored != expected:
        sys.exit(f"{label}: statuses {results.statuses}, {stored} stored of {expected} sent")
    return {
        "database": label,
        "requests": len(latencies),
        "seconds": elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": statistics.quantiles(latencies, n=100, method="inclusive")[98] * 1000,
        "per_second": len(latencies) / elapsed,
        # Warm-up requests ran before the first reading, so the measured ones alone count.
        "cpu_ms": (cpu_after - cpu_before) * 1000 / len(latencies)
        if cpu_before is not None and cpu_after is not None
        else None,
    }


class TemporaryPostgres:
    """A database created next to the one DATABASE_URL names, dropped on exit."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.hostname not in LOOPBACK and parts.hostname is not None:
            sys.exit(f"DATABASE_URL must point at a loopback address, not {parts.hostname}")
        self.admin_url = url
        self.name = f"alliance_bench_{secrets.token_hex(4)}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def __enter__(self) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients (20)")
    parser.add_argument("--requests", type=int, default=100, help="per client (default 100)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit (default 60)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: alliance serve's)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        return seed(args.seed)
    if args.count:
        return stored_responses()

    rows = [bench("SQLite", None, args)]
    if os.environ.get("DATABASE_URL"):
        with TemporaryPostgres(os.environ["DATABASE_URL"]) as url:
            rows.append(bench("PostgreSQL", url, args))
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nPython {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs (load average {load} at the end); gunicorn with {workers} sync "
        f"workers; {args.clients} client threads, up to {args.requests} requests each or "
        f"{args.seconds:g} s.\n"
    )
    print(
        "| database | requests | seconds | median (ms) | p99 (ms) | requests/s "
        "| server CPU per request (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        cpu = f"{row['cpu_ms']:.1f}" if row["cpu_ms"] is not None else "–"
        print(
            f"| {row['database']} | {row['requests']:,} | {row['seconds']:.1f} | "
            f"{row['median_ms']:.1f} | {row['p99_ms']:.1f} | {row['per_second']:.0f} | {cpu} |"
        )


if __name__ == "__main__":
    main()
