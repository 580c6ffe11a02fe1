"""Alerts raised by the rules, the counselor's repairs, the client's concerns, clinic settings.

An alert is about one client and is seen by those who see the client's record, except the
client: alerts are the counselor's working notes about the relationship, so a client never
sees an alert's internals (every route answers 404). The client sees the comparison of the
two views and their own concerns.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.accounts.models import Clinic
from alliance.alerts.families import KIND_LABELS, status_words
from alliance.care.models import Client
from alliance.crypto import EncryptedTextField
from alliance.records import changed_by, key_once

NOTE_MAX = 2000
CONCERN_MAX = 2000


class Severity(models.TextChoices):
    URGENT = "urgent", "Urgent"
    ATTENTION = "attention", "Needs attention"
    INFO = "info", "For information"


# Most urgent first: the caseload and the inbox sort by this.
SEVERITY_RANK = {Severity.URGENT: 0, Severity.ATTENTION: 1, Severity.INFO: 2}


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REPAIRED = "repaired", "Repair recorded, waiting for the next check-in"
    STILL_LOW = "still_low", "Still low after the repair"
    RECOVERED = "recovered", "Recovered"
    # Outcome and risk alerts close only here, when someone records a review.
    REVIEWED = "reviewed", "Reviewed"


ACTIVE_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED, Status.REPAIRED, Status.STILL_LOW)
CLOSED_STATUSES = (Status.RECOVERED, Status.REVIEWED)
# Waiting for the next observation to tell whether the repair held.
FOLLOWING_STATUSES = (Status.REPAIRED, Status.STILL_LOW)


class RepairKind(models.TextChoices):
    """Every kind of action recorded about an alert; which an alert accepts depends on its
    rule's family (`families.actions_for`): rupture repairs, outcome reviews, risk actions."""

    # Immediate and expressive repair moves, after Eubanks, Muran & Safran (2018).
    EXPLORED = "explored", KIND_LABELS["explored"]
    ACKNOWLEDGED_PART = "acknowledged_part", KIND_LABELS["acknowledged_part"]
    REVISITED_GOALS = "revisited_goals", KIND_LABELS["revisited_goals"]
    RENEGOTIATED_TASKS = "renegotiated_tasks", KIND_LABELS["renegotiated_tasks"]
    EXPLAINED = "explained", KIND_LABELS["explained"]
    CHANGED_APPROACH = "changed_approach", KIND_LABELS["changed_approach"]
    SAFETY = "safety", KIND_LABELS["safety"]
    REACHED_OUT = "reached_out", KIND_LABELS["reached_out"]
    OTHER = "other", KIND_LABELS["other"]
    # Reviews of an outcome alert.
    REVIEWED_WITH_CLIENT = "reviewed_with_client", KIND_LABELS["reviewed_with_client"]
    PLAN_CHANGED = "plan_changed", KIND_LABELS["plan_changed"]
    SUPERVISION = "supervision", KIND_LABELS["supervision"]
    # Risk actions (risk_assessed and referred_on also review an outcome alert).
    RISK_ASSESSED = "risk_assessed", KIND_LABELS["risk_assessed"]
    SAFETY_PLAN = "safety_plan", KIND_LABELS["safety_plan"]
    CLIENT_CONTACTED = "client_contacted", KIND_LABELS["client_contacted"]
    REFERRED_ON = "referred_on", KIND_LABELS["referred_on"]
    EMERGENCY_SERVICES = "emergency_services", KIND_LABELS["emergency_services"]


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who see the client's record see its alerts; clients never see any."""
        if not user.is_authenticated or user.is_client:
            return self.none()
        return self.filter(client__in=Client.objects.visible_to(user))

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class Alert(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    # The client's clinic, kept on the row so a supervisor's inbox is one indexed range.
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=40)
    subject = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    evidence = models.JSONField(default=dict)
    scopes = models.JSONField(default=list)
    # Each follow-up after a repair: {"at", "status", "details"}.
    follow_ups = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = changed_by("alerts_acknowledged")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "status", "created_at"]),
            models.Index(fields=["client", "status"]),
        ]
        constraints = [
            # The same evidence evaluated twice (a retried request, a re-run sweep, two
            # workers at once) never makes a second alert.
            models.UniqueConstraint(
                fields=["client", "rule", "key"], name="alerts_alert_once_per_evidence"
            ),
            # While an alert about a subject is open, later findings about it belong to that
            # alert's follow-up rather than to a new alert.
            models.UniqueConstraint(
                fields=["client", "rule", "subject"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="alerts_alert_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="alerts_alert_severity_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="alerts_alert_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.rule} for {self.client} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def get_status_display(self) -> str:
        # "Recovered" and "still low" are words about the alliance; each family has its own.
        return status_words(self.rule, self.status)

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


class Repair(models.Model):
    """What the counselor did about an alert; the next check-in tells whether it held."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="repairs")
    kind = models.CharField(max_length=20, choices=RepairKind.choices)
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repairs_recorded"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.alert_id})"


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The client's own concerns, and the concerns of clients a staff member sees."""
        return self.filter(client__in=Client.objects.visible_to(user))


class Concern(models.Model):
    """The client's "something isn't working", with their words if they gave any."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="concerns")
    text = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A double tap on a phone sends the form twice; the key keeps one concern.
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            key_once("client", name="alerts_concern_key_once"),
        ]

    def __str__(self):
        return f"Concern from {self.client} on {self.created_at:%Y-%m-%d}"


class ClinicAlertSettings(models.Model):
    """A clinic's own thresholds (within the ranges in thresholds.json) and display choices."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="alert_settings")
    # {rule: {param: value, "enabled": bool}}, checked by rules.check_overrides on save.
    thresholds = models.JSONField(default=dict)
    show_comparison_to_clients = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "clinic alert settings"

    def __str__(self):
        return f"Alert settings for {self.clinic}"
