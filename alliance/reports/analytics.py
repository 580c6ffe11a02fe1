"""The clinic's figures for a period: outcomes, the alliance–outcome link, and how well each
counselor predicts their clients' alliance ratings.

The definitions are the pure ones in `alliance.psychometrics` (`period`, `outcome`, `service`);
this module finds the people they apply to. It reads the summaries in `models` (one row per
client, one per predicted session), never the check-ins themselves, in a fixed number of
queries whatever the size of the clinic, and it reads them from the analytics database when
one is configured (`ALLIANCE_ANALYTICS_DATABASE_URL`, a replica): nothing here writes.

Who sees what: supervisors and administrators their whole clinic (or one counselor of it); a
counselor their own clients and their own predictions; nobody else anything (404).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import functools
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Case, Count, F, Sum, TextField, Value, When
from django.db.models.functions import Abs
from django.http import Http404

from alliance.access import get_visible_or_404
from alliance.accounts.models import Clinic, Role, User
from alliance.audit import services as audit
from alliance.measures.instruments import OUTCOME_FORMS, find
from alliance.psychometrics.outcome import PairedSession
from alliance.psychometrics.period import alliance_outcome_link, early_alliance, period_outcome
from alliance.psychometrics.service import MIN_GROUP, PLACES, outcome_figures
from alliance.reports.models import ITEMS, PARTS, SUBSCALES, TOTAL, OutcomeSummary, PredictionGap
from alliance.reports.ranges import Period

ANALYTICS_DATABASE = "analytics"
DEPRESSION, ANXIETY = OUTCOME_FORMS
OUTCOME_FLAGS = (
    "caseness_start",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)
COUNTS = ("recovered", "reliable_recovery", "reliable_improvement", "reliable_deterioration")
RATES = (
    "recovery_rate",
    "reliable_recovery_rate",
    "reliable_improvement_rate",
    "reliable_deterioration_rate",
)
# The longest run of months the recovery chart shows.
MAX_MONTHS = 60

# What each figure means, said once for the pages, the API's description and the CSV's readers.
# docs/analytics.md says the same at more length.
DEFINITIONS = [
    (
        "Paired clients",
        "Clients who answered both the mood questionnaire (PHQ-9) and the anxiety "
        "questionnaire (GAD-7) at two or more sessions, and whose last such session up to the "
        "end of the period falls in the period. Each one's change is counted from the first "
        "such session of their course of care (not from the start of the period) to that last "
        "one.",
    ),
    (
        "Case at the start",
        "At or above the cut-off on either questionnaire at the first measured session "
        "(PHQ-9 10 or more, GAD-7 8 or more).",
    ),
    (
        "Recovery rate",
        "Clients who were a case at the start and are below the cut-off on both "
        "questionnaires at the end, out of the paired clients who were a case at the start. "
        "The reliable recovery rate counts only those who also reliably improved.",
    ),
    (
        "Reliable improvement and deterioration rates",
        "Out of all paired clients: reliable improvement is a fall of at least 6 points on "
        "PHQ-9 or 4 on GAD-7 with neither reliably worse; reliable deterioration is the "
        "reverse. These are the NHS Talking Therapies definitions.",
    ),
    (
        "Too few to say",
        "A rate over fewer than 5 people, and any figure about fewer than 5 clients, is not "
        "shown: with so few, one person changes it completely, and it could point at someone.",
    ),
    (
        "Alliance and outcome",
        "Pearson's r, over paired clients with at least one alliance check-in (WAI-SR), "
        "between the mean of their first three alliance totals (fewer if they have fewer) and "
        "their PHQ-9 change (last minus first), with how many clients it is over (n) and a 95% "
        "interval. A lower PHQ-9 is better, so a negative r means that clients who rated the "
        "working relationship higher early on tended to improve more. It is a correlation in "
        "this clinic, not proof that one causes the other. Across 295 studies the alliance and "
        "outcome correlate at about r = .28 (Flückiger, Del Re, Wampold & Horvath 2018).",
    ),
    (
        "Prediction accuracy",
        "Over the sessions in the period where the client answered the alliance questionnaire "
        "and their counselor predicted their answers: the mean gap (predicted minus the "
        "client's own total; above zero means the counselor expected a stronger alliance than "
        "the client reported) and the mean size of the gap whichever way it went, for the "
        "total, each part (goals, tasks, bond) and each question. Not shown when those "
        "sessions are with fewer than 5 clients.",
    ),
]


def definitions_markdown() -> str:
    return "\n".join(f"- **{term}**: {text}" for term, text in DEFINITIONS)


def database() -> str:
    """The database these reads go to: the analytics replica when one is configured."""
    return ANALYTICS_DATABASE if ANALYTICS_DATABASE in settings.DATABASES else "default"


@dataclass(frozen=True)
class Scope:
    """Whose figures: a clinic's, or one counselor's clients and predictions in it."""

    clinic: Clinic
    counselor: User | None = None

    def words(self) -> str:
        return self.counselor.name if self.counselor else self.clinic.name


def counselors_of(clinic):
    return User.objects.filter(clinic_id=clinic.pk, role=Role.COUNSELOR)


def scope_for(user, counselor_id=None) -> Scope:
    """The figures `user` may see, narrowed to one counselor when asked; 404 for anything
    else (clients, other clinics' people, a counselor asking about a colleague)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("Not found")
    if user.is_clinic_wide:
        counselor = None
        if counselor_id is not None:
            counselor = get_visible_or_404(counselors_of(user.clinic), counselor_id)
        return Scope(user.clinic, counselor)
    if user.is_counselor:
        if counselor_id is not None and str(counselor_id) != str(user.pk):
            raise Http404("Not found")
        return Scope(user.clinic, user)
    raise Http404("Not found")


def record_read(request, scope: Scope, period: Period, what: str, *, actor=None) -> None:
    """One audit event per reading of the figures, naming whose and which dates."""
    target = audit.Target(
        "ClinicFigures",
        scope.counselor.pk if scope.counselor else "",
        clinic_id=scope.clinic.pk,
    )
    detail = f"{what}: {scope.words()}, {period.words()}"
    audit.record(request, "read", target, actor=actor, detail=detail)


# --- People ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    client_id: int
    counselor_id: int
    outcome: dict
    depression_change: float
    alliance: float | None


@functools.lru_cache(maxsize=200_000)
def _ends(depression_first, depression_last, anxiety_first, anxiety_last) -> dict:
    """`person_outcome` for a first and a last pair of totals. Many clients share the same
    four totals, so a clinic's past periods cost one evaluation per distinct four."""
    pairs = [
        PairedSession(0, datetime.date.min, depression_first, anxiety_first),
        PairedSession(1, datetime.date.min, depression_last, anxiety_last),
    ]
    result = period_outcome(pairs, find(DEPRESSION), find(ANXIETY))
    flags = {name: result[name] for name in OUTCOME_FLAGS}
    return {"flags": flags, "change": result["measures"][DEPRESSION]["change"]}


def _until(series: list, end: datetime.date | None, start: datetime.date | None):
    """The course of care cut at `end`: its first and last measured session, or None when the
    person is not a paired client in [start, end] (`period.period_outcome`'s rule)."""
    end_text = end.isoformat() if end else None
    last = None
    for index, entry in enumerate(series):
        if end_text is not None and entry[0] > end_text:
            break
        last = index
    if last is None or last < 1:
        return None
    if start is not None and series[last][0] < start.isoformat():
        return None
    return series[0], series[last]


def _person_from_row(row, start, end) -> Person | None:
    (client_id, counselor_id, *flags, change, alliance_mean, series, alliance) = row
    if series is None:
        # The period runs to the end of the course so far: the stored outcome is the one.
        outcome = dict(zip(OUTCOME_FLAGS, flags, strict=True))
    else:
        ends = _until(json.loads(series), end, start)
        if ends is None:
            return None
        (_, d1, a1), (_, d2, a2) = ends
        found = _ends(d1, d2, a1, a2)
        outcome, change = found["flags"], found["change"]
    if alliance is not None:
        checkins = [
            (datetime.date.fromisoformat(day), total) for day, total in json.loads(alliance)
        ]
        alliance_mean = early_alliance(checkins, until=end)
    return Person(client_id, counselor_id, outcome, change, alliance_mean)


def _summaries(scope: Scope, period: Period, using: str):
    rows = OutcomeSummary.objects.using(using).filter(
        clinic_id=scope.clinic.pk, second_day__isnull=False
    )
    if scope.counselor is not None:
        rows = rows.filter(client__counselor_id=scope.counselor.pk)
    if period.end:
        rows = rows.filter(second_day__lte=period.end)
    if period.start:
        rows = rows.filter(last_day__gte=period.start)
    return rows


def _when_after(field: str, day_field: str, end) -> object:
    """The text column only for rows that carry on past `end` (the rest never need it)."""
    if end is None:
        return Value(None, output_field=TextField())
    return Case(
        When(**{f"{day_field}__gt": end}, then=F(field)),
        default=Value(None),
        output_field=TextField(),
    )


def people(scope: Scope, period: Period, *, using: str | None = None) -> list[Person]:
    """The paired clients in the period, each with their outcome and early alliance."""
    using = using or database()
    rows = (
        _summaries(scope, period, using)
        .annotate(
            needed_series=_when_after("series", "last_day", period.end),
            needed_alliance=_when_after("alliance", "alliance_last_day", period.end),
        )
        .values_list(
            "client_id",
            "client__counselor_id",
            *OUTCOME_FLAGS,
            "depression_change",
            "alliance_mean",
            "needed_series",
            "needed_alliance",
        )
    )
    found = []
    for row in rows:
        person = _person_from_row(row, period.start, period.end)
        if person is not None:
            found.append(person)
    return found


def outcome_block(group: list[Person]) -> dict:
    """The counts, the four rates and the alliance–outcome link over some paired clients."""
    figures = outcome_figures(person.outcome for person in group)
    figures["alliance_outcome"] = alliance_outcome_link(
        (person.alliance, person.depression_change) for person in group
    )
    return figures


# --- Prediction accuracy ---------------------------------------------------------------------


def _mean(total, count) -> float | None:
    # `service.prediction_accuracy`'s rounding; the sums of whole-number gaps are exact.
    return round(total / count, PLACES) if count else None


def _accuracy(row: dict | None) -> dict:
    sessions = row["sessions"] if row else 0
    clients = row["clients"] if row else 0
    shown = row is not None and clients >= MIN_GROUP

    def part(name):
        if not shown:
            return {"mean_gap": None, "mean_abs_gap": None}
        return {
            "mean_gap": _mean(row[f"{name}_sum"], sessions),
            "mean_abs_gap": _mean(row[f"{name}_abs"], sessions),
        }

    return {
        "clients": clients,
        "sessions": sessions,
        **part(TOTAL),
        "subscales": {name: part(name) for name in SUBSCALES},
        "items": {name: part(name) for name in ITEMS},
    }


def accuracy_rows(scope: Scope, period: Period, *, using: str | None = None) -> dict[int, dict]:
    """Per counselor: sessions, distinct clients, and the sum and absolute sum of each gap.

    Two queries, not one with COUNT(DISTINCT): a distinct count needs its rows in counselor
    order, which PostgreSQL may fetch by index, row by row, from all over a large table; the
    sums group by hash in one pass, and the distinct pairs in another.
    """
    using = using or database()
    gaps = PredictionGap.objects.using(using).filter(clinic_id=scope.clinic.pk)
    if scope.counselor is not None:
        gaps = gaps.filter(counselor_id=scope.counselor.pk)
    gaps = period.filter_day(gaps, "day").order_by()
    sums = {}
    for name in PARTS:
        sums[f"{name}_sum"] = Sum(name)
        sums[f"{name}_abs"] = Sum(Abs(name))
    rows = {
        row["counselor_id"]: {**row, "clients": 0}
        for row in gaps.values("counselor_id").annotate(sessions=Count("pk"), **sums)
    }
    pairs, params = gaps.values("counselor_id", "client_id").distinct().query.sql_with_params()
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT counselor_id, COUNT(*) FROM ({pairs}) pairs GROUP BY counselor_id",  # noqa: S608
            params,
        )
        for counselor_id, clients in cursor.fetchall():
            rows[counselor_id]["clients"] = clients
    return rows


