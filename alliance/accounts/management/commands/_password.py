import getpass
import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def read_password(user=None) -> str:
    """The new password from ALLIANCE_PASSWORD, or asked for twice at a terminal."""
    password = os.environ.get("ALLIANCE_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CommandError("Set ALLIANCE_PASSWORD, or run this at a terminal to be asked.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords differ.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise CommandError("Password not accepted: " + " ".join(error.messages))
    return password
