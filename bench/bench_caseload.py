"""Benchmark the caseload page: one counselor, 80 clients, three years of weekly check-ins each.

Builds a throwaway database (Django's test database machinery: a temporary SQLite file, or
`test_<name>` beside the PostgreSQL database named by DATABASE_URL, dropped afterwards), fills
it in bulk with 80 clients × 156 weekly sessions, each followed by the four default check-ins
(WAI-SR, the counselor's prediction, PHQ-9, GAD-7), plus open and closed alerts, then asks for
`/caseload/` through Django's in-process test client and prints the median and 95th percentile
page time and the number of SQL queries per page as a markdown table row.

    python bench/bench_caseload.py                                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance \\
        python bench/bench_caseload.py                                  # PostgreSQL
    python bench/bench_caseload.py --clients 200 --weeks 52 --requests 100
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = 20180508


def configure(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    # Debug settings keep the static files plain (no collected manifest needed); DEBUG itself
    # is switched off below so that Django does not keep a log of every query it runs.
    os.environ["ALLIANCE_DEBUG"] = "1"
    os.environ["ALLIANCE_STAFF_2FA"] = "optional"
    os.environ["ALLIANCE_DATA_DIR"] = data_dir
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(Path(data_dir) / "bench.sqlite3")
    # Argon2 would make creating 81 people the slowest part of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(clients: int, weeks: int):
    """Everything in bulk, as a clinic that has used Alliance for `weeks` weeks would hold."""
    from django.utils import timezone

    from alliance.accounts.models import Clinic, Role, User
    from alliance.alerts.models import Alert, Status
    from alliance.care.models import Assignment, Client, Session
    from alliance.measures.models import Response
    from alliance.psychometrics import get_instrument
    from alliance.psychometrics.scoring import Scorer

    rng = random.Random(SEED)
    clinic = Clinic.objects.create(name="Benchmark clinic")
    counselor = User.objects.create_user(
        "counselor@bench.test",
        "bench-password-1",
        name="Casey Counselor",
        clinic=clinic,
        role=Role.COUNSELOR,
    )
    users = User.objects.bulk_create(
        User(
            email=f"client{n:03d}@bench.test",
            name=f"Client {n:03d}",
            clinic=clinic,
            role=Role.CLIENT,
            password="!",
        )
        for n in range(clients)
    )
    records = Client.objects.bulk_create(
        Client(user=user, clinic=clinic, counselor=counselor) for user in users
    )
    Assignment.objects.bulk_create(Assignment(client=c, counselor=counselor) for c in records)
    first_day = timezone.localdate() - datetime.timedelta(weeks=weeks)
    sessions = Session.objects.bulk_create(
        (
            Session(
                client=client,
                counselor=counselor,
                date=first_day + datetime.timedelta(weeks=week),
                attendance="attended" if rng.random() > 0.08 else "cancelled",
                duration_minutes=None,
                recorded_by=counselor,
            )
            for client in records
            for week in range(weeks)
        ),
        batch_size=2000,
    )
    forms = {code: get_instrument(code) for code in ("wai-sr", "wai-sr-predicted", "phq9", "gad7")}
    scorers = {code: Scorer(form) for code, form in forms.items()}
    user_of = {client.pk: client.user_id for client in records}
    responses = []
    for session in sessions:
        if session.attendance != "attended":
            continue
        for code, form in forms.items():
            answers = {item.id: rng.choice(item.options).value for item in form.items}
            total, subscales, band, flags = scorers[code].compute(list(answers.values()))
            by_client = form.respondent == "client"
            responses.append(
                Response(
                    client_id=session.client_id,
                    session=session,
                    instrument=code,
                    instrument_version=form.version,
                    respondent_id=user_of[session.client_id] if by_client else counselor.pk,
                    respondent_role="client" if by_client else "counselor",
                    answers=answers,
                    total=total,
                    subscales=subscales,
                    band=band or "",
                    flags=flags,
                    idempotency_key=f"bench-{session.pk}-{code}",
                )
            )
    Response.objects.bulk_create(responses, batch_size=2000)
    alerts = []
    rules = ["alliance_drop", "weak_spot", "two_view_gap", "sessions_missed"]
    for n, client in enumerate(records):
        # A history of closed alerts for everyone, and open ones for about half the caseload.
        for k in range(6):
            alerts.append(
                Alert(
                    client=client,
                    clinic=clinic,
                    rule=rules[k % 4],
                    subject=f"past-{k}",
                    key=f"past:{k}",
                    severity="attention",
                    status=Status.RECOVERED,
                    evidence={"summary": "Recovered."},
                )
            )
        if n % 2 == 0:
            severity = ("urgent", "attention", "info")[n % 3]
            alerts.append(
                Alert(
                    client=client,
                    clinic=clinic,
                    rule=rules[n % 4],
                    subject="wai-sr",
                    key="open:1",
                    severity=severity,
                    evidence={"summary": "Open."},
                )
            )
    Alert.objects.bulk_create(alerts, batch_size=2000)
    return counselor, len(sessions), len(responses), len(alerts)


def measure(counselor, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client as WebClient

    web = WebClient()
    web.force_login(counselor, backend="django.contrib.auth.backends.ModelBackend")
    for _ in range(3):  # warm caches: templates, instrument definitions, connection
        assert web.get("/caseload/").status_code == 200
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # A wrapper rather than the query log: the page opens and closes its own connection
    # (CONN_MAX_AGE 0 on SQLite), which the log does not survive.
    with connection.execute_wrapper(count):
        web.get("/caseload/")
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = web.get("/caseload/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times, len(executed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=80)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        configure(data_dir)
        from django.db import connection

        vendor = connection.vendor
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            started = time.perf_counter()
            counselor, sessions, responses, alerts = seed(args.clients, args.weeks)
            seeded = time.perf_counter() - started
            times, queries = measure(counselor, args.requests)
        finally:
            connection.creation.destroy_test_db(test_name, verbosity=0)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"{vendor}: {args.clients} clients, {sessions} sessions, {responses} responses, "
        f"{alerts} alerts (seeded in {seeded:.1f} s); {args.requests} requests; "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print("| database | clients | sessions | responses | median ms | p95 ms | queries/page |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {vendor} | {args.clients} | {sessions} | {responses} | "
        f"{statistics.median(times):.1f} | {p95:.1f} | {queries} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
