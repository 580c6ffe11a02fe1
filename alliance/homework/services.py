"""Writes to tasks and their logs: each one transaction with its audit event.

Tasks follow the goals' agreement rule: every change is a new version the editor agrees to and
the other side must agree to again, and dropping a task takes both sides. Changes are
conditional UPDATEs on the version number, so of two edits based on the same version one wins
and the other is refused with the current task.
"""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from alliance.alerts import services as alerts
from alliance.audit import services as audit
from alliance.goals.models import OPEN_STATUSES as OPEN_GOAL_STATUSES
from alliance.goals.models import Goal, Side, side_of
from alliance.goals.services import (
    UNCHANGED,
    Conflict,
    Problem,
    ReadOnly,
    clean_text,
)
from alliance.homework.models import (
    FIT_MAX,
    FIT_MIN,
    FREQUENCY_MAX,
    NOTE_MAX,
    OPEN_STATUSES,
    TASK_TEXT_MAX,
    LogStatus,
    Task,
    TaskDrop,
    TaskLog,
    TaskStatus,
    TaskVersion,
)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def writer_side(user, client) -> str:
    side = side_of(user, client)
    if side is None:
        raise ReadOnly("Only the client and their counselor change tasks; you can read them.")
    return side


def _now(at):
    return at or timezone.now()


def _targets(client, *objects):
    return [audit.for_object(obj, client) for obj in objects]


def current_task(pk) -> Task:
    return Task.objects.select_related("client", "goal").get(pk=pk)


def _stale(task_pk, read_version=None) -> Conflict:
    current = current_task(task_pk)
    if not current.is_open:
        return Conflict(current, "This task was dropped; it can no longer be changed.")
    latest = current.versions.select_related("author").order_by("-number").first()
    who = latest.author.name if latest else "Someone"
    if read_version:
        message = (
            f"{who} saved version {current.version} of this task while you were looking at "
            f"version {read_version}. Read the newer wording before you change or agree to it."
        )
    else:
        message = f"This task changed: it is now at version {current.version}."
    return Conflict(current, message)


def _clean_task_text(text):
    return clean_text(text, "text", TASK_TEXT_MAX, blank="Describe the task in a few words.")


def _clean_frequency(frequency):
    return clean_text(frequency, "frequency", FREQUENCY_MAX)


def _goal_for(client, goal_id) -> Goal:
    try:
        goal_id = int(goal_id)
    except (TypeError, ValueError):
        raise Problem("goal_id", "Choose one of the client's goals.")
    goal = Goal.objects.filter(client=client, pk=goal_id).first()
    if goal is None:
        raise Problem("goal_id", "Choose one of the client's goals.")
    if goal.status not in OPEN_GOAL_STATUSES:
        raise Problem("goal_id", "That goal is closed; link the task to an open goal.")
    return goal


@transaction.atomic
def propose_task(user, client, goal_id, text, frequency="", *, request=None, at=None) -> Task:
    side = writer_side(user, client)
    goal = _goal_for(client, goal_id)
    text = _clean_task_text(text)
    frequency = _clean_frequency(frequency)
    now = _now(at)
    task = Task.objects.create(
        client=client,
        goal=goal,
        text=text,
        frequency=frequency,
        status=TaskStatus.PROPOSED,
        version=1,
        created_by=user,
        created_at=now,
        updated_at=now,
        **{f"{side}_agreed_version": 1},
    )
    record = TaskVersion.objects.create(
        task=task,
        number=1,
        text=text,
        frequency=frequency,
        goal=goal,
        author=user,
        side=side,
        created_at=now,
        **{f"{side}_agreed_at": now},
    )
    audit.record(request, "create", _targets(client, task, record), actor=user)
    return task


@dataclass
class EditResult:
    task: Task
    changed: bool


