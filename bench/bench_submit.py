"""Benchmark submitting a check-in over HTTP against a bare Django view doing the least work.

For each database it starts `alliance serve` (gunicorn, 5 sync workers unless told otherwise)
on a free loopback port against a fresh database, seeds a clinic with one counselor and 20
clients (each with an API token), and measures two endpoints of the same server back to back,
with the same threads, requests and workers:

- real: POST /api/v1/clients/{id}/responses, the check-in submission (authentication, access,
  validation, scoring, the insert, the audit event and the alert rules, in one transaction);
- bare: POST /bench/bare/clients/{id}/responses (`bench/bare_view.py`), a plain Django view
  that authenticates the same bearer token, parses the JSON, checks the nine PHQ-9 answers and
  inserts one row into the same responses table in a transaction.

For each endpoint, 20 threads, one per client, send three warm-up requests each and then POST
PHQ-9 responses, each with its own Idempotency-Key, until each has sent its share or the time is
up. It reports the median and 99th-percentile latency, requests per second and the server's CPU
time per request for each, checks every answer was a 201 and every response was stored, and
prints the ratio real ÷ bare of the throughputs (and bare ÷ real of the CPU per request).
With --rounds above 1 the two alternate (real, bare, bare, real, …) and the figures pool the
rounds, so a change in the machine's load during a run falls on both alike.

SQLite always (a database in a temporary directory); PostgreSQL when DATABASE_URL names a
server, where it creates a temporary database next to the one named and drops it afterwards.
Everything stays on loopback addresses.

    python bench/bench_submit.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_submit.py
    python bench/bench_submit.py --requests 200 --seconds 120 --workers 5 --rounds 2
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
WORKERS = 5
SELF = str(Path(__file__).resolve())
WARM_UP = 3
# Alliance's settings with the bare view's URL added (bench/bare_settings.py).
SETTINGS = "bench.bare_settings"
ENDPOINTS = {
    "real": "/api/v1/clients/{client_id}/responses",
    "bare": "/bench/bare/clients/{client_id}/responses",
}
# The bare view's Idempotency-Keys start with this, so that its rows can be counted apart.
BARE_KEY = "bare-"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_")}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            # The server, the seeding and the count all load bench/bare_settings.py.
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
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

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
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
    """Run inside a child process: print how many responses each endpoint stored."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()
    from alliance.measures.models import Response

    bare = Response.objects.filter(idempotency_key__startswith=BARE_KEY).count()
    print(json.dumps({"real": Response.objects.count() - bare, "bare": bare}))


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    warm_ups: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def warm_up(self, status: int) -> None:
        with self.lock:
            self.warm_ups[status] = self.warm_ups.get(status, 0) + 1

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def submit(
    connection: http.client.HTTPConnection, endpoint: str, person: dict, rng: random.Random
) -> int:
    answers = {f"phq9_{n}": rng.randint(0, 3) for n in range(1, 9)}
    # Item 9 above zero raises an urgent alert; about one answer in twenty does.
    answers["phq9_9"] = 1 if rng.random() < 0.05 else 0
    body = json.dumps({"instrument": "phq9", "answers": answers})
    headers = {
        "Authorization": f"Bearer {person['token']}",
        "Content-Type": "application/json",
        "Idempotency-Key": (BARE_KEY if endpoint == "bare" else "")
        + uuid.UUID(int=rng.getrandbits(128)).hex,
    }
    path = ENDPOINTS[endpoint].format(client_id=person["client_id"])
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    response.read()
    return response.status


