from django.core.management.base import BaseCommand, CommandError

from alliance.accounts import services
from alliance.accounts.management.commands._password import read_password
from alliance.accounts.models import User
from alliance.errors import ServiceError


class Command(BaseCommand):
    help = "Create a clinic and its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")

    def handle(self, *args, name, admin_email, admin_name, **options):
        password = read_password(User(email=admin_email, name=admin_name))
        try:
            clinic, admin = services.create_clinic(name, admin_email, admin_name, password)
        except ServiceError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else error.message)
        self.stdout.write(
            f"Created clinic {clinic.name!r} (id {clinic.pk}) with admin {admin.email}"
        )
