"""Benchmark the FHIR Bulk Data export: `alliance export fhir --clinic NAME --out DIR`.

Builds a throwaway SQLite database in a temporary directory with two clinics of different
sizes (by default 100,000 and 1,000,000 check-in responses: clients with weekly sessions, each
followed by the four default check-ins, plus a rated goal and two agreed tasks per client),
then for each clinic runs, each in its own child process:

- the export itself, through the `alliance` command line, writing one NDJSON file per type;
- a bare baseline of the same reading and writing: Python's own `sqlite3` scanning the same
  rows (clients, sessions, responses, goals, ratings, agreed tasks) and writing each row as a
  plain JSON line, with no ORM, no decryption, no FHIR and no validation.

It reports each child's wall-clock time, CPU time and peak resident memory (`os.wait4`, per
child), the resources written per second (of wall-clock and of CPU time) and the export's CPU
time as a multiple of the baseline's. On a shared machine the CPU figures are the steadier.

    python bench/bench_fhir_export.py                      # 100,000 and 1,000,000 responses
    python bench/bench_fhir_export.py 20000 200000         # other sizes
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = 20260302
SESSIONS_PER_CLIENT = 100
FORMS = ("wai-sr", "wai-sr-predicted", "phq9", "gad7")
POOL = 500  # distinct answer sets per form, scored once

BASELINE = r"""
import json, sqlite3, sys
db, clinic, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
connection = sqlite3.connect(db)
queries = [
    "SELECT c.id, u.name, u.email FROM care_client c JOIN accounts_user u ON u.id = c.user_id"
    " WHERE c.clinic_id = ? ORDER BY c.id",
    "SELECT s.* FROM care_session s JOIN care_client c ON c.id = s.client_id"
    " WHERE c.clinic_id = ? ORDER BY s.id",
    "SELECT r.id, r.client_id, r.session_id, r.instrument, r.instrument_version,"
    " r.respondent_role, r.answers, r.total, r.subscales, r.submitted_at"
    " FROM measures_response r JOIN care_client c ON c.id = r.client_id"
    " WHERE c.clinic_id = ? ORDER BY r.id",
    "SELECT g.* FROM goals_goal g JOIN care_client c ON c.id = g.client_id"
    " WHERE c.clinic_id = ? ORDER BY g.id",
    "SELECT r.* FROM goals_rating r JOIN goals_goal g ON g.id = r.goal_id"
    " JOIN care_client c ON c.id = g.client_id WHERE c.clinic_id = ? ORDER BY r.id",
    "SELECT t.id, t.client_id, t.goal_id, t.text, t.frequency FROM homework_task t"
    " JOIN care_client c ON c.id = t.client_id"
    " WHERE c.clinic_id = ? AND t.status = 'agreed' ORDER BY t.client_id, t.id",
]
rows = 0
with open(out, "w", encoding="utf-8") as lines:
    for query in queries:
        cursor = connection.execute(query, (clinic,))
        while batch := cursor.fetchmany(2000):
            for row in batch:
                lines.write(json.dumps(row, default=str) + "\n")
                rows += 1