def edit_task(
    user,
    task: Task,
    version: int,
    *,
    text=UNCHANGED,
    frequency=UNCHANGED,
    goal_id=UNCHANGED,
    request=None,
    at=None,
) -> EditResult:
    client = task.client
    side = writer_side(user, client)
    changes = {}
    if text is not UNCHANGED:
        changes["text"] = _clean_task_text(text)
    if frequency is not UNCHANGED:
        changes["frequency"] = _clean_frequency(frequency)
    if goal_id is not UNCHANGED:
        changes["goal_id"] = _goal_for(client, goal_id).pk
    with transaction.atomic():
        current = current_task(task.pk)
        if current.version != version or not current.is_open:
            raise _stale(task.pk, version)
        if all(getattr(current, field) == value for field, value in changes.items()):
            audit.record(request, "read", _targets(client, current), actor=user)
            return EditResult(current, False)
        now = _now(at)
        new = version + 1
        updated = Task.objects.filter(pk=task.pk, version=version, status__in=OPEN_STATUSES).update(
            version=new,
            status=TaskStatus.PROPOSED,
            updated_at=now,
            **{f"{side}_agreed_version": new},
            **changes,
        )
        if updated != 1:
            raise _stale(task.pk, version)
        current = current_task(task.pk)
        record = TaskVersion.objects.create(
            task=current,
            number=new,
            text=current.text,
            frequency=current.frequency,
            goal_id=current.goal_id,
            author=user,
            side=side,
            created_at=now,
            **{f"{side}_agreed_at": now},
        )
        TaskDrop.objects.filter(task=current, answer=TaskDrop.Answer.PENDING).update(
            answer=TaskDrop.Answer.SUPERSEDED, answered_by=user, answered_at=now
        )
        audit.record(request, "update", _targets(client, current, record), actor=user)
    return EditResult(current, True)


@transaction.atomic
def agree_to_task(user, task: Task, version: int, *, request=None, at=None) -> Task:
    client = task.client
    side = writer_side(user, client)
    now = _now(at)
    updated = Task.objects.filter(pk=task.pk, version=version, status__in=OPEN_STATUSES).update(
        **{f"{side}_agreed_version": version}
    )
    if updated != 1:
        raise _stale(task.pk, version)
    Task.objects.filter(
        pk=task.pk,
        version=version,
        status=TaskStatus.PROPOSED,
        client_agreed_version=version,
        counselor_agreed_version=version,
    ).update(status=TaskStatus.AGREED, updated_at=now)
    record = TaskVersion.objects.get(task_id=task.pk, number=version)
    if record.agreed_at(side) is None:
        setattr(record, f"{side}_agreed_at", now)
        record.save(update_fields=[f"{side}_agreed_at"])
    current = current_task(task.pk)
    audit.record(
        request, "agree", _targets(client, current, record), actor=user, detail=f"v{version}"
    )
    return current


def pending_drop(task) -> TaskDrop | None:
    return (
        TaskDrop.objects.filter(task=task, answer=TaskDrop.Answer.PENDING)
        .select_related("proposed_by")
        .first()
    )


@transaction.atomic
def propose_drop(user, task: Task, note, version: int, *, request=None, at=None) -> TaskDrop:
    client = task.client
    side = writer_side(user, client)
    note = clean_text(note, "note", NOTE_MAX, blank="Add a note: why should this task be dropped?")
    touched = Task.objects.filter(pk=task.pk, version=version, status__in=OPEN_STATUSES).update(
        updated_at=F("updated_at")
    )
    if touched != 1:
        raise _stale(task.pk, version)
    current = current_task(task.pk)
    existing = pending_drop(current)
    if existing is not None:
        raise Conflict(
            current,
            f"{existing.proposed_by.name} already proposed dropping this task; "
            "answer that proposal first.",
        )
    drop = TaskDrop.objects.create(
        task=current, note=note, side=side, proposed_by=user, proposed_at=_now(at)
    )
    audit.record(request, "propose_drop", _targets(client, drop), actor=user)
    return drop


