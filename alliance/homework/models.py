"""Tasks between sessions, agreed like goals, and the client's logs of how they went.

A task is an agreed record (`alliance.agreement`), serving one of the client's goals. Every piece
of free text here is about the client, so it is encrypted at rest (see `alliance.goals.models`);
length limits are validators, checked by the forms, the API and the services.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.agreement.models import NOTE_MAX, agreed_record, end_proposal, version_record
from alliance.crypto import EncryptedTextField
from alliance.goals.models import ClientRecordQuerySet, Goal
from alliance.records import key_once

TASK_TEXT_MAX = 500
FREQUENCY_MAX = 100
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
        return self.select_related("client", "goal").prefetch_related(Task.prefetch_pending_end())


AgreedTask = agreed_record("task", TaskStatus, ended_at="dropped_at")


class Task(AgreedTask):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="tasks")
    text = EncryptedTextField(validators=[MaxLengthValidator(TASK_TEXT_MAX)])
    frequency = EncryptedTextField(blank=True, validators=[MaxLengthValidator(FREQUENCY_MAX)])

    objects = TaskQuerySet.as_manager()

    def snapshot(self) -> dict:
        """What a version keeps: the wording, how often, and the goal it serves."""
        return {"text": self.text, "frequency": self.frequency, "goal_id": self.goal_id}


class TaskVersion(version_record(Task, written="task_versions", unique="homework_version_unique")):
    text = EncryptedTextField(validators=[MaxLengthValidator(TASK_TEXT_MAX)])
    frequency = EncryptedTextField(blank=True, validators=[MaxLengthValidator(FREQUENCY_MAX)])
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="+")

    objects = TaskChildQuerySet.as_manager()


class TaskDrop(
    end_proposal(
        Task, related_name="drops", proposed="task_drops", pending="homework_one_pending_drop"
    )
):
    """Dropping a task takes both sides: one proposes with a note, the other confirms."""

    objects = TaskChildQuerySet.as_manager()

    verb = "drop"
    gerund = "dropping"
    note_needed = "Add a note: why should this task be dropped?"
    question = "Drop this task?"
    confirm_label = "Yes, drop it"
    keep_label = "No, keep it"
    ends_as = TaskStatus.DROPPED


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
            key_once("task", name="homework_log_idempotency"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.status}"
