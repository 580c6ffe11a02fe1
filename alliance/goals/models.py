"""Goals set together: the client's words, agreed by both sides, versioned, with a GAS scale.

A goal is an agreed record (`alliance.agreement`): agreement is kept as the version number each
side last agreed to, so any edit (a new version) clears the other side's agreement without
touching it, and the history keeps what each side agreed to and when. On top of that a goal has
its own parts: the values it serves, its attainment scale and weight, each side's ratings, and
requests to revisit it.

Every piece of free text here is about the client, so it is encrypted at rest: the database
cannot compare, sort or search it, and the few rows of one client are compared in Python
instead. Length limits are validators, checked by the forms, the API and the services.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.agreement.models import NOTE_MAX, agreed_record, end_proposal, version_record
from alliance.care.models import Client, Side
from alliance.crypto import EncryptedTextField
from alliance.errors import Invalid
from alliance.goals.fields import EncryptedJSONField
from alliance.goals.signals import goal_closed

GOAL_TEXT_MAX = 500
WHY_MAX = 2000
LEVEL_TEXT_MAX = 300
VALUE_TEXT_MAX = 80
VALUES_PER_CLIENT = 12
WEIGHT_MAX = 10

# Kiresuk & Sherman's five levels; the keys are how the API names them.
LEVELS = (-2, -1, 0, 1, 2)
LEVEL_NAMES = {
    -2: "Much less than expected",
    -1: "Less than expected",
    0: "The expected outcome",
    1: "Better than expected",
    2: "Much better than expected",
}


def level_label(level: int) -> str:
    """−2, −1, 0, +1, +2: the sign always shown, with a true minus sign."""
    if level > 0:
        return f"+{level}"
    if level < 0:
        return f"\u2212{-level}"
    return "0"


def level_in_range(name: str) -> models.CheckConstraint:
    """A level is one of the five on the scale, −2 to +2, whatever writes the row."""
    return models.CheckConstraint(condition=Q(level__gte=-2, level__lte=2), name=name)


class OnScale:
    """A row that stands at one `level` of a goal's scale: a level's words or a rating."""

    @property
    def label(self) -> str:
        return level_label(self.level)


class ClientRecordQuerySet(models.QuerySet):
    """Rows that belong to one client, reached through `Client.objects.visible_to`.

    Subclasses name the path from the row to its client.
    """

    client_path = "client"

    def visible_to(self, user):
        return self.filter(**{f"{self.client_path}__in": Client.objects.visible_to(user)})

    def writable_by(self, user):
        return self.filter(**{f"{self.client_path}__in": Client.objects.writable_by(user)})


class GoalChildQuerySet(ClientRecordQuerySet):
    client_path = "goal__client"


class Value(models.Model):
    """One of the short list of things that matter to the client, kept by the client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="values")
    # Unique per client, ignoring case: checked by the services, which hold the client's row.
    text = EncryptedTextField(validators=[MaxLengthValidator(VALUE_TEXT_MAX)])
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    ACHIEVED = "achieved", "Achieved"
    RETIRED = "retired", "Retired"


OPEN_STATUSES = (GoalStatus.PROPOSED, GoalStatus.AGREED)
CLOSED_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.RETIRED)


class GoalQuerySet(ClientRecordQuerySet):
    def with_relations(self):
        """Everything a goal is shown with, in a fixed number of queries for any number."""
        return self.select_related("client", "client__user", "client__counselor").prefetch_related(
            "values",
            "levels",
            Goal.prefetch_pending_end(),
            models.Prefetch(
                "revisits",
                queryset=Revisit.objects.filter(resolved_at__isnull=True).select_related(
                    "requested_by"
                ),
                to_attr="open_revisits",
            ),
        )


AgreedGoal = agreed_record("goal", GoalStatus, ended_at="closed_at")


class Goal(AgreedGoal):
    text = EncryptedTextField(validators=[MaxLengthValidator(GOAL_TEXT_MAX)])
    why = EncryptedTextField(blank=True, validators=[MaxLengthValidator(WHY_MAX)])
    values = models.ManyToManyField(Value, blank=True, related_name="goals")
    # The goal's weight in the GAS summary score; part of the scale both agree to.
    weight = models.PositiveSmallIntegerField(default=1)

    objects = GoalQuerySet.as_manager()

    class Meta(AgreedGoal.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_MAX), name="goals_goal_weight_range"
            ),
        ]

    def on_agreed(self, version, user, at) -> None:
        # A request to revisit is answered once the goal was changed after it and both agreed.
        self.revisits.filter(resolved_at__isnull=True, created_at__lt=version.created_at).update(
            resolved_at=at, resolved_by=user, resolution=Revisit.Resolution.REVISED
        )

    def on_ended(self, closure, user, at) -> list:
        """A closed goal answers its requests to revisit, and `goal_closed` is announced: the
        apps above act on it and return what they changed."""
        self.revisits.filter(resolved_at__isnull=True).update(
            resolved_at=at, resolved_by=user, resolution=Revisit.Resolution.CLOSED
        )
        answers = goal_closed.send(sender=Goal, goal=self, closure=closure, user=user, at=at)
        return [record for _, changed in answers for record in changed or ()]

    def snapshot(self) -> dict:
        """What a version keeps: the wording, the values by name, the scale and its weight."""
        levels = {str(level.level): level.text for level in self.levels.all()}
        return {
            "text": self.text,
            "why": self.why,
            "values": [value.text for value in self.values.all()],
            "levels": levels or None,
            "weight": self.weight,
        }


