"""The client's journal: /api/v1/clients/{client_id}/journal and /api/v1/journal/{entry_id}."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.access import get_visible_or_404
from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.errors import Invalid
from alliance.journal import services
from alliance.journal.models import JOURNAL, MAX_TEXT_LENGTH, JournalEntry, Kind
from alliance.listing import client_page, page_of
from alliance.schemas import Detail, IdempotencyKey

router = Router(tags=["journal"])

MAX_LIMIT = 500


class EntryIn(Schema):
    kind: Kind
    text: str = Field(max_length=MAX_TEXT_LENGTH)
    shared: bool = False


class EntryPatch(Schema):
    kind: Kind | None = None
    text: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)
    shared: bool | None = None


class EntryOut(Schema):
    id: int
    client_id: int
    kind: Kind
    kind_label: str
    text: str
    shared: bool
    shared_at: datetime | None
    session_id: int | None
    created_at: datetime
    updated_at: datetime


EntryList = page_of(EntryOut, "EntryList")


def visible_entry(request, entry_id: int) -> JournalEntry:
    return get_visible_or_404(
        JournalEntry.objects.visible_to(request.user).select_related("client"), entry_id
    )


@router.post(
    "/clients/{client_id}/journal",
    response={201: EntryOut, 403: Detail},
    summary="Write a journal entry (the client only)",
)
def create_entry(request, client_id: int, payload: EntryIn, idempotency_key: IdempotencyKey = None):
    """Only the client writes in their journal. An entry is private unless `shared` is true;
    a shared entry is seen, read-only, by the client's counselor (never by supervisors or
    administrators). Repeating a request with the same `Idempotency-Key` returns the first
    entry and stores nothing."""
    client = visible_client(request, client_id)
    # The payload's fields are named as the service's arguments (kind, text, shared).
    entry, _ = services.write_entry(
        client, user=request.user, key=idempotency_key, request=request, **payload.dict()
    )
    return Status(201, entry)


@router.get(
    "/clients/{client_id}/journal",
    response={200: EntryList, 403: Detail},
    summary="A client's journal entries that you may see",
)
def list_entries(
    request,
    client_id: int,
    kind: Kind | None = None,
    limit: int = Query(200, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=2**31),
):
    """The client sees all their entries; their counselor only the shared ones. Supervisors
    and administrators see no journal entries at all (403). Most recent first."""
    client = visible_client(request, client_id)
    if not JOURNAL.sees_any(request.user):
        raise HttpError(
            403,
            "Journal entries are seen only by the client and, for entries "
            "they share, their counselor.",
        )
    entries = JournalEntry.objects.visible_to(request.user).filter(client=client)
    return client_page(
        request,
        client,
        entries,
        kind=kind,
        limit=limit,
        offset=offset,
        target=services.target,
        detail="journal",
    )


@router.get("/journal/{entry_id}", response=EntryOut, summary="One journal entry")
def get_entry(request, entry_id: int):
    entry = visible_entry(request, entry_id)
    audit.record(request, "read", services.target(entry, entry.client))
    return entry


@router.patch(
    "/journal/{entry_id}",
    response={200: EntryOut, 403: Detail},
    summary="Change, share or stop sharing an entry (the client only)",
)
def update_entry(request, entry_id: int, payload: EntryPatch):
    """Send any of `kind`, `text`, `shared`; what is left out stays as it is."""
    entry = visible_entry(request, entry_id)
    if payload.kind is None and payload.text is None and payload.shared is None:
        raise Invalid("Send at least one of kind, text, shared.")
    # Fields left out arrive as None, which the service reads as "keep as it is".
    return services.update_entry(entry, user=request.user, request=request, **payload.dict())


@router.delete(
    "/journal/{entry_id}",
    response={204: None, 403: Detail},
    summary="Delete an entry (the client only)",
)
def delete_entry(request, entry_id: int):
    entry = visible_entry(request, entry_id)
    services.delete_entry(entry, user=request.user, request=request)
    return Status(204, None)
