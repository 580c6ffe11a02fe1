"""`alliance analytics --clinic NAME [--from --to] [--counselor EMAIL] [--format json|csv]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from alliance.accounts.models import Clinic
from alliance.errors import ServiceError
from alliance.reports import analytics
from alliance.reports.ranges import Period


class Command(BaseCommand):
    help = (
        "Print a clinic's figures for a period: outcomes of the paired clients, the "
        "alliance-outcome link, the same per counselor, and each counselor's prediction "
        "accuracy (the figures of GET /api/v1/clinic/outcomes; see docs/analytics.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's name, exactly")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: any)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: any)")
        parser.add_argument("--counselor", help="one counselor's clients only, by email")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, clinic, start, end, counselor, format, **options):
        found = Clinic.objects.filter(name=clinic).first()
        if found is None:
            raise CommandError(f"No clinic named {clinic!r}.")
        try:
            period = Period.parse(start, end)
        except ServiceError as error:
            option = {"from": "--from", "to": "--to"}.get(error.field, error.field)
            raise CommandError(f"{option}: {error.message}")
        person = None
        if counselor:
            person = analytics.counselors_of(found).filter(email__iexact=counselor).first()
            if person is None:
                raise CommandError(f"No counselor with the email {counselor!r} in {found.name}.")
        scope = analytics.Scope(found, person)
        result = analytics.figures(scope, period)
        analytics.record_read(None, scope, period, "clinic outcomes (command line)")
        if format == "csv":
            self.stdout.write(analytics.as_csv(result), ending="")
        else:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
