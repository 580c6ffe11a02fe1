from django.core.management.base import BaseCommand, CommandError

from alliance.accounts import services
from alliance.accounts.management.commands._password import read_password
from alliance.accounts.models import Clinic, Role, User
from alliance.errors import ServiceError


class Command(BaseCommand):
    help = "Add a person to a clinic with a role (and a counselor, for a client)."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--counselor", help="the counselor's email (clients only)")

    def handle(self, *args, clinic, role, email, name, counselor, **options):
        found = Clinic.objects.filter(name__iexact=clinic).first()
        if found is None:
            raise CommandError(f"No clinic called {clinic!r}.")
        counselor_user = None
        if counselor and role != Role.CLIENT:
            raise CommandError("Only a client has a counselor: leave out --counselor.")
        if counselor:
            counselor_user = User.objects.filter(
                email__iexact=counselor, address_in_use=False
            ).first()
            if counselor_user is None:
                raise CommandError(f"No user with email {counselor!r}.")
        elif role == Role.CLIENT:
            raise CommandError("A client needs --counselor EMAIL.")
        password = read_password(User(email=email, name=name))
        try:
            user, _ = services.add_user(found, role, email, name, password, counselor_user)
        except ServiceError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else error.message)
        self.stdout.write(f"Added {user.email} as {role} at {found.name}")
