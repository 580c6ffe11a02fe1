"""Sessions under /api/v1/clients/{client_id}/sessions."""

import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.audit import services as audit
from alliance.care import services
from alliance.care.api import visible_client
from alliance.care.models import Attendance, Session

router = Router(tags=["sessions"])

MAX_LIMIT = 1000


class SessionIn(Schema):
    date: datetime.date
    attendance: Attendance
    duration_minutes: int | None = Field(default=None, ge=1, le=services.MAX_DURATION_MINUTES)


class SessionOut(Schema):
    id: int
    client_id: int
    counselor_id: int
    date: datetime.date
    attendance: Attendance
    duration_minutes: int | None
    created_at: datetime.datetime


class SessionList(Schema):
    items: list[SessionOut]
    count: int


def session_out(session: Session) -> dict:
    return {
        "id": session.pk,
        "client_id": session.client_id,
        "counselor_id": session.counselor_id,
        "date": session.date,
        "attendance": session.attendance,
        "duration_minutes": session.duration_minutes,
        "created_at": session.created_at,
    }


@router.get("/clients/{client_id}/sessions", response=SessionList, summary="A client's sessions")
def list_sessions(
    request,
    client_id: int,
    limit: int = Query(200, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=2**31),
):
    """Most recent first. Seen by the client, their counselor and the clinic's supervisors."""
    client = visible_client(request, client_id)
    sessions = Session.objects.filter(client=client)
    count = sessions.count()
    items = list(sessions[offset : offset + limit])
    targets = [audit.for_object(s, client) for s in items] or [audit.for_client(client)]
    audit.record(request, "list", targets)
    return {"items": [session_out(s) for s in items], "count": count}


@router.post(
    "/clients/{client_id}/sessions",
    response={201: SessionOut},
    summary="Record a session",
)
def create_session(request, client_id: int, payload: SessionIn):
    """Only the client's counselor records sessions; the date cannot be in the future."""
    client = visible_client(request, client_id)
    session = services.record_session(
        client,
        by=request.user,
        date=payload.date,
        attendance=payload.attendance,
        duration_minutes=payload.duration_minutes,
        request=request,
    )
    return Status(201, session_out(session))
