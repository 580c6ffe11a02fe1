from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from alliance import demo
from alliance.accounts.serving import run_gunicorn


class Command(BaseCommand):
    help = "Migrate, seed the demo clinic and serve it (127.0.0.1:8000 by default)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="seed even with debug off")
        parser.add_argument("--no-serve", action="store_true", help="seed only")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, force, no_serve, host, port, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with a known password while ALLIANCE_DEBUG is "
                "off. Use --force if this really is a throwaway installation."
            )
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        clinic = demo.seed()
        self.stdout.write(f"\nDemo clinic: {clinic.name}")
        self.stdout.write(f"Every demo account's password: {demo.DEMO_PASSWORD}\n")
        for person in demo.PEOPLE:
            self.stdout.write(f"  {person.role:<11} {person.name:<12} {person.email}")
        if settings.STAFF_2FA == "required":
            self.stdout.write(
                "\nStaff enrol an authenticator app at first sign-in (ALLIANCE_STAFF_2FA=required)."
            )
        if no_serve:
            return
        self.stdout.write(f"\nServing on http://{host}:{port}/ (Ctrl-C to stop)\n")
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        run_gunicorn(host, port, workers=2)
