"""Helpers shared by views and API operations for reaching one object through its access rule."""

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import Http404
from ninja.errors import ValidationError
from pydantic import AfterValidator, Field

# Ids beyond a signed 64-bit integer cannot exist; looking them up would overflow the database.
MAX_ID = 2**63 - 1


def get_visible_or_404(queryset, pk):
    """The object with this id from an already access-filtered queryset, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found")
    if not 1 <= pk <= MAX_ID:
        raise Http404("Not found")
    obj = queryset.filter(pk=pk).first()
    if obj is None:
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
