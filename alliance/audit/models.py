import hashlib
import json
from datetime import UTC

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only a clinic's administrators browse its audit trail."""
        if not user.is_authenticated or user.role != "admin":
            return self.none()
        return self.filter(clinic_id=user.clinic_id)


class AuditEvent(models.Model):
    """One read or write of a client's record (or a security event), append-only.

    Each row carries the hash of the row before it, so altering or removing a row breaks the
    chain at that point; `alliance audit verify` finds the first break. Ids are stored as plain
    values rather than foreign keys so that no later deletion can cascade into the trail.
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

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
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()
