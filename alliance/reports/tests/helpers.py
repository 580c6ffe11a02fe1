"""A small, complete history for Amira, built through the same services the pages use."""

import datetime
import io
from types import SimpleNamespace

from django.utils import timezone

from alliance.care.models import Attendance
from alliance.goals import services as goals
from alliance.goals.tests.helpers import make_goal
from alliance.homework import services as homework
from alliance.homework.tests.helpers import make_task
from alliance.journal import services as journal
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.notes import services as notes

PRIVATE = "PRIVATE-ENTRY-MARKER about my sister"
SHARED = "SHARED-ENTRY-MARKER bring up the holidays"
PSYCHOTHERAPY = "PSYCHOTHERAPY-NOTE-MARKER transference again"
PROGRESS = "PROGRESS-NOTE-MARKER reviewed the sleep diary"

DAYS = [datetime.date(2026, 1, 5), datetime.date(2026, 2, 2), datetime.date(2026, 3, 2)]
# PHQ-9 17 → 12 → 5 and GAD-7 14 → 9 → 5: reliable improvement and recovery on both.
PHQ9 = [[3, 3, 2, 2, 2, 2, 2, 1, 0], [2, 2, 2, 1, 1, 2, 1, 1, 0], [1, 1, 1, 1, 1, 0, 0, 0, 0]]
GAD7 = [[2, 2, 2, 2, 2, 2, 2], [2, 2, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]]


def moment(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def answers(code: str, values) -> dict:
    prefix = {"phq9": "phq9", "gad7": "gad7"}[code]
    return {f"{prefix}_{n}": v for n, v in enumerate(values, start=1)}


def build_history(p, *, client=None) -> SimpleNamespace:
    """Three sessions (and one cancelled), outcome and alliance check-ins from both sides, a
    rated goal, a logged task, a private and a shared journal entry, and both kinds of note."""
    client = client or p.a
    sessions = [add_session(client, day) for day in DAYS]
    add_session(client, datetime.date(2026, 2, 16), attendance=Attendance.CANCELLED)
    for index, session in enumerate(sessions):
        give_response(client, "phq9", answers("phq9", PHQ9[index]), session)
        give_response(client, "gad7", answers("gad7", GAD7[index]), session)
    for session, mine, expected in ((sessions[0], 3, 4), (sessions[2], 4, 4)):
        give_response(client, "wai-sr", wai(mine), session)
        give_response(client, "wai-sr-predicted", wai(expected), session)

    goal = make_goal(p, client=client, agreed=True, scale=True)
    for level, day in ((-1, datetime.date(2026, 1, 10)), (0, datetime.date(2026, 2, 10))):
        goals.rate_goal(client.user, goal, level, at=moment(day))
    goals.rate_goal(client.user, goal, 1, at=moment(datetime.date(2026, 3, 5)))
    goals.rate_goal(client.counselor, goal, 0, at=moment(datetime.date(2026, 3, 5), 19))
    task = make_task(p, goal=goal, client=client, agreed=True)
    for status, day in (
        ("done", datetime.date(2026, 1, 12)),
        ("partly", datetime.date(2026, 1, 14)),
        ("not_done", datetime.date(2026, 2, 4)),
        ("done", datetime.date(2026, 2, 5)),
    ):
        homework.log_task(client.user, task, status, fit=4, at=moment(day))

    private, _ = journal.write_entry(client, user=client.user, kind="insight", text=PRIVATE)
    shared, _ = journal.write_entry(
        client, user=client.user, kind="bring_up", text=SHARED, shared=True
    )
    progress_note, _ = notes.write_note(
        client, user=client.counselor, kind="progress", text=PROGRESS, session=sessions[2]
    )
    own_note, _ = notes.write_note(
        client, user=client.counselor, kind="psychotherapy", text=PSYCHOTHERAPY
    )
    return SimpleNamespace(
        client=client,
        sessions=sessions,
        goal=goal,
        task=task,
        private=private,
        shared=shared,
        progress_note=progress_note,
        own_note=own_note,
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    assert content.startswith(b"%PDF-"), content[:40]
    reader = PdfReader(io.BytesIO(content))
    # Lines broken at the page edge are joined, so phrases can be searched whole.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
