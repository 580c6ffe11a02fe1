"""Profile check-in submissions in-process: where a submission's server time goes.

Builds a throwaway database (SQLite in a temporary directory, or a temporary PostgreSQL
database beside the one DATABASE_URL names, on a loopback address), seeds a clinic with one
counselor and 20 clients with an API token each, and POSTs PHQ-9 responses through Django's
test client (the whole middleware stack, without gunicorn and HTTP), the clients in turn, with
item 9 above zero in about one answer in twenty as in bench_submit.py. Each such answer opens
a risk alert that stays open until a repair is recorded, so the open alerts per client grow
with the submissions per client: --clients 1 shows that growth. After warm-up requests it
lists the SQL statements of one submission, times many without the profiler, then runs
cProfile over as many again and prints the functions by cumulative and by own time.
`--endpoint bare` profiles the bare baseline (`bench/bare_view.py`) instead of the real one.

    python bench/profile_submit.py                      # 300 submissions, top 40
    python bench/profile_submit.py --requests 1000 --top 60 --endpoint bare
    python bench/profile_submit.py --output submit.prof  # for snakeviz, pstats, …
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_submit import BARE_KEY, ENDPOINTS, SETTINGS, TemporaryPostgres  # noqa: E402


def configure(data_dir: Path, database_url: str | None) -> None:
    for key in [k for k in os.environ if k.startswith("ALLIANCE_")]:
        del os.environ[key]
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "ALLIANCE_DEBUG": "0",
            "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(40),
            "ALLIANCE_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLIANCE_DATA_DIR": str(data_dir),
            "ALLIANCE_ALLOWED_HOSTS": "testserver",
            "ALLIANCE_SECURE_COOKIES": "false",
            "ALLIANCE_SSL_REDIRECT": "false",
            "ALLIANCE_STAFF_2FA": "optional",
            "ALLIANCE_LOG_LEVEL": "ERROR",
            "ALLIANCE_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url


def profile(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from alliance.accounts import services
    from alliance.accounts.models import ApiToken, Role

    call_command("migrate", interactive=False, verbosity=0)
    clinic, _ = services.create_clinic("Benchmark Clinic", "admin@bench.example", "Admin")
    counselor, _ = services.add_user(clinic, Role.COUNSELOR, "counselor@bench.example", "C")
    people = []
    for n in range(args.clients):
        user, client = services.add_user(
            clinic, Role.CLIENT, f"client{n}@bench.example", f"Client {n}", counselor=counselor
        )
        _, token = ApiToken.issue(user)
        people.append((ENDPOINTS[args.endpoint].format(client_id=client.pk), token))

    http = HttpClient()
    prefix = BARE_KEY if args.endpoint == "bare" else ""
    rng = random.Random(0)
    turn = itertools.cycle(people)

    def submit(urgent: bool = False) -> None:
        path, token = next(turn)
        answers = {f"phq9_{n}": rng.randint(0, 3) for n in range(1, 9)}
        answers["phq9_9"] = 1 if urgent or rng.random() < 0.05 else 0
        response = http.post(
            path,
            json.dumps({"instrument": "phq9", "answers": answers}),
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": prefix + uuid.UUID(int=rng.getrandbits(128)).hex,
            },
        )
        if response.status_code != 201:
            sys.exit(f"{response.status_code}: {response.content[:500]!r}")

    for _ in range(args.warm_up):
        submit()
    with CaptureQueriesContext(connection) as queries:
        submit()
    print(f"SQL of one submission ({args.endpoint}, not urgent): {len(queries)} statements")
    for query in queries.captured_queries:
        print(f"  {query['time']:>6}s  {' '.join(query['sql'].split())[:160]}")
    with CaptureQueriesContext(connection) as queries:
        submit(urgent=True)
    print(f"SQL of one urgent submission (item 9 = 1): {len(queries)} statements\n")

    began = time.perf_counter()
    for _ in range(args.requests):
        submit()
    elapsed = time.perf_counter() - began
    print(
        f"{args.requests} submissions in {elapsed:.2f} s without the profiler: "
        f"{elapsed * 1000 / args.requests:.2f} ms each"
    )

    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        submit()
    profiler.disable()
    elapsed = time.perf_counter() - began
    print(
        f"{args.requests} submissions in {elapsed:.2f} s under cProfile: "
        f"{elapsed * 1000 / args.requests:.2f} ms each (profiling overhead included)\n"
    )
    if args.output:
        profiler.dump_stats(args.output)
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        if args.short:
            stats.strip_dirs()
        stats.sort_stats(order).print_stats(args.top)
        print(text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", choices=sorted(ENDPOINTS), default="real")
    parser.add_argument("--clients", type=int, default=20, help="submitting (default 20)")
    parser.add_argument("--requests", type=int, default=300, help="profiled (default 300)")
    parser.add_argument("--warm-up", type=int, default=20, help="before profiling (default 20)")
    parser.add_argument("--top", type=int, default=40, help="functions listed (default 40)")
    parser.add_argument("--short", action="store_true", help="file names without directories")
    parser.add_argument("--output", help="also write the raw profile to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alliance-profile-") as tmp:
        if os.environ.get("DATABASE_URL"):
            with TemporaryPostgres(os.environ["DATABASE_URL"]) as url:
                configure(Path(tmp), url)
                try:
                    profile(args)
                finally:
                    from django.db import connections

                    connections.close_all()
        else:
            configure(Path(tmp), None)
            profile(args)


if __name__ == "__main__":
    main()
