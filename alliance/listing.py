"""One page of a client's records for an API listing, and the audit events for what it shows."""

from ninja import Schema
from pydantic import create_model

from alliance.audit import services as audit
from alliance.care.models import Session
from alliance.errors import Invalid


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The shape of a listing: this page's `items` and the `count` of all there are."""
    return create_model(name, __base__=Schema, items=(list[item], ...), count=(int, ...))


def record_shown(request, client, records, *, target=audit.for_object, action="list", detail=""):
    """One audit event per record shown; with none shown, one for the client's record that was
    looked at, so an empty listing is in the trail too."""
    targets = [target(record, client) for record in records] or [audit.for_client(client)]
    audit.record(request, action, targets, detail=detail)


def client_page(request, client, records, *, limit, offset, kind=None, shape=None, **shown) -> dict:
    """`limit` records from `offset` of `records` (already narrowed to what the caller may
    see), only those of `kind` when one is asked for, with the count of all of them; each one
    shown is audited. Without a `shape`, the listing's schema reads each record's own fields."""
    if kind is not None:
        records = records.filter(kind=kind)
    count = records.count()
    items = list(records[offset : offset + limit])
    record_shown(request, client, items, **shown)
    return {"items": [shape(record) for record in items] if shape else items, "count": count}


def session_named(client, session_id: int | None) -> Session | None:
    """The client's session with the id an API request names, if it names one."""
    if session_id is None:
        return None
    session = Session.objects.filter(client=client, pk=session_id).first()
    if session is None:
        raise Invalid("No session with this id in this client's record.", field="session_id")
    return session