# --- Everything together ---------------------------------------------------------------------


def _counselors(scope: Scope, using: str, seen: set[int]) -> list[tuple[int, str]]:
    if scope.counselor is not None:
        return [(scope.counselor.pk, scope.counselor.name)]
    rows = (
        counselors_of(scope.clinic)
        .using(using)
        .order_by("name", "pk")
        .values_list("pk", "name", "is_active")
    )
    return [(pk, name) for pk, name, active in rows if active or pk in seen]


def figures(scope: Scope, period: Period, *, using: str | None = None) -> dict:
    """Everything the API, the pages and the command line show, in four queries."""
    return figures_and_people(scope, period, using=using)[0]


def figures_and_people(
    scope: Scope, period: Period, *, using: str | None = None
) -> tuple[dict, list[Person]]:
    """`figures`, and the paired clients they are about (for the alliance–outcome scatter)."""
    using = using or database()
    found = people(scope, period, using=using)
    accuracy = accuracy_rows(scope, period, using=using)
    by_counselor_people: dict[int, list[Person]] = defaultdict(list)
    for person in found:
        by_counselor_people[person.counselor_id].append(person)
    counselors = _counselors(scope, using, set(by_counselor_people) | set(accuracy))
    result = {
        "clinic": scope.clinic.name,
        "counselor_id": scope.counselor.pk if scope.counselor else None,
        "from": period.start.isoformat() if period.start else None,
        "to": period.end.isoformat() if period.end else None,
        **outcome_block(found),
        "by_counselor": [
            {"counselor_id": pk, "name": name, **outcome_block(by_counselor_people.get(pk, []))}
            for pk, name in counselors
        ],
        "prediction_accuracy": [
            {"counselor_id": pk, "name": name, **_accuracy(accuracy.get(pk))}
            for pk, name in counselors
        ],
    }
    return result, found


