"""Field and constraint declarations that several apps' models make alike."""

from django.conf import settings
from django.db import models


def changed_by(related_name: str | None = None) -> models.ForeignKey:
    """Who recorded or changed a row: left empty once their account is gone, so that the row
    itself outlives the person who made it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


def kind_known(kinds: type[models.TextChoices], *, name: str) -> models.CheckConstraint:
    """The database refuses a `kind` that is not one of `kinds`."""
    return models.CheckConstraint(condition=models.Q(kind__in=kinds.values), name=name)


def key_once(owner: str, *, name: str) -> models.UniqueConstraint:
    """An idempotency key stores one row per `owner`: a repeated request finds the first row.
    Rows written without a key (an empty one) are not held to it."""
    return models.UniqueConstraint(
        fields=[owner, "idempotency_key"], condition=~models.Q(idempotency_key=""), name=name
    )


class KindOfWriting(models.Model):
    """For a model of written records with a `kind` and a `created_at`: each is named by its
    kind and day, and says its kind in words to the API as `kind_label`."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_kind_display()} of {self.created_at:%Y-%m-%d}"

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()
