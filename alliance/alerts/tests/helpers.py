"""Building check-in histories for the alert tests through the real services."""

import itertools
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from alliance.alerts.models import Alert
from alliance.care import services as care
from alliance.measures import services as measures
from alliance.measures.instruments import find

SUBSCALES = {
    "goal": ["wai_4", "wai_6", "wai_8", "wai_11"],
    "task": ["wai_1", "wai_2", "wai_10", "wai_12"],
    "bond": ["wai_3", "wai_5", "wai_7", "wai_9"],
}
_keys = itertools.count(1)


def session(client, days_ago=0, attendance="attended"):
    return care.record_session(
        client,
        by=client.counselor,
        date=timezone.localdate() - timedelta(days=days_ago),
        attendance=attendance,
        duration_minutes=50 if attendance == "attended" else None,
    )


def wai_answers(goal=5, task=5, bond=5):
    """Answers whose subscale item means are as given (multiples of 0.25 spread over items)."""
    answers = {}
    for scope, mean in (("goal", goal), ("task", task), ("bond", bond)):
        total = round(mean * 4)
        values = [total // 4 + (1 if n < total % 4 else 0) for n in range(4)]
        answers.update(zip(SUBSCALES[scope], values, strict=True))
    return answers


def answer(client, code, answers, at_session=None, user=None):
    form = find(code)
    user = user or (client.counselor if form.respondent == "counselor" else client.user)
    response, _ = measures.submit_response(
        client=client,
        user=user,
        instrument=form,
        answers=answers,
        key=f"test-{next(_keys)}",
        session=at_session,
    )
    return response


def wai(client, at_session=None, goal=5, task=5, bond=5):
    return answer(client, "wai-sr", wai_answers(goal, task, bond), at_session)


def predict(client, at_session, goal=5, task=5, bond=5):
    return answer(client, "wai-sr-predicted", wai_answers(goal, task, bond), at_session)


def phq9(client, at_session=None, each=1, item9=0):
    answers = {f"phq9_{n}": each for n in range(1, 9)} | {"phq9_9": item9}
    return answer(client, "phq9", answers, at_session)


def checkin(client, goal=5, task=5, bond=5, days_ago=0):
    """A session followed by the client's WAI-SR for it."""
    held = session(client, days_ago=days_ago)
    return held, wai(client, held, goal, task, bond)


def make_alert(client, rule="weak_spot", severity="attention", key=None, **fields):
    """An alert stored directly, for access tests that need one to exist."""
    return Alert.objects.create(
        client=client,
        clinic_id=client.clinic_id,
        rule=rule,
        subject=fields.pop("subject", "wai-sr"),
        key=key or f"test:{next(_keys)}",
        severity=severity,
        evidence=fields.pop("evidence", {"summary": "Agreement on tasks averaged below 3."}),
        scopes=fields.pop("scopes", ["task"]),
        **fields,
    )


def raw_column(model, column):
    """What the database itself holds in a column, without the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]
