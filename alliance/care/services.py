"""Writes to a care relationship that also append to the audit trail."""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.care.signals import session_recorded
from alliance.errors import Invalid, NotAllowed

MAX_DURATION_MINUTES = 600
EARLIEST_SESSION_DATE = datetime.date(1900, 1, 1)


def check_session(date: datetime.date, *, attendance: str, duration_minutes: int | None):
    """The rules a session record follows, shared by the page and the API."""
    if attendance not in Attendance.values:
        raise Invalid(
            f"Attendance must be one of {', '.join(Attendance.values)}.", field="attendance"
        )
    # A session is recorded once it has happened (or been called off), never ahead of time.
    if date > timezone.localdate():
        raise Invalid("The date cannot be in the future.", field="date")
    if date < EARLIEST_SESSION_DATE:
        raise Invalid("The date is too far in the past.", field="date")
    if duration_minutes is not None:
        if attendance != Attendance.ATTENDED:
            raise Invalid(
                "Only a session that took place has a duration.", field="duration_minutes"
            )
        if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
            raise Invalid(
                f"The duration must be from 1 to {MAX_DURATION_MINUTES} minutes.",
                field="duration_minutes",
            )


def record_session(
    client: Client,
    *,
    by: User,
    date: datetime.date,
    attendance: str,
    duration_minutes: int | None = None,
    request=None,
) -> Session:
    """Record a session of `client` held by `by`, who must be the client's counselor. The apps
    above hear of it (`session_recorded`) in the transaction that stores it."""
    if not client.is_own_counselor(by):
        raise NotAllowed("Only the client's counselor records their sessions.")
    check_session(date, attendance=attendance, duration_minutes=duration_minutes)
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
        # In this transaction, so that a listener that fails (alerts, say) leaves nothing.
        session_recorded.send(sender=Session, session=session, today=timezone.localdate())
    return session
