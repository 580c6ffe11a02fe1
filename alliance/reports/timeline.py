"""One date-ordered list of what happened in a client's care, for the staff who see the record.

Sessions, check-ins, goal versions and ratings, task logs, alerts and repairs, the journal
entries the client shared and counselor notes: each read through its model's access rule, so
a psychotherapy note appears only to its author and a private journal entry to nobody here.
Eleven queries, however long the history; each source is capped so one period can never pull
an unbounded number of rows.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from alliance.alerts.families import ACTION_NOUNS, KIND_LABELS, family, status_words
from alliance.alerts.models import Alert, Repair
from alliance.alerts.presenting import title as alert_title
from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.goals.models import LEVEL_NAMES, GoalVersion, Rating, level_label
from alliance.homework.models import FIT_MAX, TaskLog
from alliance.journal import services as journal_services
from alliance.journal.models import JournalEntry
from alliance.measures.history import urgent_flags
from alliance.measures.instruments import all_instruments, short_name
from alliance.measures.models import Response
from alliance.notes import services as note_services
from alliance.notes.models import Note
from alliance.reports.ranges import Period

# Per source and period: far more than a quarter of weekly care produces.
CAP = 500


@dataclass
class Event:
    at: datetime.datetime
    kind: str  # a short key, also the badge's class
    label: str  # the kind in words
    text: str
    url: str = ""
    quote: str = ""  # someone's own words, shown as a quotation
    private: bool = False  # a psychotherapy note: only its author reads it
    urgent: bool = False

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.at)


@dataclass
class Timeline:
    events: list[Event]
    targets: list  # what was read, for the audit trail
    capped: bool

    def days(self) -> list[tuple[datetime.date, list[Event]]]:
        """The events grouped by day, newest day first."""
        grouped: list[tuple[datetime.date, list[Event]]] = []
        for event in self.events:
            if grouped and grouped[-1][0] == event.day:
                grouped[-1][1].append(event)
            else:
                grouped.append((event.day, [event]))
        return grouped


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def build(client: Client, user, period: Period) -> Timeline:
    events: list[Event] = []
    capped = False

    def take(queryset):
        nonlocal capped
        rows = list(queryset[: CAP + 1])
        if len(rows) > CAP:
            capped = True
            rows = rows[:CAP]
        return rows

    def newest(queryset, moment: str, *related: str):
        """A source's rows in the period, newest first and capped; `related` rows come along."""
        queryset = period.filter_moment(queryset, moment)
        if related:
            queryset = queryset.select_related(*related)
        return take(queryset.order_by(f"-{moment}", "-id"))

    sessions = take(
        period.filter_day(Session.objects.visible_to(user).filter(client=client), "date")
        .select_related("counselor")
        .order_by("-date", "-id")
    )
    sessions_url = reverse("client_sessions", args=[client.pk])
    for session in sessions:
        length = f", {session.duration_minutes} minutes" if session.duration_minutes else ""
        events.append(
            Event(
                _start_of(session.date),
                "session",
                "Session",
                f"{session.get_attendance_display()}{length}, with {session.counselor.name}.",
                sessions_url,
            )
        )

    instruments = all_instruments()
    responses = newest(
        Response.objects.visible_to(user).filter(client=client), "submitted_at", "respondent"
    )
    for response in responses:
        instrument = instruments.get(response.instrument)
        band = f", {response.band.lower()}" if response.band else ""
        by = "" if response.respondent_role == "client" else f" (by {response.respondent.name})"
        events.append(
            Event(
                response.submitted_at,
                "checkin",
                "Check-in",
                f"{short_name(response.instrument)}{by}: {response.score_total}{band}.",
                reverse("response_detail", args=[client.pk, response.pk]),
                urgent=bool(urgent_flags(instrument, response.flags)),
            )
        )

    versions = newest(
        GoalVersion.objects.visible_to(user).filter(goal__client=client),
        "created_at",
        "goal",
        "author",
    )
    for version in versions:
        events.append(
            Event(
                version.created_at,
                "goal",
                "Goal",
                f"{version.get_kind_display()} (version {version.number}), by "
                f"{version.author.name}.",
                reverse("goal_history", args=[version.goal_id]),
                quote=version.text,
            )
        )

    ratings = newest(
        Rating.objects.visible_to(user).filter(goal__client=client), "rated_at", "goal", "rated_by"
    )
    for rating in ratings:
        events.append(
            Event(
                rating.rated_at,
                "goal",
                "Goal rating",
                f"{rating.rated_by.name} rated “{rating.goal.text}” at "
                f"{level_label(rating.level)} ({LEVEL_NAMES[rating.level].lower()}).",
                reverse("goal_detail", args=[rating.goal_id]),
            )
        )

    logs = newest(TaskLog.objects.visible_to(user).filter(task__client=client), "logged_at", "task")
    for log in logs:
        fit = f"; fit {log.fit} of {FIT_MAX}" if log.fit else ""
        events.append(
            Event(
                log.logged_at,
                "task",
                "Task log",
                f"“{log.task.text}”: {log.get_status_display().lower()}{fit}.",
                reverse("task_detail", args=[log.task_id]),
                quote=log.note,
            )
        )

    alerts = Alert.objects.visible_to(user).filter(client=client)
    for alert in newest(alerts, "created_at"):
        events.append(
            Event(
                alert.created_at,
                "alert",
                "Alert",
                f"{alert_title(alert.rule, alert.subject)} ({alert.get_severity_display().lower()};"
                f" now {status_words(alert.rule, alert.status).lower()}).",
                reverse("alert_detail", args=[alert.pk]),
                urgent=alert.severity == "urgent",
            )
        )
    repairs = newest(Repair.objects.filter(alert__in=alerts), "created_at", "alert", "recorded_by")
    for repair in repairs:
        # A risk or outcome alert records a review, not a rupture repair: each family's words.
        noun = ACTION_NOUNS[family(repair.alert.rule)]
        label = KIND_LABELS.get(repair.kind, repair.get_kind_display())
        events.append(
            Event(
                repair.created_at,
                "repair",
                noun[:1].upper() + noun[1:],
                f"{repair.recorded_by.name}: {label[:1].lower()}{label[1:]}, after "
                f"“{alert_title(repair.alert.rule, repair.alert.subject)}”.",
                reverse("alert_detail", args=[repair.alert_id]),
            )
        )

    entries = newest(JournalEntry.objects.visible_to(user).filter(client=client), "created_at")
    for entry in entries:
        events.append(
            Event(
                entry.created_at,
                "journal",
                "Shared journal entry",
                f"{entry.get_kind_display()}, shared by {client.name}.",
                reverse("client_journal", args=[client.pk]),
                quote=entry.text,
            )
        )

    notes = newest(Note.objects.visible_to(user).filter(client=client), "created_at", "author")
    for note in notes:
        private = note.is_psychotherapy
        events.append(
            Event(
                note.created_at,
                "note",
                note.get_kind_display(),
                f"By {note.author.name}." + (" Only you can read this note." if private else ""),
                reverse("client_notes", args=[client.pk]),
                quote=note.text,
                private=private,
            )
        )

    events.sort(key=lambda event: event.at, reverse=True)
    targets = [
        audit.for_client(client),
        *(journal_services.target(entry, client) for entry in entries),
        *(note_services.target(note, client) for note in notes),
    ]
    return Timeline(events, targets, capped)
