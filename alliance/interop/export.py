"""Everything a client may see about themself in Alliance, as one JSON document.

Only the client downloads it (see `views.my_export` and the API's `export_client`): the file is
theirs to keep, take elsewhere or check. It is built from each model's access rule for the
client, so it holds exactly what their pages show them: their journal (all of it, private
entries included), check-ins, goals and tasks with their histories, sessions and concerns.
Counselor notes and alerts are not shown to clients in Alliance and are not in the file.

A fixed number of queries, however long the history.
"""

from django.db.models import Prefetch
from django.utils import timezone

from alliance.alerts.models import Concern
from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.goals.models import Closure, Goal, GoalVersion, Rating, Revisit, Value
from alliance.homework.models import Task, TaskDrop, TaskLog, TaskVersion
from alliance.journal import services as journal_services
from alliance.journal.models import JournalEntry
from alliance.measures.history import answer_rows
from alliance.measures.instruments import all_instruments, client_title
from alliance.measures.models import Response

FORMAT = "alliance-client-export"
VERSION = 1

ABOUT = (
    "Everything Alliance shows you about yourself: your sessions, check-ins, goals, tasks, "
    "journal (private entries included) and the concerns you raised. Your counselor's notes "
    "and the alerts Alliance raises for your counselor are not shown to clients, so they are "
    "not in this file. Dates and times are in UTC (ISO 8601)."
)


def _when(value):
    return value.isoformat() if value is not None else None


def _by(user, client: Client) -> str:
    return "you" if client.is_own_record(user) else user.name


def _agreed(version, client: Client) -> dict:
    """Who wrote a goal's or task's version, and when each side agreed to it."""
    return {
        "written_by": _by(version.author, client),
        "created_at": _when(version.created_at),
        "you_agreed_at": _when(version.client_agreed_at),
        "counselor_agreed_at": _when(version.counselor_agreed_at),
    }


def _proposal(proposal) -> dict:
    """One side's proposal to end a goal or drop a task, and the other side's answer."""
    return {
        "proposed_by": proposal.side,
        "note": proposal.note,
        "proposed_at": _when(proposal.proposed_at),
        "answer": proposal.answer or None,
        "answer_note": proposal.answer_note,
        "answered_at": _when(proposal.answered_at),
    }


def client_export(client: Client, user) -> tuple[dict, list]:
    """The document for `client`, read as `user` (the client themself) may see it, and the
    audit targets of what it holds."""
    names = {"counselor": client.counselor.name, "client": client.name}
    instruments = all_instruments()

    sessions = Session.objects.visible_to(user).filter(client=client).order_by("date", "id")
    responses = (
        Response.objects.visible_to(user)
        .filter(client=client)
        .select_related("session")
        .order_by("submitted_at", "id")
    )
    values = Value.objects.visible_to(user).filter(client=client).order_by("created_at", "id")
    goals = (
        Goal.objects.visible_to(user)
        .filter(client=client)
        .order_by("created_at", "id")
        .prefetch_related(
            "values",
            "levels",
            Prefetch("versions", GoalVersion.objects.select_related("author").order_by("number")),
            Prefetch("ratings", Rating.objects.order_by("rated_at", "id")),
            Prefetch("revisits", Revisit.objects.order_by("created_at", "id")),
            Prefetch("closures", Closure.objects.order_by("proposed_at", "id")),
        )
    )
    tasks = (
        Task.objects.visible_to(user)
        .filter(client=client)
        .select_related("goal")
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch("versions", TaskVersion.objects.select_related("author").order_by("number")),
            Prefetch("logs", TaskLog.objects.order_by("logged_at", "id")),
            Prefetch("drops", TaskDrop.objects.order_by("proposed_at", "id")),
        )
    )
    journal = list(
        JournalEntry.objects.visible_to(user).filter(client=client).order_by("created_at", "id")
    )
    concerns = Concern.objects.visible_to(user).filter(client=client).order_by("created_at")
    targets = [
        audit.for_client(client),
        *(journal_services.target(entry, client) for entry in journal),
    ]

    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(timezone.now()),
        "about": ABOUT,
        "you": {
            "name": client.name,
            "email": client.email,
            "clinic": client.clinic.name,
            "counselor": client.counselor.name,
            "since": _when(client.created_at),
        },
        "sessions": [
            {
                "date": session.date.isoformat(),
                "attendance": session.attendance,
                "duration_minutes": session.duration_minutes,
            }
            for session in sessions
        ],
        "check_ins": [_response(r, instruments, names, client) for r in responses],
        "values": [{"text": v.text, "created_at": _when(v.created_at)} for v in values],
        "goals": [_goal(goal, client) for goal in goals],
        "tasks": [_task(task, client) for task in tasks],
        "journal": [
            {
                "kind": entry.kind,
                "text": entry.text,
                "shared": entry.shared,
                "shared_at": _when(entry.shared_at),
                "created_at": _when(entry.created_at),
                "updated_at": _when(entry.updated_at),
            }
            for entry in journal
        ],
        "concerns": [{"text": c.text, "created_at": _when(c.created_at)} for c in concerns],
    }
    return document, targets


