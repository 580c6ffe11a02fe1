"""Building goals for tests through the same services the pages and API use."""

from django.apps import apps
from django.db import connection, models

from alliance.audit.models import AuditEvent
from alliance.goals import services
from alliance.goals.models import Goal

LEVELS = {
    "-2": "Still avoiding every call",
    "-1": "One call a week",
    "0": "Three calls a week",
    "1": "A call most days",
    "2": "Calling whenever I need to",
}


def make_goal(p, *, client=None, text="Call my sister every week", agreed=False, scale=False):
    """A goal of Amira's (or `client`'s) proposed by the client; optionally agreed and scaled."""
    client = client or p.a
    goal = services.propose_goal(client.user, client, text, "She keeps me steady")
    if scale:
        services.set_scale(client.user, goal, LEVELS)
    if agreed:
        goal = Goal.objects.get(pk=goal.pk)
        services.agree_to_goal(client.counselor, goal, goal.version)
    return Goal.objects.select_related("client").get(pk=goal.pk)


def last_event_id() -> int:
    """The newest audit event, so a test can look at what came after it."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def other_side_user(p, who):
    """Whoever is on the other side from `who` for Amira's record."""
    return p.c1 if who == "a" else p.a.user


# Identifies a retried request; it says nothing about the client.
NOT_FREE_TEXT = {"idempotency_key"}


def free_text_fields(app_label):
    """Every column of the app that can hold words: text and JSON, except fixed choices."""
    kinds = (models.CharField, models.TextField, models.JSONField)
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, kinds) and not field.choices and field.name not in NOT_FREE_TEXT:
                yield model, field


def raw_column(model, field) -> list:
    """What the database holds in one column, read with SQL rather than through the model."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def rows_containing(model, field, words: str) -> int:
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} LIKE %s", [f"%{words}%"])
        return cursor.fetchone()[0]
