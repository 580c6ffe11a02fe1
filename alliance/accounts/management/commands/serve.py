import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from alliance.accounts.serving import run_gunicorn


class Command(BaseCommand):
    help = (
        "Serve Alliance with gunicorn (static files by WhiteNoise); with "
        "ALLIANCE_AUDIT_CHECKPOINT set, also write an audit checkpoint every "
        "ALLIANCE_AUDIT_CHECKPOINT_MINUTES."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("ALLIANCE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("ALLIANCE_PORT", "8000"))
        )
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, host, port, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        writer = start_checkpoint_writer()
        try:
            run_gunicorn(host, port, workers)
        finally:
            if writer is not None:
                writer.terminate()
                writer.wait(timeout=10)


def start_checkpoint_writer():
    """The periodic audit checkpoint, in a process of its own beside gunicorn's (so no worker
    restart or slow request delays it, and it holds no connection a fork could share)."""
    if not settings.AUDIT_CHECKPOINT:
        return None
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "alliance",
            "audit",
            "checkpoint",
            "--out",
            settings.AUDIT_CHECKPOINT,
            "--every",
            str(settings.AUDIT_CHECKPOINT_MINUTES),
        ]
    )
