import datetime

from django.core.management.base import BaseCommand, CommandError

from alliance.alerts import evaluation


class Command(BaseCommand):
    help = "Alert rules that depend on time passing: `alliance alerts sweep` (run it daily)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="evaluate the time-based rules for every client")
        sweep.add_argument(
            "--date",
            help="evaluate as of this day (YYYY-MM-DD) instead of today, e.g. to catch up",
        )

    def handle(self, *args, action, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a day as YYYY-MM-DD, not {date!r}")
        raised = evaluation.sweep(today=today)
        self.stdout.write(
            f"Alerts sweep done: {len(raised)} new alert{'' if len(raised) == 1 else 's'}."
        )