@transaction.atomic
def answer_drop(user, task: Task, accept: bool, note="", *, request=None, at=None) -> Task:
    client = task.client
    side = writer_side(user, client)
    note = clean_text(note, "note", NOTE_MAX)
    drop = pending_drop(task)
    if drop is None:
        raise Conflict(current_task(task.pk), "No proposal to drop this task is waiting.")
    own = drop.side == side
    if accept and own:
        raise Problem(
            "accept", "You proposed this; the other side confirms it. You can withdraw it instead."
        )
    if accept:
        answer = TaskDrop.Answer.CONFIRMED
    elif own:
        answer = TaskDrop.Answer.WITHDRAWN
    else:
        answer = TaskDrop.Answer.DECLINED
    now = _now(at)
    answered = TaskDrop.objects.filter(pk=drop.pk, answer=TaskDrop.Answer.PENDING).update(
        answer=answer, answered_by=user, answered_at=now, answer_note=note
    )
    if answered != 1:
        raise Conflict(current_task(task.pk), "This proposal was already answered.")
    if accept:
        Task.objects.filter(pk=task.pk, status__in=OPEN_STATUSES).update(
            status=TaskStatus.DROPPED, dropped_at=now, updated_at=now
        )
    current = current_task(task.pk)
    audit.record(request, f"drop_{answer}", _targets(client, current, drop), actor=user)
    return current


def drop_tasks_of_closed_goal(goal, user, closure, now) -> list:
    """Closing a goal by agreement ends its open tasks with it, recorded as agreed drops."""
    tasks = list(Task.objects.filter(goal=goal, status__in=OPEN_STATUSES))
    if not tasks:
        return []
    TaskDrop.objects.filter(task__in=tasks, answer=TaskDrop.Answer.PENDING).update(
        answer=TaskDrop.Answer.SUPERSEDED, answered_by=user, answered_at=now
    )
    drops = TaskDrop.objects.bulk_create(
        TaskDrop(
            task=task,
            note=f"The goal was closed as {closure.get_outcome_display().lower()}.",
            side=closure.side,
            proposed_by=closure.proposed_by,
            proposed_at=closure.proposed_at,
            answer=TaskDrop.Answer.CONFIRMED,
            answered_by=user,
            answered_at=now,
        )
        for task in tasks
    )
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=TaskStatus.DROPPED, dropped_at=now, updated_at=now
    )
    return tasks + drops


def clean_fit(fit, *, required: bool) -> int | None:
    if fit is None or fit == "":
        if required:
            raise Problem("fit", "Say how well the task fit you, from 1 to 5.")
        return None
    if isinstance(fit, bool) or not isinstance(fit, int) or not FIT_MIN <= fit <= FIT_MAX:
        raise Problem("fit", "Choose how well the task fit you, from 1 (not at all) to 5.")
    return fit


def log_task(
    user,
    task: Task,
    status,
    fit=None,
    note="",
    *,
    fit_required=True,
    idempotency_key="",
    request=None,
    at=None,
) -> tuple[TaskLog, bool]:
    """The client notes one go at the task. Returns the log and whether it is new: a retry
    with the same idempotency key returns the first log and stores nothing."""
    client = task.client
    if side_of(user, client) != Side.CLIENT:
        raise ReadOnly("Only the client logs their tasks.")
    if status not in LogStatus.values:
        raise Problem("status", "Choose done, partly or not done.")
    fit = clean_fit(fit, required=fit_required)
    note = clean_text(note, "note", NOTE_MAX)
    key = (idempotency_key or "").strip()
    if key and not IDEMPOTENCY_KEY.match(key):
        raise Problem("idempotency_key", "An idempotency key is 8 to 64 letters, digits or - _ . :")
    with transaction.atomic():
        if key:
            earlier = TaskLog.objects.filter(task=task, idempotency_key=key).first()
            if earlier is not None:
                audit.record(request, "read", _targets(client, earlier), actor=user)
                return earlier, False
        if not Task.objects.filter(pk=task.pk, status__in=OPEN_STATUSES).exists():
            raise Problem("status", "This task was dropped; it is no longer logged.")
        try:
            with transaction.atomic():
                log = TaskLog.objects.create(
                    task=task,
                    status=status,
                    fit=fit,
                    note=note,
                    logged_by=user,
                    logged_at=_now(at),
                    idempotency_key=key,
                )
        except IntegrityError:
            if not key:
                raise
            # The same key sent twice at once: the other request stored the log.
            log = TaskLog.objects.get(task=task, idempotency_key=key)
            audit.record(request, "read", _targets(client, log), actor=user)
            return log, False
        audit.record(request, "create", _targets(client, log), actor=user)
        alerts.on_task_log(log)  # in this transaction: no task log without its alerts
    return log, True
