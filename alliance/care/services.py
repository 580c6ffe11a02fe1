"""Writes to a care relationship that also append to the audit trail."""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.alerts import services as alerts
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session

MAX_DURATION_MINUTES = 600
EARLIEST_SESSION_DATE = datetime.date(1900, 1, 1)


class SessionError(ValueError):
    """A session that cannot be recorded; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_session(date: datetime.date, attendance: str, duration_minutes: int | None):
    """The rules a session record follows, shared by the page and the API."""
    if attendance not in Attendance.values:
        raise SessionError(
            "attendance", f"Attendance must be one of {', '.join(Attendance.values)}."
        )
    # A session is recorded once it has happened (or been called off), never ahead of time.
    if date > timezone.localdate():
        raise SessionError("date", "The date cannot be in the future.")
    if date < EARLIEST_SESSION_DATE:
        raise SessionError("date", "The date is too far in the past.")
    if duration_minutes is not None:
        if attendance != Attendance.ATTENDED:
            raise SessionError("duration_minutes", "Only a session that took place has a duration.")
        if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
            raise SessionError(
                "duration_minutes",
                f"The duration must be from 1 to {MAX_DURATION_MINUTES} minutes.",
            )


def record_session(
    client: Client,
    by,
    *,
    date: datetime.date,
    attendance: str,
    duration_minutes: int | None = None,
    request=None,
) -> Session:
    """Record a session of `client` held by `by`, who must be the client's counselor."""
    if not (by.is_counselor and client.counselor_id == by.pk):
        raise SessionError("client", "Only the client's counselor records their sessions.")
    check_session(date, attendance, duration_minutes)
    with transaction.atomic():
        session = Session.objects.create(
            client=client,
            counselor=by,
            date=date,
            attendance=attendance,
            duration_minutes=duration_minutes,
            recorded_by=by,
        )
        audit.record(request, "create", audit.for_object(session, client), actor=by)
        alerts.on_session(session)  # in this transaction: no session without its alerts
    return session
