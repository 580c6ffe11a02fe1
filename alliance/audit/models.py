import hashlib
import json
from datetime import UTC

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64
# The chain of events that concern no clinic (clinic ids start at 1).
NO_CLINIC = 0


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only a clinic's administrators browse its audit trail."""
        if not user.is_authenticated or user.role != "admin":
            return self.none()
        return self.filter(clinic_id=user.clinic_id)


class AuditEvent(models.Model):
    """One read or write of a client's record (or a security event), append-only.

    Each row carries the hash of the row before it in its chain, so altering or removing a row
    breaks the chain at that point; `alliance audit verify` finds the first break. Each clinic
    has a chain of its own (`chain` is the clinic's id, 0 for events of no clinic), so an
    audited write in one clinic never waits for another clinic's. Rows written before chains
    were per clinic have no `chain` and form one chain of their own, verified as they were
    written. Removing the newest rows of a chain leaves no break; a checkpoint kept outside the
    database catches that (`alliance audit checkpoint`). Ids are stored as plain values rather
    than foreign keys so that no later deletion can cascade into the trail.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    chain = models.BigIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["chain", "id"], name="audit_chain_id")]

    def __str__(self):
        return f"{self.action} {self.object_type} {self.object_id} by {self.actor_email}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only")

    def payload(self) -> str:
        at = self.at.astimezone(UTC).isoformat(timespec="microseconds")
        fields = [
            at,
            self.actor_id,
            self.actor_email,
            self.action,
            self.object_type,
            self.object_id,
            self.client_id,
            self.clinic_id,
            self.ip,
            self.via,
            self.detail,
            self.prev_hash,
        ]
        if self.chain is not None:
            # Rows of the single chain that came first were hashed without it.
            fields.append(self.chain)
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


def chain_of(clinic_id: int | None) -> int:
    return clinic_id or NO_CLINIC


def chain_name(chain: int | None) -> str:
    if chain is None:
        return "the first chain (before chains were per clinic)"
    if chain == NO_CLINIC:
        return "the chain of events of no clinic"
    return f"clinic {chain}'s chain"


class Refusal(models.Model):
    """How often one person was refused one thing in one minute.

    The first refusal of each person, target and minute also writes an audit event; the rest
    only count here, so a flood of requests for records out of reach leaves a bounded trail
    with the full count beside it.
    """

    window = models.DateTimeField()
    who = models.CharField(max_length=80)  # "user 12", or "address 203.0.113.5" if signed out
    actor_id = models.BigIntegerField(null=True, blank=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    asked = models.CharField(max_length=300)
    ip = models.GenericIPAddressField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-window", "who"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "who", "object_type", "object_id"], name="audit_refusal_once"
            )
        ]

    def __str__(self):
        return f"{self.who} refused {self.object_type} {self.object_id} ×{self.count}"