def load(
    port: int, endpoint: str, people: list[dict], requests: int, seconds: float, seed: int, pid: int
) -> tuple[Results, float, float | None]:
    """Send the requests; return the results, the seconds taken and the server's CPU seconds."""
    results = Results()
    warmed = threading.Barrier(len(people) + 1)
    start = threading.Barrier(len(people) + 1)
    deadline = [float("inf")]

    def worker(index: int, person: dict) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(WARM_UP):  # first connections, imports and caches in each worker
            results.warm_up(submit(connection, endpoint, person, rng))
        warmed.wait()
        start.wait()
        for _ in range(requests):
            if time.perf_counter() > deadline[0]:
                break
            began = time.perf_counter()
            status = submit(connection, endpoint, person, rng)
            results.add(time.perf_counter() - began, status)
        connection.close()

    threads = [
        threading.Thread(target=worker, args=(n, person), daemon=True)
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    warmed.wait()
    # Every warm-up answer has been read, so the CPU from here on is the measured requests'.
    cpu_before = server_cpu_seconds(pid)
    start.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu_after = server_cpu_seconds(pid)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return results, elapsed, cpu


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


def order(rounds: int) -> list[str]:
    """real, bare, then bare, real, and so on: each endpoint runs first as often as second."""
    pairs = [("real", "bare"), ("bare", "real")]
    return [endpoint for n in range(rounds) for endpoint in pairs[n % 2]]


def summary(label: str, endpoint: str, runs: list[tuple[Results, float, float | None]]) -> dict:
    latencies = sorted(x for results, _, _ in runs for x in results.latencies)
    elapsed = sum(seconds for _, seconds, _ in runs)
    cpus = [cpu for _, _, cpu in runs]
    return {
        "database": label,
        "endpoint": endpoint,
        "requests": len(latencies),
        "seconds": elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": statistics.quantiles(latencies, n=100, method="inclusive")[98] * 1000,
        "per_second": len(latencies) / elapsed,
        # Warm-up requests ran before the first reading, so the measured ones alone count.
        "cpu_ms": sum(cpus) * 1000 / len(latencies) if None not in cpus else None,
    }


def bench(label: str, database_url: str | None, args) -> list[dict]:
    runs: dict[str, list[tuple[Results, float, float | None]]] = {"real": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        env = environment(Path(tmp), database_url)
        run([ALLIANCE, "migrate", "--no-input", "-v", "0"], env)
        people = json.loads(run([sys.executable, SELF, "--seed", str(args.clients)], env))
        port = free_port()
        command = [ALLIANCE, "serve", "--host", "127.0.0.1", "--port", str(port)]
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
            for n, endpoint in enumerate(order(args.rounds)):
                print(f"{label}: {endpoint} …", file=sys.stderr, flush=True)
                runs[endpoint].append(
                    load(port, endpoint, people, args.requests, args.seconds, n, server.pid)
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        stored = json.loads(run([sys.executable, SELF, "--count"], env))
    rows = []
    for endpoint, done in runs.items():
        statuses: dict[int, int] = {}
        for results, _, _ in done:
            for status, count in [*results.statuses.items(), *results.warm_ups.items()]:
                statuses[status] = statuses.get(status, 0) + count
        sent = sum(statuses.values())
        if statuses != {201: sent} or stored[endpoint] != sent:
            sys.exit(
                f"{label} {endpoint}: statuses {statuses}, {stored[endpoint]} stored of {sent}"
            )
        rows.append(summary(label, endpoint, done))
    return rows


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
    parser.add_argument(
        "--seconds", type=float, default=60, help="time limit of each run (default 60)"
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"gunicorn workers (default {WORKERS})"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each endpoint, alternating (default 1)"
    )
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        return seed(args.seed)
    if args.count:
        return stored_responses()

    rows = bench("SQLite", None, args)
    if os.environ.get("DATABASE_URL"):
        with TemporaryPostgres(os.environ["DATABASE_URL"]) as url:
            rows += bench("PostgreSQL", url, args)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nPython {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs (load average {load} at the end); gunicorn with {args.workers} "
        f"sync workers; {args.clients} client threads, up to {args.requests} requests each or "
        f"{args.seconds:g} s per run, {args.rounds} run(s) of each endpoint.\n"
    )
    print(
        "| database | endpoint | requests | seconds | median (ms) | p99 (ms) | requests/s "
        "| server CPU per request (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        cpu = f"{row['cpu_ms']:.1f}" if row["cpu_ms"] is not None else "–"
        print(
            f"| {row['database']} | {row['endpoint']} | {row['requests']:,} | "
            f"{row['seconds']:.1f} | {row['median_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['per_second']:.1f} | {cpu} |"
        )
    print()
    for real, bare in zip(rows[::2], rows[1::2], strict=True):
        ratio = real["per_second"] / bare["per_second"]
        line = f"{real['database']}: real ÷ bare throughput {ratio:.2f}×"
        if real["cpu_ms"] and bare["cpu_ms"]:
            line += f"; server CPU per request, bare ÷ real {bare['cpu_ms'] / real['cpu_ms']:.2f}×"
        print(line)


if __name__ == "__main__":
    main()
