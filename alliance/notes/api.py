"""Counselor notes: /api/v1/clients/{client_id}/notes."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.care.api import PersonOut, visible_client
from alliance.listing import client_page, page_of, session_named
from alliance.notes import services
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind
from alliance.schemas import Detail, IdempotencyKey

router = Router(tags=["notes"])

MAX_LIMIT = 500


class NoteIn(Schema):
    kind: NoteKind
    text: str = Field(max_length=MAX_TEXT_LENGTH)
    session_id: int | None = Field(default=None, ge=1, le=2**62)


class NoteOut(Schema):
    id: int
    client_id: int
    kind: NoteKind
    author: PersonOut
    session_id: int | None
    text: str
    created_at: datetime


NoteList = page_of(NoteOut, "NoteList")


@router.post(
    "/clients/{client_id}/notes",
    response={201: NoteOut, 403: Detail},
    summary="Write a note (the client's counselor only)",
)
def create_note(request, client_id: int, payload: NoteIn, idempotency_key: IdempotencyKey = None):
    """A progress note joins the clinic's record (the counselor, supervisors and
    administrators read it; the client does not). A psychotherapy note is read by its author
    alone and is left out of every listing for anyone else. `session_id`, if given, must be
    one of this client's sessions. Repeating a request with the same `Idempotency-Key`
    returns the first note and stores nothing."""
    client = visible_client(request, client_id)
    # Who may write comes first: a 403 says so before any 422 about the session could.
    services.check_writer(client, user=request.user, kind=payload.kind)
    note, _ = services.write_note(
        client,
        user=request.user,
        session=session_named(client, payload.session_id),
        key=idempotency_key,
        request=request,
        # Kind and text go on as sent; the session is the one in this client's record.
        **payload.dict(include={"kind", "text"}),
    )
    return Status(201, note)


@router.get(
    "/clients/{client_id}/notes",
    response={200: NoteList, 403: Detail},
    summary="A client's notes that you may read",
)
def list_notes(
    request,
    client_id: int,
    kind: NoteKind | None = None,
    limit: int = Query(200, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=2**31),
):
    """Progress notes for the client's counselor and the clinic's supervisors and
    administrators; psychotherapy notes only for the counselor who wrote them. Clients do
    not read counselor notes (403). Most recent first."""
    client = visible_client(request, client_id)
    if not any(rule.sees_any(request.user) for rule in KINDS.values()):
        raise HttpError(
            403,
            "Counselor notes are read by the counselor and the clinic's "
            "supervisors and administrators, not by clients.",
        )
    notes = Note.objects.visible_to(request.user).filter(client=client).select_related("author")
    return client_page(
        request,
        client,
        notes,
        kind=kind,
        limit=limit,
        offset=offset,
        target=services.target,
        detail="notes",
    )
