"""Tasks on other apps' pages, and the words of the log form.

The section tags show the client's tasks beside their goals (`client_home_section.html`,
`client_detail_section.html`): each reaches the tasks through `visible_to` and writes its own
audit event.
"""

import secrets

from django import template

from alliance.agreement.tags import section
from alliance.homework.glance import glance
from alliance.homework.models import FIT_LABELS, FIT_QUESTION, OPEN_STATUSES, LogStatus, Task

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


def _tasks_context(context, client, user):
    tasks = list(
        Task.objects.visible_to(user)
        .filter(client=client, status__in=OPEN_STATUSES)
        .with_relations()
        .order_by("created_at", "id")
    )
    summaries = glance(t.pk for t in tasks)
    side = client.side_of(user)
    return section(
        context,
        client,
        user,
        tasks,
        task_rows=[(t, summaries[t.pk]) for t in tasks],
        tasks_waiting=[t for t in tasks if side and not t.agreed_by(side)],
    )


@register.inclusion_tag("homework/section_home.html", takes_context=True)
def tasks_home(context, client, user):
    """The client's open tasks on their home page, each logged in two taps."""
    return _tasks_context(context, client, user)


@register.inclusion_tag("homework/section_counselor.html", takes_context=True)
def tasks_for_staff(context, client, user):
    """Completion and fit of the client's open tasks at a glance, on the client's page."""
    return _tasks_context(context, client, user)
