"""Tasks between sessions, agreed like goals, and the client's logs of how they went.

Every piece of free text here is about the client, so it is encrypted at rest (see
`alliance.goals.models`); length limits are validators, checked by the forms, the API and the
services.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.care.models import Client
from alliance.crypto import EncryptedTextField
from alliance.goals.models import Agreeable, ClientRecordQuerySet, Goal, Side

TASK_TEXT_MAX = 500
FREQUENCY_MAX = 100
NOTE_MAX = 1000
FIT_MIN, FIT_MAX = 1, 5
FIT_QUESTION = "How well did this task fit you?"
FIT_LABELS = {
    1: "Not at all",
    2: "A little",
    3: "Somewhat",
    4: "Well",
    5: "Very well",
}


class TaskStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    DROPPED = "dropped", "Dropped"


OPEN_STATUSES = (TaskStatus.PROPOSED, TaskStatus.AGREED)


class TaskChildQuerySet(ClientRecordQuerySet):
    client_path = "task__client"


class TaskQuerySet(ClientRecordQuerySet):
    def with_relations(self):
        return self.select_related("client", "goal").prefetch_related(
            models.Prefetch(
                "drops",
                queryset=TaskDrop.objects.filter(answer="").select_related("proposed_by"),
                to_attr="pending_drops",
            )
        )


class Task(Agreeable):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="tasks")
    text = EncryptedTextField(validators=[MaxLengthValidator(TASK_TEXT_MAX)])
    frequency = EncryptedTextField(blank=True, validators=[MaxLengthValidator(FREQUENCY_MAX)])
    status = models.CharField(
        max_length=10, choices=TaskStatus.choices, default=TaskStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks_proposed"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    dropped_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pending_drop(self):
        """Needs `with_relations()`."""
        return self.pending_drops[0] if self.pending_drops else None


class TaskVersion(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = EncryptedTextField(validators=[MaxLengthValidator(TASK_TEXT_MAX)])
    frequency = EncryptedTextField(blank=True, validators=[MaxLengthValidator(FREQUENCY_MAX)])
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_versions"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)
    client_agreed_at = models.DateTimeField(null=True, blank=True)
    counselor_agreed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="homework_version_unique")
        ]

    def __str__(self):
        return f"{self.task_id} v{self.number}"

    def agreed_at(self, side: str):
        return getattr(self, f"{side}_agreed_at")


class TaskDrop(models.Model):
    """Dropping a task takes both sides: one proposes with a note, the other confirms."""

    class Answer(models.TextChoices):
        PENDING = "", "Waiting for an answer"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Withdrawn when the task was changed"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="drops")
    note = EncryptedTextField(validators=[MaxLengthValidator(NOTE_MAX)])
    side = models.CharField(max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_drops"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_drops_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(answer=""), name="homework_one_pending_drop"
            )
        ]

    def __str__(self):
        return f"Drop {self.task_id}"

    @property
    def is_pending(self) -> bool:
        return self.answer == self.Answer.PENDING


class LogStatus(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_DONE = "not_done", "Not done"


class TaskLog(models.Model):
    """The client's note of one go at a task: how far they got and how well it fit them."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="logs")
    status = models.CharField(max_length=10, choices=LogStatus.choices)
    fit = models.PositiveSmallIntegerField(null=True, blank=True)
    note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_logs"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # A phone on a poor connection may send the same form twice; the key keeps one log.
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [models.Index(fields=["task", "logged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fit__isnull=True) | Q(fit__gte=FIT_MIN, fit__lte=FIT_MAX),
                name="homework_log_fit_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["done", "partly", "not_done"]),
                name="homework_log_status_known",
            ),
            models.UniqueConstraint(
                fields=["task", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="homework_log_idempotency",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.status}"
