"""Counselor notes: /api/v1/clients/{client_id}/notes."""

from datetime import datetime

from ninja import Header, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from alliance.care.api import PersonOut, visible_client
from alliance.care.models import Session
from alliance.notes import services
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind

router = Router(tags=["notes"])

MAX_LIMIT = 500


class Detail(Schema):
    detail: str


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


class NoteList(Schema):
    items: list[NoteOut]
    count: int


def note_out(note: Note) -> dict:
    return {
        "id": note.pk,
        "client_id": note.client_id,
        "kind": note.kind,
        "author": {"id": note.author_id, "name": note.author.name},
        "session_id": note.session_id,
        "text": note.text,
        "created_at": note.created_at,
    }


@router.post(
    "/clients/{client_id}/notes",
    response={201: NoteOut, 403: Detail},
    summary="Write a note (the client's counselor only)",
)
def create_note(
    request,
    client_id: int,
    payload: NoteIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """A progress note joins the clinic's record (the counselor, supervisors and
    administrators read it; the client does not). A psychotherapy note is read by its author
    alone and is left out of every listing for anyone else. `session_id`, if given, must be
    one of this client's sessions. Repeating a request with the same `Idempotency-Key`
    returns the first note and stores nothing."""
    client = visible_client(request, client_id)
    try:
        services.check_writer(request.user, client, payload.kind)
    except services.NotWriter as error:
        raise HttpError(403, error.message)
    session = None
    if payload.session_id is not None:
        session = Session.objects.filter(client=client, pk=payload.session_id).first()
        if session is None:
            raise ValidationError(
                [
                    {
                        "loc": ["body", "session_id"],
                        "msg": "No session with this id in this client's record.",
                        "type": "value_error",
                    }
                ]
            )
    try:
        note, _ = services.write_note(
            client,
            request.user,
            kind=payload.kind,
            text=payload.text,
            session=session,
            key=idempotency_key,
            request=request,
        )
    except services.NoteError as error:
        if error.status == 403:
            raise HttpError(403, error.message)
        location = (
            ["header", "Idempotency-Key"]
            if error.field == "idempotency_key"
            else ["body", error.field or "body"]
        )
        raise ValidationError([{"loc": location, "msg": error.message, "type": "value_error"}])
    return Status(201, note_out(note))


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
    if kind is not None:
        notes = notes.filter(kind=kind)
    count = notes.count()
    items = list(notes[offset : offset + limit])
    services.record_reads(request, items, client, action="list")
    return {"items": [note_out(n) for n in items], "count": count}
