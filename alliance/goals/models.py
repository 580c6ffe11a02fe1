"""Goals set together: the client's words, agreed by both sides, versioned, with a GAS scale.

Agreement is kept as the version number each side last agreed to. A goal is mutual while both
numbers equal its current version, so any edit (a new version) clears the other side's agreement
without touching it, and the history keeps what each side agreed to and when.

Every piece of free text here is about the client, so it is encrypted at rest: the database
cannot compare, sort or search it, and the few rows of one client are compared in Python
instead. Length limits are validators, checked by the forms, the API and the services.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.care.models import Client
from alliance.crypto import EncryptedTextField
from alliance.goals.fields import EncryptedJSONField

GOAL_TEXT_MAX = 500
WHY_MAX = 2000
NOTE_MAX = 1000
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


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    COUNSELOR = "counselor", "Counselor"


def side_of(user, client) -> str | None:
    """The side `user` writes for on this client's record; None for those who only read."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.CLIENT and user.pk == client.user_id:
        return Side.CLIENT
    if (
        user.role == Role.COUNSELOR
        and user.pk == client.counselor_id
        and user.clinic_id == client.clinic_id
    ):
        return Side.COUNSELOR
    return None


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


class Agreeable(models.Model):
    """Something both sides agree to, version by version."""

    version = models.PositiveIntegerField(default=1)
    client_agreed_version = models.PositiveIntegerField(default=0)
    counselor_agreed_version = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def agreed_by(self, side: str) -> bool:
        return getattr(self, f"{side}_agreed_version") == self.version

    @property
    def agreed(self) -> dict[str, bool]:
        return {side: self.agreed_by(side) for side in Side.values}

    @property
    def is_mutual(self) -> bool:
        return all(self.agreed.values())

    def waiting_for(self) -> list[str]:
        """The sides that have not agreed to the current version."""
        return [side for side in Side.values if not self.agreed_by(side)]


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
            models.Prefetch(
                "closures",
                queryset=Closure.objects.filter(answer="").select_related("proposed_by"),
                to_attr="pending_closures",
            ),
            models.Prefetch(
                "revisits",
                queryset=Revisit.objects.filter(resolved_at__isnull=True).select_related(
                    "requested_by"
                ),
                to_attr="open_revisits",
            ),
        )


class Goal(Agreeable):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="goals")
    text = EncryptedTextField(validators=[MaxLengthValidator(GOAL_TEXT_MAX)])
    why = EncryptedTextField(blank=True, validators=[MaxLengthValidator(WHY_MAX)])
    values = models.ManyToManyField(Value, blank=True, related_name="goals")
    status = models.CharField(
        max_length=10, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    # The goal's weight in the GAS summary score; part of the scale both agree to.
    weight = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goals_proposed"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_MAX), name="goals_goal_weight_range"
            ),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pending_closure(self):
        """Needs `with_relations()`."""
        return self.pending_closures[0] if self.pending_closures else None


class VersionKind(models.TextChoices):
    PROPOSED = "proposed", "Proposed the goal"
    EDITED = "edited", "Changed the wording"
    SCALE = "scale", "Wrote the attainment scale"


class GoalVersion(models.Model):
    """What the goal said at one version, who wrote it, and when each side agreed to it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=VersionKind.choices)
    text = EncryptedTextField(validators=[MaxLengthValidator(GOAL_TEXT_MAX)])
    why = EncryptedTextField(blank=True, validators=[MaxLengthValidator(WHY_MAX)])
    # Snapshots, so renaming or removing a value or rewriting the scale leaves history intact.
    # The column is not called "values", an SQL keyword: raw SQL over every sealed column
    # (`alliance keys rotate`) does not quote names.
    values = EncryptedJSONField(default=list, db_column="value_names")
    levels = EncryptedJSONField(null=True, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_versions"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)
    client_agreed_at = models.DateTimeField(null=True, blank=True)
    counselor_agreed_at = models.DateTimeField(null=True, blank=True)

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="goals_version_unique_number")
        ]

    def __str__(self):
        return f"{self.goal_id} v{self.number}"

    def agreed_at(self, side: str):
        return getattr(self, f"{side}_agreed_at")


class ScaleLevel(models.Model):
    """One of the five Goal Attainment Scaling levels of a goal, in words written together."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="levels")
    level = models.SmallIntegerField()
    text = EncryptedTextField(validators=[MaxLengthValidator(LEVEL_TEXT_MAX)])

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "level"], name="goals_scale_unique_level"),
            models.CheckConstraint(
                condition=Q(level__gte=-2, level__lte=2), name="goals_scale_level_range"
            ),
        ]

    def __str__(self):
        return f"{level_label(self.level)}: {self.text[:40]}"

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def name(self) -> str:
        return LEVEL_NAMES[self.level]


class Rating(models.Model):
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
            models.CheckConstraint(
                condition=Q(level__gte=-2, level__lte=2), name="goals_rating_level_range"
            ),
        ]

    def __str__(self):
        return f"{self.side} rated {level_label(self.level)}"

    @property
    def label(self) -> str:
        return level_label(self.level)


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


class Closure(models.Model):
    """Closing a goal takes both sides: one proposes achieved or retired with a note, the
    other confirms (or declines). The proposer may withdraw; an edit to the goal withdraws it
    too, since the proposal was about the wording it replaced."""

    class Outcome(models.TextChoices):
        ACHIEVED = GoalStatus.ACHIEVED.value, "Achieved"
        RETIRED = GoalStatus.RETIRED.value, "Retired"

    class Answer(models.TextChoices):
        PENDING = "", "Waiting for an answer"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Withdrawn when the goal was changed"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="closures")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = EncryptedTextField(validators=[MaxLengthValidator(NOTE_MAX)])
    side = models.CharField(max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_closures"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goal_closures_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])

    objects = GoalChildQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal"], condition=Q(answer=""), name="goals_one_pending_closure"
            )
        ]

    def __str__(self):
        return f"Close {self.goal_id} as {self.outcome}"

    @property
    def is_pending(self) -> bool:
        return self.answer == self.Answer.PENDING
