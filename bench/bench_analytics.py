"""Benchmark the clinic figures at national scale on PostgreSQL: 10,000,000 check-ins.

Creates a temporary database beside the one DATABASE_URL names (dropped at the end), migrates
it, and fills it with set-based SQL (INSERT … SELECT over generate_series, no ORM): one clinic of
125,000 clients and 500 counselors, each client with 20 weekly sessions spread over two years
and the four default check-ins at each (PHQ-9, GAD-7, WAI-SR and the counselor's prediction),
10,000,000 responses in all, plus a small second clinic. Totals follow a course per client
(most improve, some do not, some get worse) and every answer set is scored by the real scorer.
The summaries the figures read are then made by `alliance analytics_rebuild`'s own code.

It then times, in the same run and on warm caches (median of several runs):
- the clinic's figures as the API computes them (`analytics.figures`), for all dates and for a
  past year (the second recomputes outcomes for clients whose course went on after it);
- the month-by-month recovery series the clinic page draws;
- a plain SQL aggregate scanning the same clinic's 10,000,000 responses (count and mean total
  per instrument), the floor any figure read from the check-ins themselves would pay;
and prints them as a table with the ratio to the scan (the goal is at most 2×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_analytics.py
    DATABASE_URL=… python bench/bench_analytics.py --clients 2000     # a quick run
    DATABASE_URL=… python bench/bench_analytics.py --keep bench_db    # keep what it made
    DATABASE_URL=… python bench/bench_analytics.py --reuse bench_db   # measure it again

Without a PostgreSQL DATABASE_URL it says so and exits: the benchmark is about PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SESSIONS = 20
CLIENTS = 125_000
COUNSELORS = 500
SPREAD_DAYS = 560  # first sessions spread over this many days; 20 weeks each runs on past it
FIRST_DAY = datetime.date(2024, 1, 1)
RUNS = 5
GROUP = "National group (benchmark)"


def database_urls(url: str, name: str | None = None) -> tuple[str, str, str]:
    """(server URL for the maintenance database, the benchmark database's name, its URL)."""
    parts = urlsplit(url)
    name = name or f"alliance_bench_analytics_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    return server, name, urlunsplit(parts._replace(path=f"/{name}"))


def configure(url: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("ALLIANCE_ANALYTICS_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    os.environ["ALLIANCE_DEBUG"] = "1"
    os.environ["ALLIANCE_DATA_DIR"] = data_dir
    import django
    from django.conf import settings

    django.setup()
    # Debug settings avoid needing collected static files; DEBUG itself off so that Django
    # keeps no log of the queries.
    settings.DEBUG = False


def phase(label: str):
    start = time.perf_counter()
    print(f"  {label}…", end="", flush=True)

    def done(extra: str = "") -> float:
        seconds = time.perf_counter() - start
        print(f" {seconds:.1f} s{extra}", flush=True)
        return seconds

    return done


# --- Set-based generation ---------------------------------------------------------------------


def insert_select(cursor, model, values: dict[str, str], source: str, params=()) -> int:
    """INSERT INTO model's table SELECT …: `values` maps columns to SQL expressions over
    `source` (constants written in, no placeholders: `params` are the source's); every other
    column gets the field's default, so a model that gains a column with a default needs no
    change here. A literal % is written %%."""
    from django.db import connection
    from django.db.models import AutoField, BigAutoField

    columns, expressions, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if isinstance(field, AutoField | BigAutoField):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            expressions.append(values[field.column])
        elif field.has_default():
            expressions.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            expressions.append("NULL")
        else:
            raise ValueError(f"no value for {model.__name__}.{field.column}")
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}",
        [*defaults, *params],
    )
    return cursor.rowcount


def without_indexes(cursor, table: str):
    """Drop `table`'s secondary indexes and unique constraints, returning the statements that
    make them again: loading millions of rows and indexing once is far faster than keeping
    every index up to date row by row."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = %s "
        "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]


def answer_sets(code: str) -> list[tuple[int, str, str]]:
    """One answer set per possible total, scored by the real scorer: (total, answers, subscales)."""
    from alliance.psychometrics import get_instrument
    from alliance.psychometrics.scoring import Scorer

    form = get_instrument(code)
    scorer = Scorer(form)
    low = [item.lowest for item in form.items]
    high = [item.highest for item in form.items]
    found = []
    for total in range(int(form.min_total), int(form.max_total) + 1):
        # Raise the items in turn, so each subscale carries its share of the total.
        values, left = list(low), total - sum(low)
        while left:
            for index in range(len(values)):
                if left and values[index] < high[index]:
                    values[index] += 1
                    left -= 1
        answers = {item.id: value for item, value in zip(form.items, values, strict=True)}
        scored_total, subscales, _, _ = scorer.compute(values)
        assert scored_total == total
        found.append((total, json.dumps(answers), json.dumps(subscales)))
    return found


def generate(clients: int, counselors: int) -> dict:
    from django.db import connection

    from alliance.accounts.models import Clinic, Role, User
    from alliance.care.models import Assignment, Client, Session
    from alliance.measures.models import Response

    with connection.cursor() as cursor:
        group = Clinic.objects.create(name=GROUP)
        other = Clinic.objects.create(name="Another clinic (benchmark)")
        # No foreign-key triggers while loading: every key below is made to match.
        cursor.execute("SET session_replication_role = replica")
        done = phase(f"{counselors + clients:,} people")
        for clinic, staff, people in ((group, counselors, clients), (other, 2, 20)):
            insert_select(
                cursor,
                User,
                {
                    "email": f"'c{clinic.pk}-' || n || '@counselor.bench.test'",
                    "name": "'Counselor ' || n",
                    "clinic_id": str(clinic.pk),
                    "role": f"'{Role.COUNSELOR}'",
                    "password": "'!'",
                },
                "FROM generate_series(1, %s) n",
                [staff],
            )
            insert_select(
                cursor,
                User,
                {
                    "email": f"'k{clinic.pk}-' || n || '@client.bench.test'",
                    "name": "'Client ' || n",
                    "clinic_id": str(clinic.pk),
                    "role": f"'{Role.CLIENT}'",
                    "password": "'!'",
                },
                "FROM generate_series(1, %s) n",
                [people],
            )
            # Each client with one of the clinic's counselors, in turn.
            insert_select(
                cursor,
                Client,
                {
                    "user_id": "k.id",
                    "clinic_id": str(clinic.pk),
                    "counselor_id": "s.id",
                    "created_at": f"'{FIRST_DAY} 09:00+00'::timestamptz",
                },
                "FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts_user "
                "WHERE clinic_id = %s AND role = 'client') k "
                "JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user "
                "WHERE clinic_id = %s AND role = 'counselor') s ON s.n = k.n %% %s",
                [clinic.pk, clinic.pk, staff],
            )
        insert_select(
            cursor,
            Assignment,
            {"client_id": "id", "counselor_id": "counselor_id", "started_at": "created_at"},
            "FROM care_client",
        )
        done()

        rebuild_sessions = without_indexes(cursor, Session._meta.db_table)
        rebuild_responses = without_indexes(cursor, Response._meta.db_table)
        done = phase(f"{clients * SESSIONS:,} sessions")
        insert_select(
            cursor,
            Session,
            {
                "client_id": "c.id",
                "counselor_id": "c.counselor_id",
                "date": f"DATE '{FIRST_DAY}' + (c.id %% {SPREAD_DAYS})::int + 7 * k",
                "attendance": "'attended'",
                "duration_minutes": "50",
                "recorded_by_id": "c.counselor_id",
                "created_at": f"(DATE '{FIRST_DAY}' + (c.id %% {SPREAD_DAYS})::int + 7 * k)"
                "::timestamptz",
            },
            "FROM care_client c CROSS JOIN generate_series(0, %s) k",
            [SESSIONS - 1],
        )
        done()

        for code in ("phq9", "gad7", "wai-sr"):
            table = "bench_" + code.replace("-", "_")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table} "
                "(total int PRIMARY KEY, answers jsonb, subscales jsonb)"
            )
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", answer_sets(code))
        # Each client's course: PHQ-9 from 6-24 to somewhere lower (or, for one in seven,
        # higher), GAD-7 alike, a point of noise from session to session; the alliance a
        # little stronger as the weeks go on, and the counselor's expectation off by a
        # counselor's own habit.
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_totals AS SELECT s.id AS session_id, s.client_id, "
            "c.user_id, c.counselor_id, s.date, "
            "((s.date - (%s::date + (c.id %% %s)::int)) / 7) AS k, c.id AS cid "
            "FROM care_session s JOIN care_client c ON c.id = s.client_id",
            [FIRST_DAY, SPREAD_DAYS],
        )
        cursor.execute(
            "ALTER TABLE bench_totals ADD COLUMN phq9 int, ADD COLUMN gad7 int, "
            "ADD COLUMN wai int, ADD COLUMN predicted int"
        )
        last = SESSIONS - 1
        cursor.execute(
            "UPDATE bench_totals SET "
            "phq9 = least(27, greatest(0, round((6 + cid * 37 %% 19) + "
            "  (CASE WHEN cid %% 7 = 0 THEN 6 ELSE -(cid * 11 %% 16) END) * k / %s::numeric) "
            "  + (session_id * 7 %% 3) - 1)), "
            "gad7 = least(21, greatest(0, round((4 + cid * 29 %% 15) + "
            "  (CASE WHEN cid %% 7 = 0 THEN 5 ELSE -(cid * 13 %% 12) END) * k / %s::numeric) "
            "  + (session_id * 5 %% 3) - 1)), "
            "wai = least(60, greatest(12, 30 + cid * 13 %% 25 + k / 3 + (session_id %% 3) - 1))",
            [last, last],
        )
        cursor.execute(
            "UPDATE bench_totals SET predicted = least(60, greatest(12, "
            "wai + (counselor_id %% 9) - 3 + (session_id * 3 %% 5) - 2))",
            [],
        )
        done = phase(f"{clients * SESSIONS * 4:,} responses")
        forms = [
            ("phq9", "bench_phq9", "phq9", "t.user_id", "client"),
            ("gad7", "bench_gad7", "gad7", "t.user_id", "client"),
            ("wai-sr", "bench_wai_sr", "wai", "t.user_id", "client"),
            ("wai-sr-predicted", "bench_wai_sr", "predicted", "t.counselor_id", "counselor"),
        ]
        for code, lookup, column, respondent, role in forms:
            insert_select(
                cursor,
                Response,
                {
                    "client_id": "t.client_id",
                    "session_id": "t.session_id",
                    "instrument": f"'{code}'",
                    "instrument_version": "'1'",
                    "respondent_id": respondent,
                    "respondent_role": f"'{role}'",
                    "answers": "a.answers",
                    "total": f"t.{column}",
                    "subscales": "a.subscales",
                    "band": "''",
                    "flags": "'[]'::jsonb",
                    "idempotency_key": f"'bench-' || t.session_id || '-{code}'",
                    "submitted_at": "t.date + time '19:30'",
                },
                f"FROM bench_totals t JOIN {lookup} a ON a.total = t.{column}",
            )
        done()
        cursor.execute("SET session_replication_role = DEFAULT")
        done = phase("indexes and constraints")
        for statement in rebuild_sessions + rebuild_responses:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
        done()
        cursor.execute("SELECT count(*) FROM measures_response")
        (responses,) = cursor.fetchone()
    return {"group": group, "other": other, "responses": responses}


# --- Measuring ---------------------------------------------------------------------------------


def timed(fn, runs: int = RUNS) -> float:
    fn()  # warm: caches, plans, instrument definitions
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def count_queries(fn) -> int:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(executed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--counselors", type=int, default=COUNSELORS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--keep", metavar="NAME", help="generate into database NAME and keep it afterwards"
    )
    parser.add_argument(
        "--reuse", metavar="NAME", help="measure database NAME made by --keep, generating nothing"
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_analytics: skipped, set DATABASE_URL to a PostgreSQL server to run it.")
        return 0
    import psycopg

    server, name, bench_url = database_urls(url, args.keep or args.reuse)
    if not args.reuse:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            configure(bench_url, data_dir)
            return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args) -> int:
    from django.core.management import call_command
    from django.db import connection

    from alliance.reports import analytics, summary
    from alliance.reports.ranges import Period

    print(f"Database {connection.settings_dict['NAME']}:")
    if args.reuse:
        from alliance.accounts.models import Clinic

        group = Clinic.objects.get(name=GROUP)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM measures_response")
            made = {"responses": cursor.fetchone()[0]}
        rebuild_seconds = None
    else:
        done = phase("migrate")
        call_command("migrate", interactive=False, verbosity=0)
        done()
        made = generate(args.clients, args.counselors)
        group = made["group"]
        done = phase("summaries (analytics_rebuild)")
        summarised = summary.rebuild()
        rebuild_seconds = done(f", {summarised:,} clients")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_outcomesummary")
        cursor.execute("VACUUM ANALYZE reports_predictiongap")
        cursor.execute("SELECT count(*) FROM reports_predictiongap")
        (gaps,) = cursor.fetchone()
        cursor.execute("SELECT min(date), max(date) FROM care_session")
        first, last = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM care_client WHERE clinic_id = %s", [group.pk])
        (clients,) = cursor.fetchone()

    scope = analytics.Scope(group)
    everything = Period()
    past_year = Period(first + datetime.timedelta(days=365), first + datetime.timedelta(days=729))

    def scan():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.instrument, count(*), avg(r.total) FROM measures_response r "
                "JOIN care_client c ON c.id = r.client_id WHERE c.clinic_id = %s "
                "GROUP BY r.instrument",
                [group.pk],
            )
            return cursor.fetchall()

    scanned = sum(row[1] for row in scan())
    result = analytics.figures(scope, everything)
    queries = count_queries(lambda: analytics.figures(scope, everything))
    measured = [
        ("plain SQL scan of the clinic's responses", scan),
        ("clinic figures, all dates", lambda: analytics.figures(scope, everything)),
        (
            f"clinic figures, {past_year.start} to {past_year.end}",
            lambda: analytics.figures(scope, past_year),
        ),
        (
            "recovery month by month, all dates",
            lambda: analytics.by_month(scope, everything, today=last),
        ),
    ]
    times = [(label, timed(fn, args.runs)) for label, fn in measured]
    base = times[0][1]
    print()
    print(
        f"{made['responses']:,} responses ({scanned:,} in the measured clinic), "
        f"{clients:,} clients, sessions {first} to {last}; "
        f"{result['paired']:,} paired clients, {gaps:,} predicted sessions; "
        f"figures in {queries} queries"
        + (f"; summaries made in {rebuild_seconds:.0f} s." if rebuild_seconds else ".")
    )
    print(
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; median of {args.runs} warm runs."
    )
    print()
    print("| measured | seconds | × the scan |")
    print("|---|---:|---:|")
    for label, seconds in times:
        print(f"| {label} | {seconds:.3f} | {seconds / base:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
