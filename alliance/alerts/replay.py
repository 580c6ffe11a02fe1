"""Evaluating history stored in bulk (as the demo's is) as if each event had just happened."""

from collections.abc import Callable

from django.utils import timezone

from alliance.alerts.evaluation import Evaluation, on_response, on_session, on_task_log
from alliance.alerts.models import Alert
from alliance.care.models import Client, Session
from alliance.homework.models import TaskLog
from alliance.measures.instruments import ALLIANCE_FORM, PREDICTION_FORM
from alliance.measures.models import Response


def replay_history(client: Client, *, on_event: Callable | None = None) -> None:
    """Evaluate a client's stored sessions, check-ins and task logs in the order they happened,
    as if each had just been stored. Safe to repeat: evidence already seen raises nothing new.
    `on_event(kind, row)` runs before each and returns True when it changed the client's
    alerts."""
    events = [(s.created_at, 0, "session", s) for s in Session.objects.filter(client=client)]
    events += [
        (r.submitted_at, 1, "response", r)
        for r in Response.objects.filter(client=client).select_related("client")
    ]
    events += [
        (entry.logged_at, 2, "task_log", entry)
        for entry in TaskLog.objects.filter(task__client=client).select_related("task__client")
    ]
    events.sort(key=lambda event: (event[0], event[1], event[3].pk))
    ctx = Evaluation(client)
    for when, _, kind, row in events:
        if on_event is not None and on_event(kind, row):
            ctx.forget()  # the hook changed alerts behind the shared list's back
        if kind == "session":
            row.client = client
            on_session(row, today=timezone.localdate(when), ctx=ctx)
        elif kind == "response":
            on_response(row, ctx=ctx)
        else:
            on_task_log(row, ctx=ctx)


def replay_follow_ups(alert: Alert) -> None:
    """Judge the observations already made since the latest repair (for a repair recorded
    after the fact, as in the demo). Outcome and risk alerts have written every later
    observation into their history already, and a review closes them."""
    repairs = list(alert.repairs.all())
    if not repairs:
        return
    since = max(repairs[-1].created_at, alert.created_at)
    instruments = {
        "alliance": [ALLIANCE_FORM, PREDICTION_FORM],
        "alliance_drop": [ALLIANCE_FORM],
        "weak_spot": [ALLIANCE_FORM],
        "client_voice": [ALLIANCE_FORM],
        "reliable_deterioration": [alert.subject],
        "no_reliable_improvement": [alert.subject],
    }.get(alert.rule)
    if instruments:
        for response in Response.objects.filter(
            client=alert.client, instrument__in=instruments, submitted_at__gt=since
        ).order_by("submitted_at", "pk"):
            on_response(response)
            alert.refresh_from_db()
            if not alert.is_active:
                return
