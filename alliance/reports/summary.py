"""Keeping the clinic figures' summaries (`models.OutcomeSummary`, `models.PredictionGap`).

`on_response` runs inside the transaction that stores each check-in (see `receivers`): it locks
the client's summary row first, so two check-ins of one client arriving together are summed up
one after the other, each seeing the other's answers. `rebuild` makes the summaries again from
every stored check-in, a batch of clients at a time: after check-ins were loaded in bulk
(`alliance analytics_rebuild`), or whenever in doubt; `fill_missing` runs after every `migrate`,
so an installation that had check-ins before these summaries existed gets them on upgrading.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from alliance.care.models import Client, Session
from alliance.measures.instruments import ALLIANCE_FORM, OUTCOME_FORMS, PREDICTION_FORM, find
from alliance.measures.models import Response
from alliance.psychometrics.outcome import course_outcome, paired_sessions
from alliance.psychometrics.period import EARLY_CHECKINS, early_alliance
from alliance.reports.models import ITEMS, SUBSCALES, TOTAL, OutcomeSummary, PredictionGap

DEPRESSION, ANXIETY = OUTCOME_FORMS
SUMMARISED = (*OUTCOME_FORMS, ALLIANCE_FORM)
OUTCOME_FIELDS = (
    "caseness_start",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)
SUMMARY_FIELDS = (
    "clinic",
    "paired",
    "second_day",
    "last_day",
    "series",
    *OUTCOME_FIELDS,
    "depression_change",
    "alliance",
    "alliance_mean",
    "alliance_last_day",
    "updated_at",
)
BATCH = 2000


def whole(value):
    """A stored total as written: 12.0 is 12."""
    return int(value) if float(value).is_integer() else value


def summarise(rows: Iterable[tuple]) -> dict:
    """The summary fields for one client from their outcome and alliance check-ins.

    `rows` are (session id, day, instrument, total) in the order they were answered, so that a
    form answered twice at one session counts as its last answer; the day is the session's, or
    the day it was answered for a check-in not tied to a session.
    """
    rows = list(rows)
    pairs = paired_sessions(
        ((session, day, code, whole(total)) for session, day, code, total in rows),
        DEPRESSION,
        ANXIETY,
    )
    fields = {
        "paired": len(pairs),
        "second_day": pairs[1].day if len(pairs) > 1 else None,
        "last_day": pairs[-1].day if pairs else None,
        "series": json.dumps(
            [[p.day.isoformat(), p.depression, p.anxiety] for p in pairs], separators=(",", ":")
        ),
        "depression_change": None,
        **dict.fromkeys(OUTCOME_FIELDS),
    }
    result = course_outcome(pairs, find(DEPRESSION), find(ANXIETY))
    if result is not None:
        fields.update({name: result[name] for name in OUTCOME_FIELDS})
        fields["depression_change"] = result["measures"][DEPRESSION]["change"]
    # In day order; the same day, in the order answered (a stable sort).
    checkins = sorted(
        ((day, whole(total)) for _, day, code, total in rows if code == ALLIANCE_FORM),
        key=lambda checkin: checkin[0],
    )[:EARLY_CHECKINS]
    fields["alliance"] = json.dumps(
        [[day.isoformat(), total] for day, total in checkins], separators=(",", ":")
    )
    fields["alliance_mean"] = early_alliance(checkins)
    fields["alliance_last_day"] = checkins[-1][0] if checkins else None
    return fields


def _outcome_rows(client_ids):
    return (
        Response.objects.filter(client_id__in=client_ids, instrument__in=SUMMARISED)
        .order_by("client_id", "submitted_at", "id")
        .annotate(day=Coalesce("session__date", TruncDate("submitted_at")))
        .values_list("client_id", "session_id", "day", "instrument", "total")
    )


def _json_number(alias: str, column: str, *path: str) -> str:
    """SQL for a number inside a JSON column of `alias`, on either database."""
    if connection.vendor == "postgresql":
        keys = "".join(f" -> '{key}'" for key in path[:-1]) + f" ->> '{path[-1]}'"
        return f"({alias}.{column}{keys})::numeric"
    return f"json_extract({alias}.{column}, '$.{'.'.join(path)}')"


def _gap_columns() -> dict[str, str]:
    """Each part's gap as SQL: the prediction (p) minus the client's own answer (c)."""
    parts = {TOTAL: "p.total - c.total"}
    for name in SUBSCALES:
        parts[name] = (
            f"{_json_number('p', 'subscales', name, 'sum')} - "
            f"{_json_number('c', 'subscales', name, 'sum')}"
        )
    for item in ITEMS:
        parts[item] = f"{_json_number('p', 'answers', item)} - {_json_number('c', 'answers', item)}"
    return parts


def store_gaps(where: str, params: list) -> None:
    """(Re)make the gap of every session matching `where` (over the client's response `c`)
    where the client answered the alliance form and their counselor predicted it: one
    statement, computed by the database from both responses as stored."""
    quote = connection.ops.quote_name
    parts = _gap_columns()
    columns = ["session_id", "client_id", "clinic_id", "counselor_id", "day", *parts]
    # A response without every part (a definition that changed shape) makes no gap.
    complete = " AND ".join(f"({expression}) IS NOT NULL" for expression in parts.values())
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns[1:])
    # Every name is a model's or a constant's, and every value a parameter.
    sql = (
        f"INSERT INTO {quote(PredictionGap._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(c) for c in columns)}) "
        "SELECT c.session_id, c.client_id, k.clinic_id, p.respondent_id, s.date, "
        f"{', '.join(parts.values())} "
        f"FROM {quote(Response._meta.db_table)} c "
        f"JOIN {quote(Response._meta.db_table)} p "
        "ON p.session_id = c.session_id AND p.instrument = %s "
        f"JOIN {quote(Session._meta.db_table)} s ON s.id = c.session_id "
        f"JOIN {quote(Client._meta.db_table)} k ON k.id = c.client_id "
        f"WHERE c.instrument = %s AND ({where}) AND {complete} "
        f"ON CONFLICT (session_id) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [PREDICTION_FORM, ALLIANCE_FORM, *params])


@transaction.atomic
def on_response(response: Response) -> None:
    """Bring the summaries up to date with a check-in just stored, in its transaction (a
    savepoint of it; a transaction of its own should a sender ever call without one)."""
    code = response.instrument
    outcome = code in SUMMARISED
    views = code in (ALLIANCE_FORM, PREDICTION_FORM) and response.session_id is not None
    if not (outcome or views):
        return
    client = response.client
    # The lock that puts this client's check-ins in a line (see the module's docstring).
    summary, _ = OutcomeSummary.objects.select_for_update().get_or_create(
        client_id=client.pk, defaults={"clinic_id": client.clinic_id}
    )
    if outcome:
        fields = summarise(row[1:] for row in _outcome_rows([client.pk]))
        for name, value in fields.items():
            setattr(summary, name, value)
        summary.clinic_id = client.clinic_id
        summary.updated_at = timezone.now()
        summary.save()
    if views:
        store_gaps("c.session_id = %s", [response.session_id])


def rebuild(clinic_ids: Iterable[int] | None = None, *, batch: int = BATCH, progress=None) -> int:
    """Make the summaries again from the stored check-ins, for every clinic or those named.
    Returns the number of clients summarised."""
    clients = Client.objects.order_by("pk")
    if clinic_ids is not None:
        clients = clients.filter(clinic_id__in=list(clinic_ids))
    done, after = 0, 0
    while True:
        chunk = list(clients.filter(pk__gt=after).values_list("pk", "clinic_id")[:batch])
        if not chunk:
            return done
        _rebuild_batch(chunk)
        done += len(chunk)
        after = chunk[-1][0]
        if progress is not None:
            progress(done)


def fill_missing() -> int:
    """Rebuild the clinics where a client has check-ins but no summary yet (none after the
    first time: the receivers keep every summary from then on)."""
    missing = Client.objects.filter(outcome_summary__isnull=True, responses__isnull=False)
    clinics = set(missing.values_list("clinic_id", flat=True).distinct()[:1000])
    return rebuild(clinics) if clinics else 0


@transaction.atomic
def _rebuild_batch(chunk: list[tuple[int, int]]) -> None:
    ids = [pk for pk, _ in chunk]
    now = timezone.now()
    # Rows first, then their locks, then the reading: a check-in stored meanwhile either was
    # committed before the lock (and is read here) or waits and sums itself up afterwards.
    OutcomeSummary.objects.bulk_create(
        [OutcomeSummary(client_id=pk, clinic_id=clinic) for pk, clinic in chunk],
        ignore_conflicts=True,
    )
    list(OutcomeSummary.objects.select_for_update().filter(client_id__in=ids).values_list("pk"))
    by_client: dict[int, list] = defaultdict(list)
    for client, *row in _outcome_rows(ids).iterator(chunk_size=5000):
        by_client[client].append(row)
    summaries = [
        OutcomeSummary(client_id=pk, clinic_id=clinic, updated_at=now, **summarise(by_client[pk]))
        for pk, clinic in chunk
    ]
    OutcomeSummary.objects.bulk_create(
        summaries,
        update_conflicts=True,
        unique_fields=["client"],
        update_fields=list(SUMMARY_FIELDS),
    )
    store_gaps(f"c.client_id IN ({', '.join(['%s'] * len(ids))})", ids)