print(rows)
"""


def answer_pools(rng: random.Random) -> dict:
    from alliance.psychometrics import get_instrument
    from alliance.psychometrics.scoring import Scorer

    pools = {}
    for code in FORMS:
        form = get_instrument(code)
        scorer = Scorer(form)
        pool = []
        for _ in range(POOL):
            answers = {item.id: rng.choice(item.options).value for item in form.items}
            total, subscales, band, flags = scorer.compute(list(answers.values()))
            pool.append((form, answers, total, subscales, band or "", flags))
        pools[code] = pool
    return pools


def seed_clinic(name: str, responses: int, rng: random.Random, pools: dict) -> int:
    """A clinic holding `responses` check-ins; returns its id."""
    from django.utils import timezone

    from alliance.accounts.models import Clinic, Role, User
    from alliance.care.models import Client, Session
    from alliance.goals.models import Goal, Rating, ScaleLevel
    from alliance.homework.models import Task
    from alliance.measures.models import Response

    clinic = Clinic.objects.create(name=name)
    slug = name.split()[0].lower()
    clients_wanted = max(1, responses // (SESSIONS_PER_CLIENT * len(FORMS)))
    counselors = User.objects.bulk_create(
        User(
            email=f"counselor{n}@{slug}.test",
            name=f"Counselor {n}",
            clinic=clinic,
            role=Role.COUNSELOR,
            password="!",
        )
        for n in range(max(1, clients_wanted // 25))
    )
    first_day = timezone.localdate() - datetime.timedelta(weeks=SESSIONS_PER_CLIENT)
    now = timezone.now()
    made = 0
    for start in range(0, clients_wanted, 50):
        users = User.objects.bulk_create(
            User(
                email=f"client{n:06d}@{slug}.test",
                name=f"Client {n:06d}",
                clinic=clinic,
                role=Role.CLIENT,
                password="!",
            )
            for n in range(start, min(start + 50, clients_wanted))
        )
        clients = Client.objects.bulk_create(
            Client(user=user, clinic=clinic, counselor=counselors[n % len(counselors)])
            for n, user in enumerate(users, start=start)
        )
        sessions = Session.objects.bulk_create(
            (
                Session(
                    client=client,
                    counselor=client.counselor,
                    date=first_day + datetime.timedelta(weeks=week),
                    attendance="attended",
                    duration_minutes=50,
                    recorded_by=client.counselor,
                )
                for client in clients
                for week in range(SESSIONS_PER_CLIENT)
            ),
            batch_size=2000,
        )
        user_of = {client.pk: client.user_id for client in clients}
        counselor_of = {client.pk: client.counselor_id for client in clients}
        batch = []
        for session in sessions:
            for code in FORMS:
                if made >= responses:
                    break
                form, answers, total, subscales, band, flags = rng.choice(pools[code])
                by_client = form.respondent == "client"
                batch.append(
                    Response(
                        client_id=session.client_id,
                        session=session,
                        instrument=code,
                        instrument_version=form.version,
                        respondent_id=(
                            user_of[session.client_id]
                            if by_client
                            else counselor_of[session.client_id]
                        ),
                        respondent_role="client" if by_client else "counselor",
                        answers=answers,
                        total=total,
                        subscales=subscales,
                        band=band,
                        flags=flags,
                        idempotency_key=f"bench-{session.pk}-{code}",
                        submitted_at=now,
                    )
                )
                made += 1
        Response.objects.bulk_create(batch, batch_size=2000)
        goals = Goal.objects.bulk_create(
            Goal(
                client=client,
                text="Sleep before midnight on weeknights",
                status="agreed",
                created_by_id=client.user_id,
                version=2,
                client_agreed_version=2,
                counselor_agreed_version=2,
            )
            for client in clients
        )
        ScaleLevel.objects.bulk_create(
            ScaleLevel(goal=goal, level=level, text=f"Level {level} in the client's words")
            for goal in goals
            for level in (-2, -1, 0, 1, 2)
        )
        Rating.objects.bulk_create(
            Rating(
                goal=goal,
                side=("client", "counselor")[k % 2],
                level=rng.choice((-2, -1, 0, 1, 2)),
                rated_by_id=(user_of, counselor_of)[k % 2][goal.client_id],
                goal_version=2,
            )
            for goal in goals
            for k in range(10)
        )
        Task.objects.bulk_create(
            Task(
                client_id=goal.client_id,
                goal=goal,
                text=f"Task {k} between sessions",
                frequency="weekly",
                status="agreed",
                created_by_id=goal.created_by_id,
                version=1,
                client_agreed_version=1,
                counselor_agreed_version=1,
            )
            for goal in goals
            for k in range(2)
        )
    return clinic.pk


def run_child(command: list[str], env: dict, stdout_path: Path) -> tuple[float, float, float, str]:
    """Wall-clock seconds, CPU seconds, peak RSS in MiB and stdout of one child process."""
    with stdout_path.open("w") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE)
        # wait4 gives this child's own peak; getrusage(RUSAGE_CHILDREN) would report the
        # largest peak of all children so far.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    errors = child.stderr.read().decode()
    child.stderr.close()
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, stdout_path.read_text()


def environment(data_dir: Path) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always the temporary SQLite file
    env.update(
        DJANGO_SETTINGS_MODULE="alliance.settings",
        ALLIANCE_DEBUG="1",
        ALLIANCE_STAFF_2FA="optional",
        ALLIANCE_DATA_DIR=str(data_dir),
    )
    return env


def seed(data_dir: Path, sizes: list[int]) -> None:
    """In its own process (`--seed`), so the measuring parent stays small: a child's peak
    memory counts the parent's pages it starts from."""
    os.environ.clear()
    os.environ.update(environment(data_dir))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no log of every query while seeding
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    pools = answer_pools(rng)
    for n, size in enumerate(sizes):
        name = f"Clinic{n} with {size} responses"
        print(json.dumps([size, name, seed_clinic(name, size, rng, pools)]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--seed", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        seed(Path(args.seed), args.sizes)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = environment(tmp)
        started = time.perf_counter()
        seeded_out = subprocess.run(
            [sys.executable, __file__, "--seed", str(tmp), *map(str, args.sizes)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seeded = time.perf_counter() - started
        clinics = [json.loads(line) for line in seeded_out.splitlines()]
        database = str(tmp / "alliance.sqlite3")
        for size, name, clinic_id in clinics:
            out = tmp / f"export-{size}"
            seconds, cpu, rss, text = run_child(
                [
                    sys.executable,
                    "-m",
                    "alliance",
                    "export",
                    "fhir",
                    "--clinic",
                    name,
                    "--out",
                    str(out),
                ],
                env,
                tmp / "export.log",
            )
            resources = int(re.search(r": (\d+) resources", text).group(1))
            megabytes = sum(p.stat().st_size for p in out.iterdir()) / 2**20
            for path in out.iterdir():
                path.unlink()  # keep the disk in use small between sizes
            base_seconds, base_cpu, base_rss, base_text = run_child(
                [sys.executable, "-c", BASELINE, database, str(clinic_id), str(tmp / "bare")],
                env,
                tmp / "baseline.log",
            )
            (tmp / "bare").unlink()
            rows.append(
                (size, resources, megabytes, seconds, cpu, rss)
                + (int(base_text), base_seconds, base_cpu, base_rss)
            )
    print(
        f"SQLite; seeded {sum(args.sizes):,} responses in {seeded:.0f} s; "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        "| responses | resources | MiB written | export s | export CPU s | resources/s "
        "| resources per CPU s | export peak RSS MiB | bare rows | bare s | bare CPU s "
        "| bare peak RSS MiB | export ÷ bare, CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        size, resources, mib, seconds, cpu, rss, bare_rows, bare_s, bare_cpu, bare_rss = row
        print(
            f"| {size:,} | {resources:,} | {mib:,.0f} | {seconds:.1f} | {cpu:.1f} | "
            f"{resources / seconds:,.0f} | {resources / cpu:,.0f} | {rss:.0f} | {bare_rows:,} | "
            f"{bare_s:.1f} | {bare_cpu:.1f} | {bare_rss:.0f} | {cpu / bare_cpu:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