class VersionKind(models.TextChoices):
    PROPOSED = "proposed", "Proposed the goal"
    EDITED = "edited", "Changed the wording"
    SCALE = "scale", "Wrote the attainment scale"


class GoalVersion(
    version_record(Goal, written="goal_versions", unique="goals_version_unique_number")
):
    """What the goal said at one version, who wrote it, and when each side agreed to it."""

    kind = models.CharField(max_length=10, choices=VersionKind.choices)
    text = EncryptedTextField(validators=[MaxLengthValidator(GOAL_TEXT_MAX)])
    why = EncryptedTextField(blank=True, validators=[MaxLengthValidator(WHY_MAX)])
    # Snapshots, so renaming or removing a value or rewriting the scale leaves history intact.
    # The column is not called "values", an SQL keyword: raw SQL over every sealed column
    # (`alliance keys rotate`) does not quote names.
    values = EncryptedJSONField(default=list, db_column="value_names")
    levels = EncryptedJSONField(null=True, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)

    objects = GoalChildQuerySet.as_manager()


class ScaleLevel(OnScale, models.Model):
    """One of the five Goal Attainment Scaling levels of a goal, in words written together."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="levels")
    level = models.SmallIntegerField()
    text = EncryptedTextField(validators=[MaxLengthValidator(LEVEL_TEXT_MAX)])

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "level"], name="goals_scale_unique_level"),
            level_in_range("goals_scale_level_range"),
        ]

    def __str__(self):
        return f"{level_label(self.level)}: {self.text[:40]}"

    @property
    def name(self) -> str:
        return LEVEL_NAMES[self.level]


class Rating(OnScale, models.Model):
    """One side's view of where the goal stands on its scale, at one moment."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    side = models.CharField(max_length=10, choices=Side.choices)
    level = models.SmallIntegerField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_ratings"
    )
    rated_at = models.DateTimeField(default=timezone.now)
    # The goal version whose scale was rated: a later rewrite of the levels does not
    # silently change what an earlier rating meant.
    goal_version = models.PositiveIntegerField()

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["rated_at", "id"]
        indexes = [models.Index(fields=["goal", "side", "rated_at"])]
        constraints = [
            level_in_range("goals_rating_level_range"),
        ]

    def __str__(self):
        return f"{self.side} rated {level_label(self.level)}"


class Revisit(models.Model):
    """A request from one side to talk the goal over again, with the reason the other sees."""

    class Resolution(models.TextChoices):
        REVISED = "revised", "The goal was changed and agreed again"
        TALKED = "talked", "Talked over and kept as it is"
        CLOSED = "closed", "The goal was closed"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="revisits")
    side = models.CharField(max_length=10, choices=Side.choices)
    reason = EncryptedTextField(validators=[MaxLengthValidator(NOTE_MAX)])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_revisits"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goal_revisits_resolved",
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Revisit {self.goal_id} asked by {self.side}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Closure(
    end_proposal(
        Goal,
        related_name="closures",
        proposed="goal_closures",
        pending="goals_one_pending_closure",
    )
):
    """Closing a goal takes both sides: one proposes achieved or retired with a note, the
    other confirms (or declines). The proposer may withdraw; an edit to the goal withdraws it
    too, since the proposal was about the wording it replaced."""

    class Outcome(models.TextChoices):
        ACHIEVED = GoalStatus.ACHIEVED.value, "Achieved"
        RETIRED = GoalStatus.RETIRED.value, "Retired"

    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    objects = GoalChildQuerySet.as_manager()

    verb = "close"
    gerund = "closing"
    note_needed = "Add a note: what was reached, or why the goal is being set aside."
    keep_label = "Not yet, keep working on it"

    def __str__(self):
        return f"Close {self.goal_id} as {self.outcome}"

    @classmethod
    def check_allowed(cls, goal, outcome=None, **fields) -> None:
        if outcome not in cls.Outcome.values:
            raise Invalid("Choose achieved or retired.", field="outcome")
        if outcome == GoalStatus.ACHIEVED and goal.status != GoalStatus.AGREED:
            raise Invalid(
                "A goal is achieved once both of you have agreed to it. "
                "Agree to it first, or propose retiring it.",
                field="outcome",
            )

    @property
    def ends_as(self) -> str:
        return self.outcome

    @property
    def question(self) -> str:
        return f"Close this goal as {self.get_outcome_display().lower()}?"

    @property
    def confirm_label(self) -> str:
        return f"Yes, mark it {self.get_outcome_display().lower()}"
