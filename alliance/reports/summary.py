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

from django.db import transaction
from django.utils import timezone

from alliance.care.models import Client
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
GAP_FIELDS = ("client", "clinic", "counselor", "day", TOTAL, *SUBSCALES, *ITEMS)
BATCH = 2000


def whole(value):
    """A stored total as written: 12.0 is 12."""
    return int(value) if float(value).is_integer() else value


def summarise(rows: Iterable[tuple]) -> dict:
    """The summary fields for one client from their outcome and alliance check-ins.

    `rows` are (session id, session day, instrument, total, submitted at), oldest answer first,
    so that a form answered twice at one session counts as its last answer.
    """
    rows = list(rows)
    pairs = paired_sessions(
        ((session, day, code, whole(total)) for session, day, code, total, _ in rows),
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
    # An alliance check-in not tied to a session is dated by when it was given.
    checkins = sorted(
        (
            (day or timezone.localdate(submitted), submitted, whole(total))
            for _, day, code, total, submitted in rows
            if code == ALLIANCE_FORM
        ),
        key=lambda c: (c[0], c[1]),
    )[:EARLY_CHECKINS]
    fields["alliance"] = json.dumps(
        [[day.isoformat(), total] for day, _, total in checkins], separators=(",", ":")
    )
    fields["alliance_mean"] = early_alliance((day, total) for day, _, total in checkins)
    fields["alliance_last_day"] = checkins[-1][0] if checkins else None
    return fields


def gaps(given: dict, predicted: dict) -> dict | None:
    """Prediction minus the client's own answer for every part, from two responses' values
    (`total`, `subscales`, `answers`); None when the two do not have the same parts."""
    try:
        found = {TOTAL: predicted["total"] - given["total"]}
        for name in SUBSCALES:
            found[name] = predicted["subscales"][name]["sum"] - given["subscales"][name]["sum"]
        for item in ITEMS:
            found[item] = predicted["answers"][item] - given["answers"][item]
    except (KeyError, TypeError):
        return None
    return {part: int(round(value)) for part, value in found.items()}


def _outcome_rows(client_ids):
    return (
        Response.objects.filter(client_id__in=client_ids, instrument__in=SUMMARISED)
        .order_by("client_id", "submitted_at", "id")
        .values_list(
            "client_id", "session_id", "session__date", "instrument", "total", "submitted_at"
        )
    )


def _view_rows(**filters):
    return (
        Response.objects.filter(
            instrument__in=(ALLIANCE_FORM, PREDICTION_FORM), session__isnull=False, **filters
        )
        .order_by("session_id", "submitted_at", "id")
        .values_list(
            "session_id",
            "client_id",
            "client__clinic_id",
            "session__date",
            "instrument",
            "respondent_id",
            "total",
            "subscales",
            "answers",
        )
    )


def _gap_rows(rows) -> list[PredictionGap]:
    by_session: dict[int, dict] = defaultdict(dict)
    for session, client, clinic, day, code, respondent, total, subscales, answers in rows:
        by_session[session][code] = {
            "client": client,
            "clinic": clinic,
            "day": day,
            "respondent": respondent,
            "total": total,
            "subscales": subscales,
            "answers": answers,
        }
    made = []
    for session, views in by_session.items():
        given, predicted = views.get(ALLIANCE_FORM), views.get(PREDICTION_FORM)
        if given is None or predicted is None:
            continue
        found = gaps(given, predicted)
        if found is None:
            continue
        made.append(
            PredictionGap(
                session_id=session,
                client_id=given["client"],
                clinic_id=given["clinic"],
                counselor_id=predicted["respondent"],
                day=given["day"],
                **found,
            )
        )
    return made


def on_response(response: Response) -> None:
    """Bring the summaries up to date with a check-in just stored, in its transaction."""
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
        fields = summarise(
            (session, day, code, total, submitted)
            for _, session, day, code, total, submitted in _outcome_rows([client.pk])
        )
        for name, value in fields.items():
            setattr(summary, name, value)
        summary.clinic_id = client.clinic_id
        summary.updated_at = timezone.now()
        summary.save()
    if views:
        made = _gap_rows(_view_rows(session_id=response.session_id))
        if made:
            _store_gaps(made)


def _store_gaps(made: list[PredictionGap]) -> None:
    PredictionGap.objects.bulk_create(
        made,
        update_conflicts=True,
        unique_fields=["session"],
        update_fields=list(GAP_FIELDS),
    )


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
    made = _gap_rows(_view_rows(client_id__in=ids).iterator(chunk_size=5000))
    for start in range(0, len(made), 5000):
        _store_gaps(made[start : start + 5000])
