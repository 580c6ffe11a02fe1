"""A client's course of care as the outcome definitions see it, for one reader.

Change is always counted from the first measured session of the course of care, never from the
start of whatever period a page or report shows: a period only chooses what is shown and where
"now" is (`until`). The person's outcome (recovered, reliable improvement, …) pairs PHQ-9 and
GAD-7 answered at the same session (`psychometrics.outcome`); each questionnaire on its own has
only its own facts (`psychometrics.classify_change`).

Every read goes through `Response.objects.visible_to`, so the prediction lock and a clinic's
choices hold here too. Each function reads a fixed number of queries, whatever the history.
"""

import datetime

from django.db.models import DateField, F, Q
from django.db.models.functions import Coalesce, TruncDate

from alliance.measures.instruments import OUTCOME_FORMS, find
from alliance.measures.models import Response
from alliance.psychometrics.outcome import course_outcome, paired_sessions

DEPRESSION, ANXIETY = OUTCOME_FORMS


def _dated(queryset):
    """Each check-in dated by its session, or by the day it was answered when it has none."""
    return queryset.annotate(
        day=Coalesce(F("session__date"), TruncDate("submitted_at"), output_field=DateField())
    )


def _until(queryset, until: datetime.date | None):
    if until is None:
        return queryset
    return queryset.filter(
        Q(session__date__lte=until) | Q(session__isnull=True, submitted_at__date__lte=until)
    )


def first_of_course(client, user, code: str) -> dict | None:
    """The first check-in of `code` in the client's course of care that `user` may see: the
    baseline every change on that questionnaire is counted from."""
    rows = _dated(Response.objects.visible_to(user).filter(client=client, instrument=code))
    first = rows.order_by("day", "submitted_at", "id").values("id", "total", "day").first()
    return first


def outcome(client, user, *, until: datetime.date | None = None) -> dict:
    """The person's outcome from the first measured session with both PHQ-9 and GAD-7 to the
    last one up to `until`, with the dates and totals used.

    `available` is False (and the outcome fields None) with fewer than two such sessions.
    """
    rows = _until(
        _dated(
            Response.objects.visible_to(user).filter(
                client=client, instrument__in=OUTCOME_FORMS, session__isnull=False
            )
        ),
        until,
    ).order_by("day", "submitted_at", "id")
    pairs = paired_sessions(
        rows.values_list("session_id", "day", "instrument", "total"), DEPRESSION, ANXIETY
    )
    depression, anxiety = find(DEPRESSION), find(ANXIETY)
    result = course_outcome(pairs, depression, anxiety)
    empty = {
        "available": False,
        "sessions_measured": len(pairs),
        "first": None,
        "last": None,
        "caseness_start": None,
        "caseness_end": None,
        "recovered": None,
        "reliable_improvement": None,
        "reliable_deterioration": None,
        "reliable_recovery": None,
        "measures": {},
    }
    if result is None:
        return empty
    first, last = pairs[0], pairs[-1]
    return (
        empty
        | {
            key: result[key]
            for key in (
                "caseness_start",
                "caseness_end",
                "recovered",
                "reliable_improvement",
                "reliable_deterioration",
                "reliable_recovery",
                "measures",
            )
        }
        | {
            "available": True,
            "first": _end(first),
            "last": _end(last),
        }
    )


def _end(pair) -> dict:
    return {
        "session_id": pair.key,
        "date": pair.day,
        DEPRESSION: _whole(pair.depression),
        ANXIETY: _whole(pair.anxiety),
    }


def _whole(total):
    return int(total) if float(total).is_integer() else total
