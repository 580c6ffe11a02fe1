"""Alerts, repairs, the client's concerns and the two-view comparison over the API.

Alerts are seen by the client's counselor and the clinic's supervisors and administrators;
a client gets 404 from every alert operation, as anyone does for a record not theirs.
"""

import enum
import uuid
from datetime import date, datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.access import get_visible_or_404
from alliance.alerts import actions, comparison
from alliance.alerts.models import CONCERN_MAX, NOTE_MAX, Alert, RepairKind
from alliance.alerts.models import Status as AlertStatus
from alliance.alerts.presenting import alert_detail_out, alert_out, concern_of
from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.schemas import Detail, idempotency_key

router = Router(tags=["alerts"])

MAX_LIMIT = 500

# A concern's key has always been at most 64 characters; the other writes allow 255.
ConcernKey = idempotency_key(max_length=64)


class SuggestionOut(Schema):
    text: str
    citation: str | None
    action: str | None


class AlertOut(Schema):
    id: int
    client_id: int
    rule: str
    severity: str
    status: str
    evidence: dict[str, Any]
    suggestions: list[SuggestionOut]
    created_at: datetime


class AlertList(Schema):
    items: list[AlertOut]
    count: int


class RepairOut(Schema):
    id: int
    kind: str
    note: str
    recorded_by_id: int
    created_at: datetime


class ActionOut(Schema):
    kind: str
    label: str
    note_required: bool


class ConcernOut(Schema):
    id: int
    client_id: int
    text: str
    created_at: datetime


class AlertDetailOut(AlertOut):
    title: str
    status_text: str
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    closed_at: datetime | None
    actions: list[ActionOut] = Field(
        description="The kinds of action this alert accepts now: rupture repairs for an "
        "alliance alert, reviews for an outcome alert, risk actions for a risk alert; empty "
        "once it is closed for good."
    )
    repairs: list[RepairOut]
    follow_ups: list[dict[str, Any]]
    concern: ConcernOut | None = Field(
        description="For an alert raised by the client saying something isn't working: "
        "their words, as they wrote them."
    )


class RepairIn(Schema):
    kind: RepairKind
    note: str = Field("", max_length=NOTE_MAX)


class StatusFilter(enum.StrEnum):
    ACTIVE = "active"
    OPEN = AlertStatus.OPEN.value
    ACKNOWLEDGED = AlertStatus.ACKNOWLEDGED.value
    REPAIRED = AlertStatus.REPAIRED.value
    STILL_LOW = AlertStatus.STILL_LOW.value
    RECOVERED = AlertStatus.RECOVERED.value
    REVIEWED = AlertStatus.REVIEWED.value


class ConcernIn(Schema):
    text: str | None = Field(None, max_length=CONCERN_MAX)


class PartsOut(Schema):
    goal: int | float
    task: int | float
    bond: int | float
    total: int | float


class ItemOut(Schema):
    item_id: str
    text: str
    subscale: str | None
    client: int | float
    predicted: int | float
    gap: int | float


class SessionViewsOut(Schema):
    session_id: int
    date: date
    client: PartsOut
    predicted: PartsOut
    gap: PartsOut
    agreement: dict[str, str]
    summary: str
    items: list[ItemOut]


class AllianceOut(Schema):
    sessions: list[SessionViewsOut]


def _visible_alert(request, alert_id: int) -> Alert:
    return get_visible_or_404(
        Alert.objects.visible_to(request.user).select_related("client__user", "client__counselor"),
        alert_id,
    )


@router.get(
    "/clients/{client_id}/alliance",
    response=AllianceOut,
    summary="The two views of the alliance, session by session",
)
def get_alliance(request, client_id: int):
    """Each session where the client answered `wai-sr` and the counselor `wai-sr-predicted`,
    oldest first: subscale and total sums for both views, the gap (predicted minus client),
    whether they agree on each part, a plain-language summary, and item by item.

    A client sees it unless their clinic hides the comparison from clients (then `sessions`
    is empty). A counselor sees a session only once their own prediction is in, so a
    prediction is never made after seeing the client's answers.
    """
    client = visible_client(request, client_id)
    audit.record(request, "read", audit.for_client(client), detail="alliance comparison")
    if not comparison.can_see_comparison(request.user, client):
        return {"sessions": []}
    audience = "client" if request.user.is_client else "counselor"
    sessions = comparison.sessions_compared(client, reader=request.user, audience=audience)
    return {"sessions": sessions}


