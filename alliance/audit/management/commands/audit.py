import sys

from django.core.management.base import BaseCommand

from alliance.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail: `alliance audit verify`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every row's hash chain")

    def handle(self, *args, action, **options):
        count, problem = verify_chain()
        if problem:
            self.stderr.write(f"Audit trail broken at {problem}")
            sys.exit(1)
        self.stdout.write(f"Audit trail intact: {count} events checked.")