# --- Recovery month by month -----------------------------------------------------------------


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months[-MAX_MONTHS:]


def month_end(start: datetime.date) -> datetime.date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def by_month(
    scope: Scope, period: Period, *, today: datetime.date, using: str | None = None
) -> list[dict]:
    """Each month of the period (up to `today`; the months with measured sessions when the
    period is open) with the figures for the paired clients in that month, in one query."""
    using = using or database()
    end = min(period.end or today, today)
    rows = _summaries(scope, Period(period.start, end), using).values_list("series", flat=True)
    series_all = [json.loads(text) for text in rows]
    first = period.start
    if first is None:
        days = [s[1][0] for s in series_all if len(s) > 1]
        if not days:
            return []
        first = datetime.date.fromisoformat(min(days))
    months = month_starts(first, end)
    if not months:
        return []
    # Each person's last measured session in each month is their end point for that month.
    outcomes: dict[str, list[dict]] = defaultdict(list)
    wanted = {month.isoformat()[:7] for month in months}
    end_text = end.isoformat()
    for series in series_all:
        last_in_month: dict[str, int] = {}
        for index, entry in enumerate(series):
            if entry[0] > end_text:
                break
            if index >= 1 and entry[0][:7] in wanted:
                last_in_month[entry[0][:7]] = index
        base = series[0] if series else None
        for month, index in last_in_month.items():
            _, d2, a2 = series[index]
            outcomes[month].append(_ends(base[1], d2, base[2], a2)["flags"])
    return [
        {
            "month": month.isoformat()[:7],
            "start": month,
            **outcome_figures(outcomes.get(month.isoformat()[:7], [])),
        }
        for month in months
    ]


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "group",
    "counselor_id",
    "name",
    "from",
    "to",
    "paired",
    "caseness_start",
    *COUNTS,
    *RATES,
    "alliance_outcome_r",
    "alliance_outcome_n",
    "alliance_outcome_ci95_low",
    "alliance_outcome_ci95_high",
    "prediction_clients",
    "prediction_sessions",
    "prediction_mean_gap",
    "prediction_mean_abs_gap",
    *(f"prediction_{name}_mean_gap" for name in SUBSCALES),
    *(f"prediction_{name}_mean_abs_gap" for name in SUBSCALES),
]


