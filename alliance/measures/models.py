from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.care.models import Client, Session
from alliance.records import changed_by

# Every attended session, the first included: "after every session" for the alliance forms,
# "at the first session and every session" for the outcome measures.
DEFAULT_INTERVALS = {"wai-sr": 1, "wai-sr-predicted": 1, "phq9": 1, "gad7": 1}


class CheckInSchedule(models.Model):
    """Which check-ins a client's counselor asks for, and how often.

    `intervals` maps an instrument code to N: the form is due after the first attended session
    and after every Nth one from there (1 = every session). Codes absent or 0 are not asked
    for. A client without a row follows `DEFAULT_INTERVALS`.
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="checkin_schedule")
    intervals = models.JSONField(default=dict)
    updated_by = changed_by()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Check-in schedule for {self.client}"

    def interval(self, code: str) -> int:
        return int(self.intervals.get(code, 0) or 0)

    @classmethod
    def for_client(cls, client) -> "CheckInSchedule":
        """The saved schedule, or an unsaved one holding the defaults."""
        found = cls.objects.filter(client=client).first()
        return found or cls(client=client, intervals=dict(DEFAULT_INTERVALS))


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Responses in the records the person may see (the rule of `Client.visible_to`),
        without the answers the prediction lock keeps from them for now (`measures.lock`)."""
        from alliance.measures import lock

        return lock.narrow(self.filter(client__in=Client.objects.visible_to(user)), user)


class Response(models.Model):
    """One completed form, with the scores worked out when it was submitted.

    The scores are stored rather than recomputed so that a history stays as it was shown even
    if a definition's bands are revised; `instrument_version` says which version scored it.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    instrument = models.CharField(max_length=100)
    instrument_version = models.CharField(max_length=100)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responses_given"
    )
    respondent_role = models.CharField(max_length=20)
    answers = models.JSONField()
    total = models.FloatField()
    subscales = models.JSONField(default=dict)
    band = models.TextField(blank=True)
    flags = models.JSONField(default=list)
    idempotency_key = models.CharField(max_length=255)
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "instrument", "submitted_at"])]
        constraints = [
            # A retried submission finds the first one by its key instead of adding another.
            models.UniqueConstraint(
                fields=["respondent", "idempotency_key"], name="measures_response_key_once"
            ),
            # One answer to each form per session, even from two open tabs with two keys.
            models.UniqueConstraint(
                fields=["session", "instrument"],
                condition=models.Q(session__isnull=False),
                name="measures_response_once_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} for {self.client} at {self.submitted_at:%Y-%m-%d}"

    @property
    def score_total(self):
        """The total as scored: a whole number stays whole."""
        return int(self.total) if float(self.total).is_integer() else self.total

    @property
    def band_or_none(self) -> str | None:
        return self.band or None


class SkippedPrediction(models.Model):
    """The counselor chose not to predict the client's alliance answers for this session.

    Until the counselor predicts or skips, the client's WAI-SR answers for the session stay
    hidden from them; once skipped, a prediction can no longer be made (it would not be one).
    """

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="skipped_prediction"
    )
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="predictions_skipped"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Stored by the alerts app before the lock moved here; the rows stay where they are.
        db_table = "alerts_skippedprediction"

    def __str__(self):
        return f"Prediction skipped for session {self.session_id}"


class ComparisonChoice(models.Model):
    """The choice, for one client, to keep the statement-by-statement comparison of the two
    views from them: seeing each of their answers set against what their counselor expected can
    hurt some clients more than it helps. The parts (goals, tasks, bond) stay visible unless the
    clinic hides the whole comparison from its clients."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="comparison_choice"
    )
    show_items_to_client = models.BooleanField(default=True)
    updated_by = changed_by()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Comparison shown to {self.client}"
