"""`alliance analytics_rebuild [--clinic NAME]`: the clinic figures' summaries made again."""

from django.core.management.base import BaseCommand, CommandError

from alliance.accounts.models import Clinic
from alliance.reports import summary


class Command(BaseCommand):
    help = (
        "Make the clinic figures' summaries again from the stored check-ins (after loading "
        "check-ins in bulk, or whenever in doubt). Check-ins keep them current otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", help="one clinic, by name (default: every clinic)")

    def handle(self, *args, clinic, **options):
        clinic_ids = None
        if clinic:
            found = Clinic.objects.filter(name=clinic).first()
            if found is None:
                raise CommandError(f"No clinic named {clinic!r}.")
            clinic_ids = [found.pk]
        done = summary.rebuild(clinic_ids)
        self.stdout.write(f"Summarised {done} client{'s' if done != 1 else ''}.")
