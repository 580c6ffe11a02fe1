"""Helpers shared by views and API operations for reaching one object through its access rule."""

import unicodedata
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import Http404
from ninja.errors import ValidationError
from pydantic import AfterValidator, Field

from alliance.audit import refusals

# Ids beyond a signed 64-bit integer cannot exist; looking them up would overflow the database.
MAX_ID = 2**63 - 1


def get_visible_or_404(queryset, pk):
    """The object with this id from an already access-filtered queryset, else 404.

    Every 404 for a record out of the caller's reach comes from here, so here is where the
    refusal is noted for the audit trail (`alliance.audit.refusals`)."""
    asked = pk
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    obj = queryset.filter(pk=pk).first() if pk is not None and 1 <= pk <= MAX_ID else None
    if obj is None:
        refusals.note(queryset.model.__name__, asked)
        raise Http404("Not found")
    return obj


def own_record(request):
    """The signed-in client's own record (404 for anyone who is not a client), for the pages a
    client reaches without naming their record."""
    from alliance.care.models import Client

    client = (
        Client.objects.visible_to(request.user)
        .filter(user_id=request.user.pk)
        .select_related("user", "counselor", "clinic")
        .first()
    )
    if client is None:
        raise Http404("Not found")
    return client


def invalid(field: str, message: str):
    """Raise the API's 422, naming the body field at fault."""
    raise ValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])


def _django_email(value: str) -> str:
    # Django's own rule, the same as the web forms: pydantic's EmailStr refuses reserved
    # domains (.local, .test) that clinics use on internal networks.
    value = value.strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid email address.")
    return value


Email = Annotated[str, Field(max_length=254), AfterValidator(_django_email)]


# Bidirectional overrides and isolates reorder what a reader sees (a name that reads one way
# and sorts or matches another).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
NOT_ONE_LINE = "Use one line of plain text: no line breaks, tabs or other control characters."


def is_one_line(value: str) -> bool:
    """Whether `value` is free of what has no place in a name or other one-line field and
    could break out of it: control characters (line breaks, tabs, NUL), line and paragraph
    separators, and bidirectional overrides. Joiners used inside words and emoji stay."""
    return not any(
        unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in BIDI_CONTROLS for char in value
    )


def _one_line(value: str) -> str:
    if not is_one_line(value):
        raise ValueError(NOT_ONE_LINE)
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
"""A name or other one-line text field on the API: control characters are a 422."""


def one_line_validator(value: str) -> None:
    """The same rule for a form field."""
    if isinstance(value, str) and not is_one_line(value):
        raise DjangoValidationError(NOT_ONE_LINE, code="not_one_line")
