"""The client's data export: GET /api/v1/clients/{client_id}/export."""

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from alliance.care.api import visible_client
from alliance.interop import export

router = Router(tags=["export"])


class ExportOut(Schema):
    format: str
    version: int
    exported_at: datetime
    about: str
    you: dict[str, Any]
    sessions: list[dict[str, Any]]
    check_ins: list[dict[str, Any]]
    values: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    journal: list[dict[str, Any]]
    concerns: list[dict[str, Any]]


@router.get(
    "/clients/{client_id}/export",
    response=ExportOut,
    summary="Everything the client may see about themself (the client only)",
)
def export_client(request, client_id: int):
    """The client's own copy of their record, as their pages show it: sessions, check-ins,
    goals, tasks, their whole journal and the concerns they raised.

    Only the client downloads it; for anyone else the record answers 404, as if it did not
    exist. Staff read a client's record through the other operations, each under its own
    access rule, and never receive the client's private journal entries."""
    client = visible_client(request, client_id)
    if not client.is_own_record(request.user):
        raise Http404("Not found")
    return export.export_for(request, client)
