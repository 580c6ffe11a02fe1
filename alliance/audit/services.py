"""Writing and checking the audit trail."""

import hashlib
import hmac
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from alliance.audit.models import GENESIS, AuditEvent, chain_name, chain_of

# Any fixed number: with a chain's number, the advisory lock that serialises appends to that
# chain on PostgreSQL. SQLite needs none, its write lock is taken at BEGIN IMMEDIATE.
CHAIN_LOCK = 7_406_011

# Events waiting for the end of a `deferred()` block, per thread (a connection is per thread).
_pending = threading.local()


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
    ip = client_ip(request)
    events = []
    for target in targets:
        clinic_id = (
            target.clinic_id if target.clinic_id is not None else getattr(actor, "clinic_id", None)
        )
        events.append(
            AuditEvent(
                at=now,
                actor_id=actor.pk if actor else None,
                actor_email=actor.email if actor else "",
                action=action,
                object_type=target.object_type,
                object_id=str(target.object_id or "")[:64],
                client_id=target.client_id,
                clinic_id=clinic_id,
                ip=ip,
                via=via,
                detail=detail[:300],
                chain=chain_of(clinic_id),
            )
        )
    waiting = getattr(_pending, "events", None)
    if waiting is not None:
        waiting.extend(events)
        return events
    _append(events)
    return events


def _append(events: list[AuditEvent]) -> None:
    """Chain and insert the events in one statement, in the caller's transaction."""
    chains = sorted({event.chain for event in events})
    # No savepoint: a failure here fails the caller's transaction, which then stores nothing.
    with transaction.atomic(savepoint=False):
        prev = {}
        # Locks in one order, so two writers each touching two clinics cannot deadlock.
        for chain in chains:
            prev[chain] = _chain_tip(chain)
        for event in events:
            event.prev_hash = prev[event.chain]
            event.hash = event.compute_hash()
            prev[event.chain] = event.hash
        AuditEvent.objects.bulk_create(events)


@contextmanager
def deferred():
    """Hold back the events `record` makes inside the block and append them, in the order they
    were recorded, when the block ends without an error: one chain lookup and one insert for
    them all, at the end of the work.

    Use it inside the transaction that does the work, as its last step before COMMIT: on
    PostgreSQL the chain's lock is then taken only at the end, and held only until COMMIT,
    rather than for all the work after the first event. Events recorded in the block are
    written even if a savepoint inside it rolled back, so nothing in the block may record an
    event inside a savepoint whose failure it catches. A block inside another one joins it.
    """
    if getattr(_pending, "events", None) is not None:
        yield
        return
    _pending.events = events = []
    try:
        yield
    finally:
        _pending.events = None
    if events:
        _append(events)


