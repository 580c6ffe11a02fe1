import secrets

from django import template

from alliance.homework.models import FIT_LABELS, FIT_QUESTION, LogStatus

register = template.Library()

SYMBOLS = {LogStatus.DONE: "✓", LogStatus.PARTLY: "◐", LogStatus.NOT_DONE: "✗"}


@register.simple_tag
def new_key() -> str:
    """A fresh idempotency key for one rendering of a log form."""
    return secrets.token_urlsafe(18)


@register.simple_tag
def log_statuses():
    return LogStatus.choices


@register.simple_tag
def fit_choices():
    return list(FIT_LABELS.items())


@register.simple_tag
def fit_question() -> str:
    return FIT_QUESTION


@register.filter
def log_symbol(status: str) -> str:
    return SYMBOLS.get(status, "?")
