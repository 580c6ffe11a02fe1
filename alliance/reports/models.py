"""What the clinic figures read: a summary of each client's check-ins, kept as they arrive.

The figures for a clinic are about people, so they read one `OutcomeSummary` row per client
rather than every check-in; the prediction accuracy reads one `PredictionGap` row per session
where both views of the alliance were given, with its differences already worked out, so the
database adds them up. Both are derived data: `summary.rebuild` makes them again from the
check-ins at any time (`alliance analytics_rebuild`), and `receivers` keeps them current inside
the transaction that stores each check-in.

Every row carries its clinic, so the tables can be distributed by clinic with the rest.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.accounts.models import Clinic
from alliance.care.models import Client, Session


class OutcomeSummary(models.Model):
    """One client's course of care as the clinic figures need it.

    `series` holds every session at which both outcome measures were answered, as JSON text
    `[[day, depression total, anxiety total], …]` in order, and `alliance` the client's first
    three alliance check-ins `[[day, total], …]`. They are text, not JSON fields, so that the
    usual reading (a period running to the present) never decodes them: the outcome of the
    whole course is kept beside them, worked out by the same function as the client's own.
    """

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="outcome_summary"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    paired = models.PositiveIntegerField(default=0)
    # A client counts in a period once they have two measured sessions, so from the second.
    second_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    series = models.TextField(default="[]")
    # The outcome from the first to the last measured session (None before there are two).
    caseness_start = models.BooleanField(null=True)
    recovered = models.BooleanField(null=True)
    reliable_improvement = models.BooleanField(null=True)
    reliable_deterioration = models.BooleanField(null=True)
    reliable_recovery = models.BooleanField(null=True)
    depression_change = models.FloatField(null=True, blank=True)
    alliance = models.TextField(default="[]")
    alliance_mean = models.FloatField(null=True, blank=True)
    # The day of the last of the (up to three) alliance check-ins in `alliance_mean`.
    alliance_last_day = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["clinic", "last_day"])]

    def __str__(self):
        return f"Outcome summary for client {self.client_id}"


# The parts of the alliance form a prediction is compared on, one column each so that the
# database sums them: the total, the three subscales and the twelve items of the WAI-SR
# (`alliance/psychometrics/instruments/wai-sr.json`; a test checks they still match).
TOTAL = "total"
SUBSCALES = ("goal", "task", "bond")
ITEMS = tuple(f"wai_{n}" for n in range(1, 13))
PARTS = (TOTAL, *SUBSCALES, *ITEMS)


class PredictionGap(models.Model):
    """How far a counselor's prediction was from the client's own alliance answers at one
    session: predicted minus given, for the total, each subscale sum and each item."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    total = models.SmallIntegerField()
    goal = models.SmallIntegerField()
    task = models.SmallIntegerField()
    bond = models.SmallIntegerField()
    wai_1 = models.SmallIntegerField()
    wai_2 = models.SmallIntegerField()
    wai_3 = models.SmallIntegerField()
    wai_4 = models.SmallIntegerField()
    wai_5 = models.SmallIntegerField()
    wai_6 = models.SmallIntegerField()
    wai_7 = models.SmallIntegerField()
    wai_8 = models.SmallIntegerField()
    wai_9 = models.SmallIntegerField()
    wai_10 = models.SmallIntegerField()
    wai_11 = models.SmallIntegerField()
    wai_12 = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["clinic", "day"])]

    def __str__(self):
        return f"Prediction gap for session {self.session_id}"