def _csv_row(group, counselor_id, name, result, block, accuracy) -> dict:
    link = block["alliance_outcome"]
    row = {
        "group": group,
        "counselor_id": counselor_id or "",
        "name": name,
        "from": result["from"] or "",
        "to": result["to"] or "",
        "paired": block["paired"],
        "caseness_start": block["caseness_start"],
        **{name: block[name] for name in (*COUNTS, *RATES)},
        "alliance_outcome_r": link["r"],
        "alliance_outcome_n": link["n"],
        "alliance_outcome_ci95_low": link["ci95"][0] if link["ci95"] else None,
        "alliance_outcome_ci95_high": link["ci95"][1] if link["ci95"] else None,
    }
    if accuracy is not None:
        row.update(
            {
                "prediction_clients": accuracy["clients"],
                "prediction_sessions": accuracy["sessions"],
                "prediction_mean_gap": accuracy["mean_gap"],
                "prediction_mean_abs_gap": accuracy["mean_abs_gap"],
            }
        )
        for part in SUBSCALES:
            row[f"prediction_{part}_mean_gap"] = accuracy["subscales"][part]["mean_gap"]
            row[f"prediction_{part}_mean_abs_gap"] = accuracy["subscales"][part]["mean_abs_gap"]
    # An empty cell is "too few to say" (or nothing to say).
    return {key: "" if value is None else value for key, value in row.items()}


def as_csv(result: dict) -> str:
    """The figures as CSV: one row for the whole group, then one per counselor."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    group = "counselor" if result["counselor_id"] else "clinic"
    name = result["clinic"]
    if result["counselor_id"]:
        name = result["by_counselor"][0]["name"] if result["by_counselor"] else ""
    accuracy_of = {a["counselor_id"]: a for a in result["prediction_accuracy"]}
    own = accuracy_of.get(result["counselor_id"]) if result["counselor_id"] else None
    writer.writerow(_csv_row(group, result["counselor_id"], name, result, result, own))
    if not result["counselor_id"]:
        for block in result["by_counselor"]:
            pk = block["counselor_id"]
            writer.writerow(
                _csv_row("counselor", pk, block["name"], result, block, accuracy_of.get(pk))
            )
    return out.getvalue()


def csv_filename(scope: Scope, period: Period) -> str:
    who = "my-practice" if scope.counselor else "clinic"
    span = "-".join(day.isoformat() for day in (period.start, period.end) if day) or "all-dates"
    return f"outcomes-{who}-{span}.csv"
