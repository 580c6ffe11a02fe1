"""Helpers shared by views and API operations for reaching one object through its access rule."""

from django.http import Http404
from ninja.errors import ValidationError

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


def invalid(field: str, message: str):
    """Raise the API's 422, naming the body field at fault."""
    raise ValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])
