"""Building check-in histories for tests."""

import datetime
import uuid

from alliance.care.models import Attendance, Session
from alliance.measures import services
from alliance.measures.instruments import find

PHQ9_NONE = {f"phq9_{n}": 0 for n in range(1, 10)}


def phq9(*values):
    return {f"phq9_{n}": v for n, v in enumerate(values, start=1)}


def wai(value=4):
    return {f"wai_{n}": value for n in range(1, 13)}


def add_session(client, date=None, attendance=Attendance.ATTENDED, duration=50):
    date = date or datetime.date(2026, 1, 5)
    return Session.objects.create(
        client=client,
        counselor=client.counselor,
        date=date,
        attendance=attendance,
        duration_minutes=duration if attendance == Attendance.ATTENDED else None,
        recorded_by=client.counselor,
    )


def give_response(client, code, answers, session=None):
    """A response from whoever answers `code` for `client`: the client or their counselor."""
    instrument = find(code)
    user = client.user if instrument.respondent == "client" else client.counselor
    response, _ = services.submit_response(
        client=client,
        user=user,
        instrument=instrument,
        answers=answers,
        key=uuid.uuid4().hex,
        session=session,
    )
    return response
