"""Sessions under /api/v1/clients/{client_id}/sessions."""

import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.care import services
from alliance.care.api import visible_client
from alliance.care.models import Attendance, Session
from alliance.listing import client_page, page_of

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


SessionList = page_of(SessionOut, "SessionList")


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
    return client_page(request, client, sessions, limit=limit, offset=offset)


@router.post(
    "/clients/{client_id}/sessions",
    response={201: SessionOut},
    summary="Record a session",
)
def create_session(request, client_id: int, payload: SessionIn):
    """Only the client's counselor records sessions; the date cannot be in the future."""
    client = visible_client(request, client_id)
    # The payload's fields are named as the service's arguments (date, attendance, minutes).
    session = services.record_session(client, by=request.user, request=request, **payload.dict())
    return Status(201, session)
