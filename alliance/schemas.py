"""Shapes every app's API shares."""

from typing import Annotated

from ninja import Header, Schema


class Detail(Schema):
    """An error the API answers with: what went wrong, in words for the person who asked."""

    detail: str


# How each kind of record is shown as the `current` state in a 409: an app's api.py registers
# the function that serialises its model, so a conflict answers with the same shape as a read.
CURRENT_SHAPES: dict[type, object] = {}


def shows_current(model: type):
    """Register `function(obj) -> dict` as the shape of `model` in a 409's `current`."""

    def register(function):
        CURRENT_SHAPES[model] = function
        return function

    return register


def idempotency_key(max_length: int = 255):
    """The `Idempotency-Key` header a client sends so that a retried write stores one record;
    the parameter keeps the name `idempotency_key`, which a 422 reports as the header's."""
    return Annotated[str | None, Header(alias="Idempotency-Key", max_length=max_length)]


IdempotencyKey = idempotency_key()
