import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from alliance.accounts.serving import run_gunicorn


class Command(BaseCommand):
    help = "Serve Alliance with gunicorn (static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("ALLIANCE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("ALLIANCE_PORT", "8000"))
        )
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, host, port, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        run_gunicorn(host, port, workers)