@router.get("/alerts", response=AlertList, summary="Alerts about the clients you see")
def list_alerts(
    request,
    client_id: int | None = Query(None, ge=1, le=2**62),
    status: StatusFilter | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=2**31),
):
    """Most recent first. `status=active` gives every alert not yet recovered. Clients have no
    alerts to list (404)."""
    if request.user.is_client:
        raise HttpError(404, "Not found")
    alerts = Alert.objects.visible_to(request.user).select_related("client")
    if client_id is not None:
        client = visible_client(request, client_id)
        alerts = alerts.filter(client=client)
    if status == StatusFilter.ACTIVE:
        alerts = alerts.active()
    elif status is not None:
        alerts = alerts.filter(status=status.value)
    count = alerts.count()
    items = list(alerts.order_by("-created_at", "-pk")[offset : offset + limit])
    withheld = comparison.withheld_for(request.user, items)
    targets = [audit.for_object(a, a.client) for a in items]
    audit.record(request, "list", targets)
    return {"items": [alert_out(a, withheld) for a in items], "count": count}


@router.get("/alerts/{alert_id}", response=AlertDetailOut, summary="One alert")
def get_alert(request, alert_id: int):
    """The alert with its evidence, follow-ups, what has been recorded about it, the kinds of
    action it accepts (`actions`) and, for a concern, the client's own words (`concern`)."""
    alert = _visible_alert(request, alert_id)
    concern = concern_of(alert)
    targets = [audit.for_object(alert, alert.client)]
    if concern is not None:
        targets.append(audit.for_object(concern, alert.client))
    audit.record(request, "read", targets)
    return alert_detail_out(alert, request.user, concern)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertDetailOut, 403: Detail},
    summary="Acknowledge an alert",
)
def acknowledge_alert(request, alert_id: int):
    """By the client's counselor or a clinic supervisor. Acknowledging again changes nothing."""
    alert = _visible_alert(request, alert_id)
    actions.acknowledge(alert, user=request.user, request=request)
    return Status(200, alert_detail_out(alert, request.user))


@router.post(
    "/alerts/{alert_id}/repair",
    response={201: AlertDetailOut, 403: Detail, 409: Detail},
    summary="Record a repair, a review or a risk action",
)
def repair_alert(request, alert_id: int, payload: RepairIn):
    """What was done (`kind`, one of the alert's `actions`, and a `note`, required where the
    action says so). A kind the alert does not accept is a 422: a rupture repair on a risk
    alert, say.

    After a repair an alliance or behaviour alert waits for the client's next check-in:
    `recovered` when the measure is back at its earlier level, otherwise `still_low`, followed
    up again at the next one. A review closes an outcome alert, and a risk action a risk
    alert (`reviewed`): those never close on later scores. The client's counselor records;
    a clinic supervisor may record a risk review too."""
    alert = _visible_alert(request, alert_id)
    actions.record_repair(
        alert, user=request.user, kind=payload.kind.value, note=payload.note, request=request
    )
    return Status(201, alert_detail_out(alert, request.user))


@router.post(
    "/clients/{client_id}/concerns",
    response={201: ConcernOut, 403: Detail},
    summary="Tell your counselor something isn't working",
)
def create_concern(request, client_id: int, payload: ConcernIn, idempotency_key: ConcernKey = None):
    """The client only, about their own care; `text` is optional. The counselor gets an alert.
    Repeating a request with the same `Idempotency-Key` stores one concern."""
    client = visible_client(request, client_id)
    concern, _ = actions.raise_concern(
        client,
        user=request.user,
        text=payload.text,
        key=idempotency_key or uuid.uuid4().hex,
        request=request,
    )
    return Status(
        201,
        {
            "id": concern.pk,
            "client_id": client.pk,
            "text": concern.text,
            "created_at": concern.created_at,
        },
    )