def export_for(request, client: Client) -> dict:
    """The client's document for `request.user`, recorded in the audit trail."""
    document, targets = client_export(client, request.user)
    audit.record(request, "export", targets, detail="data export (JSON)")
    return document


def filename() -> str:
    return f"alliance-export-{timezone.localdate().isoformat()}.json"


def _response(response: Response, instruments, names, client) -> dict:
    instrument = instruments.get(response.instrument)
    return {
        "instrument": response.instrument,
        "title": client_title(instrument, client.counselor.name) if instrument else "",
        "answered_by": "you" if response.respondent_id == client.user_id else "your counselor",
        "session_date": response.session.date.isoformat() if response.session else None,
        "submitted_at": _when(response.submitted_at),
        "total": response.score_total,
        "subscales": response.subscales,
        "band": response.band or None,
        "answers": [
            {"statement": row["text"], "answer": row["value"], "meaning": row["label"]}
            for row in answer_rows(instrument, response, names)
        ]
        if instrument
        else response.answers,
    }


def _goal(goal: Goal, client: Client) -> dict:
    return {
        "text": goal.text,
        "why": goal.why,
        "status": goal.status,
        "weight": goal.weight,
        "values": [value.text for value in goal.values.all()],
        "scale": {str(level.level): level.text for level in goal.levels.all()},
        "created_at": _when(goal.created_at),
        "closed_at": _when(goal.closed_at),
        "versions": [
            {
                "number": version.number,
                "change": version.get_kind_display(),
                "text": version.text,
                "why": version.why,
                "values": version.values,
                "scale": version.levels,
                "weight": version.weight,
                **_agreed(version, client),
            }
            for version in goal.versions.all()
        ],
        "ratings": [
            {"by": rating.side, "level": rating.level, "rated_at": _when(rating.rated_at)}
            for rating in goal.ratings.all()
        ],
        "revisits": [
            {
                "asked_by": revisit.side,
                "reason": revisit.reason,
                "created_at": _when(revisit.created_at),
                "resolution": revisit.resolution or None,
                "resolved_at": _when(revisit.resolved_at),
            }
            for revisit in goal.revisits.all()
        ],
        "closures": [
            {"outcome": closure.outcome, **_proposal(closure)} for closure in goal.closures.all()
        ],
    }


def _task(task: Task, client: Client) -> dict:
    return {
        "text": task.text,
        "frequency": task.frequency,
        "goal": task.goal.text,
        "status": task.status,
        "created_at": _when(task.created_at),
        "dropped_at": _when(task.dropped_at),
        "versions": [
            {
                "number": version.number,
                "text": version.text,
                "frequency": version.frequency,
                **_agreed(version, client),
            }
            for version in task.versions.all()
        ],
        "logs": [
            {
                "status": log.status,
                "fit": log.fit,
                "note": log.note,
                "logged_at": _when(log.logged_at),
            }
            for log in task.logs.all()
        ],
        "drops": [_proposal(drop) for drop in task.drops.all()],
    }
