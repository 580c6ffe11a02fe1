"""The client's data export as a PDF a person can read.

The same content as the JSON download (`export.client_export`: sessions, check-ins with each
answer in words, values, goals with their history, tasks with their logs, the whole journal and
the concerns raised), set by WeasyPrint with the progress report's print stylesheet. Like the
report it never fetches anything: no URL in anyone's text can make the server reach out.
"""

from datetime import date, datetime
from functools import cache

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Attendance, Client
from alliance.goals.models import LEVEL_NAMES, Closure, GoalStatus, Revisit, level_label
from alliance.homework.models import FIT_LABELS, LogStatus, TaskDrop, TaskStatus
from alliance.interop import export
from alliance.journal.models import Kind
from alliance.reports.pdf import STYLESHEET

# The report's stylesheet says "progress report" at the foot of each page; this is not one.
PAGE = """
@page {
  @bottom-left { content: "Alliance · your data · confidential"; font-size: 8pt; color: #4a5260; }
}
.export-entry { break-inside: avoid; border-left: 2pt solid #c9ced6; padding-left: 3mm;
  margin-bottom: 4mm; }
.export-entry h3 { font-size: 11pt; margin: 0 0 1mm; }
.export-answers { margin: 1mm 0 2mm; padding-left: 5mm; }
h4 { font-size: 10pt; margin: 2mm 0 1mm; }
"""

SIDES = {"client": "you", "counselor": "your counselor"}


@cache
def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset(), timeout=1)


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    css = STYLESHEET.read_text(encoding="utf-8") + PAGE
    stylesheet = CSS(string=css, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def build(request, client: Client) -> bytes:
    """The client's PDF for `request.user` (the client), recorded in the audit trail."""
    document, targets = export.client_export(client, request.user)
    html = render_to_string("interop/export.html", readable(document))
    pdf = render_pdf(html)
    audit.record(request, "export", targets, detail="data export (PDF)")
    return pdf


def filename() -> str:
    return f"alliance-export-{timezone.localdate().isoformat()}.pdf"


def readable(document: dict) -> dict:
    """The export document with times as local datetimes and every code in words."""
    return {
        "you": {**document["you"], "since": _moment(document["you"]["since"])},
        "exported_at": _moment(document["exported_at"]),
        "sessions": [
            {
                **s,
                "date": _day(s["date"]),
                "attendance": _label(Attendance, s["attendance"]),
            }
            for s in document["sessions"]
        ],
        "check_ins": [
            {
                **c,
                "submitted_at": _moment(c["submitted_at"]),
                "session_date": _day(c["session_date"]),
                "by_you": c["answered_by"] == "you",
            }
            for c in document["check_ins"]
        ],
        "values": document["values"],
        "goals": [_goal(goal) for goal in document["goals"]],
        "tasks": [_task(task) for task in document["tasks"]],
        "journal": [
            {
                **entry,
                "kind": _label(Kind, entry["kind"]),
                "created_at": _moment(entry["created_at"]),
            }
            for entry in document["journal"]
        ],
        "concerns": [{**c, "created_at": _moment(c["created_at"])} for c in document["concerns"]],
    }


def _goal(goal: dict) -> dict:
    return {
        **goal,
        "status": _label(GoalStatus, goal["status"]),
        "created_at": _moment(goal["created_at"]),
        "closed_at": _moment(goal["closed_at"]),
        "scale": [
            {"label": level_label(level), "name": LEVEL_NAMES[level], "text": text}
            for level, text in sorted(
                ((int(key), text) for key, text in goal["scale"].items()), reverse=True
            )
        ],
        "versions": [_version(v) for v in goal["versions"]],
        "ratings": [
            {
                "by": SIDES.get(r["by"], r["by"]),
                "label": level_label(r["level"]),
                "name": LEVEL_NAMES.get(r["level"], ""),
                "rated_at": _moment(r["rated_at"]),
            }
            for r in goal["ratings"]
        ],
        "revisits": [
            {
                **r,
                "asked_by": SIDES.get(r["asked_by"], r["asked_by"]),
                "created_at": _moment(r["created_at"]),
                "resolution": _label(Revisit.Resolution, r["resolution"]),
                "resolved_at": _moment(r["resolved_at"]),
            }
            for r in goal["revisits"]
        ],
        "closures": [
            # The outcome stays where the export put it, ahead of the proposal.
            {**_proposal(c, Closure.Answer), "outcome": _label(Closure.Outcome, c["outcome"])}
            for c in goal["closures"]
        ],
    }


def _task(task: dict) -> dict:
    return {
        **task,
        "status": _label(TaskStatus, task["status"]),
        "created_at": _moment(task["created_at"]),
        "versions": [_version(v) for v in task["versions"]],
        "logs": [
            {
                **log,
                "status": _label(LogStatus, log["status"]),
                "fit": FIT_LABELS.get(log["fit"]) if log["fit"] else None,
                "logged_at": _moment(log["logged_at"]),
            }
            for log in task["logs"]
        ],
        "drops": [_proposal(d, TaskDrop.Answer) for d in task["drops"]],
    }


def _version(version: dict) -> dict:
    """A goal's or task's version, its moments in local time."""
    return {
        **version,
        "created_at": _moment(version["created_at"]),
        "you_agreed_at": _moment(version["you_agreed_at"]),
        "counselor_agreed_at": _moment(version["counselor_agreed_at"]),
    }


def _proposal(proposal: dict, answers) -> dict:
    """An ending or a drop as proposed and answered, in words and local time."""
    return {
        **proposal,
        "proposed_by": SIDES.get(proposal["proposed_by"], proposal["proposed_by"]),
        "proposed_at": _moment(proposal["proposed_at"]),
        "answer": _label(answers, proposal["answer"] or ""),
        "answered_at": _moment(proposal["answered_at"]),
    }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


def _label(choices, value: str | None) -> str:
    if value is None:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
