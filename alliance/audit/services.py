"""Writing and checking the audit trail."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connection, transaction
from django.utils import timezone

from alliance.audit.models import GENESIS, AuditEvent

# Any fixed number: the advisory lock that serialises appends to the chain on PostgreSQL.
# SQLite needs none, its write lock is taken at BEGIN IMMEDIATE.
CHAIN_LOCK = 7_406_011


@dataclass(frozen=True)
class Target:
    """What an event is about."""

    object_type: str
    object_id: object = ""
    client_id: int | None = None
    clinic_id: int | None = None


def client_ip(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    # Hash the address as the database will store it: IPv6 is kept in its compressed form,
    # and a row hashed over another spelling would fail `audit verify` once read back.
    return AuditEvent._meta.get_field("ip").get_prep_value(address)


def record(request, action: str, targets, *, actor=None, via: str | None = None, detail=""):
    """Append one event per target, chained, in the caller's transaction."""
    if isinstance(targets, Target):
        targets = [targets]
    targets = list(targets)
    if not targets:
        return []
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if via is None:
        via = getattr(request, "audit_via", "web") if request is not None else "cli"
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = prev or GENESIS
        events = []
        for target in targets:
            event = AuditEvent(
                at=now,
                actor_id=actor.pk if actor else None,
                actor_email=actor.email if actor else "",
                action=action,
                object_type=target.object_type,
                object_id=str(target.object_id or ""),
                client_id=target.client_id,
                clinic_id=target.clinic_id
                if target.clinic_id is not None
                else getattr(actor, "clinic_id", None),
                ip=client_ip(request),
                via=via,
                detail=detail[:300],
                prev_hash=prev,
            )
            event.hash = event.compute_hash()
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
    return events


def for_client(client) -> Target:
    return Target("Client", client.pk, client_id=client.pk, clinic_id=client.clinic_id)


def for_object(obj, client) -> Target:
    return Target(type(obj).__name__, obj.pk, client_id=client.pk, clinic_id=client.clinic_id)


def verify_chain():
    """Return (count, None) when every row is intact, or (count, message) at the first break."""
    expected_prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != expected_prev:
            return count, (
                f"row {event.pk}: the row before it was removed or altered "
                f"(expected previous hash {expected_prev[:12]}…, found {event.prev_hash[:12]}…)"
            )
        if event.compute_hash() != event.hash:
            return count, f"row {event.pk}: contents were altered after it was written"
        expected_prev = event.hash
    return count, None