def _chain_tip(chain: int) -> str:
    """Take the chain's lock until the transaction ends, and return its newest hash."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int, %s::int)", [CHAIN_LOCK, chain % 2**31]
            )
    tip = AuditEvent.objects.filter(chain=chain).order_by("-id").values_list("hash", flat=True)
    return tip.first() or GENESIS


def for_client(client) -> Target:
    return Target("Client", client.pk, client_id=client.pk, clinic_id=client.clinic_id)


def for_object(obj, client) -> Target:
    return Target(type(obj).__name__, obj.pk, client_id=client.pk, clinic_id=client.clinic_id)


def verify_chain(checkpoints=()):
    """Return (count, None) when every chain is intact and still holds each event the given
    checkpoints saw, at the position they saw it; else (count, message) at the first problem."""
    expected: dict[int | None, dict[int, dict]] = {}
    for checkpoint in checkpoints:
        for chain, seen in checkpoint_chains(checkpoint).items():
            expected.setdefault(chain, {})[seen["position"]] = seen
    tips: dict[int | None, str] = {}
    positions: dict[int | None, int] = {}
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        chain = event.chain
        expected_prev = tips.get(chain, GENESIS)
        where = f" (in {chain_name(chain)})"
        if event.prev_hash != expected_prev:
            return count, (
                f"row {event.pk}: the row before it was removed or altered "
                f"(expected previous hash {expected_prev[:12]}…, found {event.prev_hash[:12]}…)"
                + where
            )
        if event.compute_hash() != event.hash:
            return count, f"row {event.pk}: contents were altered after it was written" + where
        tips[chain] = event.hash
        positions[chain] = position = positions.get(chain, 0) + 1
        seen = expected.get(chain, {}).get(position)
        if seen is not None and (event.pk, event.hash) != (seen["id"], seen["hash"]):
            return count, (
                f"{chain_name(chain)}: a checkpoint saw event {seen['id']} "
                f"(hash {seen['hash'][:12]}…) at position {position}, but the trail holds "
                f"event {event.pk} (hash {event.hash[:12]}…) there: events were removed or "
                "replaced"
            )
    for chain, seen_at in expected.items():
        held = positions.get(chain, 0)
        furthest = seen_at[max(seen_at)]
        if held < furthest["position"]:
            return count, (
                f"{chain_name(chain)}: a checkpoint saw {furthest['position']} events, the "
                f"newest event {furthest['id']}, but the trail holds only {held}: the newest "
                "events were removed"
            )
    return count, None


# --- Checkpoints: the trail's newest events, anchored outside the database -------------------

CHECKPOINT_FORMAT = "alliance-audit-checkpoint/1"


class CheckpointError(Exception):
    pass


def _chain_key(chain: int | None) -> str:
    return "first" if chain is None else str(chain)


def _mac(body: dict, key: bytes) -> str:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    key = settings.AUDIT_KEY
    if not key:
        raise CheckpointError(
            "ALLIANCE_AUDIT_KEY is not set: checkpoints are signed with it, and it must not "
            "be kept in the database or beside its backups."
        )
    return key


def make_checkpoint() -> dict:
    """The position and hash of the newest event of every chain, signed with the audit key.

    Counted in one statement, so the positions and the newest ids agree with each other; a
    chain's appends are serialised by its lock, so no older event of it commits later.
    """
    key = audit_key()
    tips = (
        AuditEvent.objects.order_by()
        .values("chain")
        .annotate(position=Count("id"), newest=Max("id"))
    )
    tips = list(tips)
    hashes = dict(
        AuditEvent.objects.filter(id__in=[tip["newest"] for tip in tips]).values_list("id", "hash")
    )
    chains = {
        _chain_key(tip["chain"]): {
            "position": tip["position"],
            "id": tip["newest"],
            "hash": hashes[tip["newest"]],
        }
        for tip in tips
    }
    body = {
        "format": CHECKPOINT_FORMAT,
        "written_at": timezone.now().isoformat(timespec="seconds"),
        "chains": chains,
    }
    return {**body, "mac": _mac(body, key)}


def read_checkpoints(text: str) -> list[dict]:
    """The checkpoints in a file: one JSON document, or log lines each ending in one."""
    try:
        documents = [json.loads(text)]
    except ValueError:
        documents = []
        for line in text.splitlines():
            if "{" in line:
                try:
                    documents.append(json.loads(line[line.index("{") :]))
                except ValueError:
                    continue
    found = [d for d in documents if isinstance(d, dict) and d.get("format") == CHECKPOINT_FORMAT]
    if not found:
        raise CheckpointError("the file holds no audit checkpoint")
    return found


def check_signature(checkpoint: dict) -> None:
    body = {k: v for k, v in checkpoint.items() if k != "mac"}
    mac = checkpoint.get("mac")
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(body, audit_key())):
        raise CheckpointError(
            f"the checkpoint written at {checkpoint.get('written_at', '?')} does not carry a "
            "valid signature: it was altered, or signed with another ALLIANCE_AUDIT_KEY"
        )


def checkpoint_chains(checkpoint: dict) -> dict[int | None, dict]:
    chains = {}
    try:
        for name, seen in checkpoint["chains"].items():
            chain = None if name == "first" else int(name)
            chains[chain] = {
                "position": int(seen["position"]),
                "id": int(seen["id"]),
                "hash": str(seen["hash"]),
            }
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CheckpointError("the checkpoint is not in the expected form")
    return chains


def write_checkpoint(path: str) -> dict:
    """Write a fresh checkpoint to `path` whole or not at all (a reader never sees half)."""
    checkpoint = make_checkpoint()
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(checkpoint, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, target)
    return checkpoint
