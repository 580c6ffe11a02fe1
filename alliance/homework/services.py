"""Writes to tasks and their logs: each one transaction with its audit event.

A task is agreed like a goal, by the same mechanism (`alliance.agreement.services`): every change
is a new version the editor agrees to and the other side must agree to again, dropping a task
takes both sides, and changes are conditional UPDATEs on the version number, so of two edits
based on the same version one wins and the other is refused with the current task. What is the
tasks' own is here: the goal a task serves, the client's logs, and ending the tasks of a goal
that was closed (`goal_closed`).

A stored log is announced with `task_logged` inside the transaction that stores it, for the apps
above to act on (alerts): a receiver that fails rolls the log back with it.
"""

import re

from django.db import IntegrityError, transaction

from alliance.agreement import services as agreement
from alliance.agreement.services import Revision, clean_text, moment, targets
from alliance.audit import services as audit
from alliance.care.models import Side
from alliance.errors import Invalid, NotAllowed
from alliance.goals.models import OPEN_STATUSES as OPEN_GOAL_STATUSES
from alliance.goals.models import Goal
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
)
from alliance.homework.signals import task_logged

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def writer(user, client) -> str:
    """The side `user` writes tasks for; refused for anyone who only reads them."""
    return agreement.writer(user, client, Task)


def _clean_task_text(text):
    return clean_text(text, "text", TASK_TEXT_MAX, blank="Describe the task in a few words.")


def _clean_frequency(frequency):
    return clean_text(frequency, "frequency", FREQUENCY_MAX)


def _goal_for(client, goal_id) -> Goal:
    try:
        goal_id = int(goal_id)
    except (TypeError, ValueError):
        raise Invalid("Choose one of the client's goals.", field="goal_id")
    goal = Goal.objects.filter(client=client, pk=goal_id).first()
    if goal is None:
        raise Invalid("Choose one of the client's goals.", field="goal_id")
    if goal.status not in OPEN_GOAL_STATUSES:
        raise Invalid("That goal is closed; link the task to an open goal.", field="goal_id")
    return goal


def propose_task(user, client, goal_id, text, frequency="", *, request=None, at=None) -> Task:
    """Either side proposes a task for one of the client's open goals."""
    writer(user, client)
    goal = _goal_for(client, goal_id)
    fields = {
        "goal": goal,
        "text": _clean_task_text(text),
        "frequency": _clean_frequency(frequency),
    }
    return agreement.propose(user, client, Task, fields, request=request, at=at)


def edit_task(user, task: Task, version: int, *, request=None, at=None, **fields) -> Revision:
    """A new version from `version`; the editor agrees to it, the other side must again.
    `fields`: any of `text`, `frequency` and `goal_id`; those left out stay as they are."""
    writer(user, task.client)
    cleaners = {
        "text": _clean_task_text,
        "frequency": _clean_frequency,
        "goal_id": lambda goal_id: _goal_for(task.client, goal_id).pk,
    }
    changes = {name: cleaners[name](value) for name, value in fields.items()}
    return agreement.revise(user, task, version, changes, request=request, at=at)


# Agreeing to a task, proposing to drop it and answering that are the mechanism's. Tasks have no
# requests to revisit them, so nothing more follows from a task becoming mutual.
agree_to_task = agreement.agree
propose_drop = agreement.propose_end
answer_drop = agreement.answer_end


def drop_tasks_of_closed_goal(sender, *, goal, closure, user, at, **kwargs) -> list:
    """Closing a goal by agreement ends its open tasks with it, recorded as agreed drops; the
    tasks and drops are returned for the goal's audit event (`goal_closed` receiver)."""
    tasks = list(Task.objects.filter(goal=goal, status__in=OPEN_STATUSES))
    if not tasks:
        return []
    TaskDrop.objects.filter(task__in=tasks, answer=TaskDrop.Answer.PENDING).update(
        answer=TaskDrop.Answer.SUPERSEDED, answered_by=user, answered_at=at
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
            answered_at=at,
        )
        for task in tasks
    )
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=TaskStatus.DROPPED, dropped_at=at, updated_at=at
    )
    return tasks + drops


def clean_fit(fit, *, required: bool) -> int | None:
    if fit is None or fit == "":
        if required:
            raise Invalid("Say how well the task fit you, from 1 to 5.", field="fit")
        return None
    if isinstance(fit, bool) or not isinstance(fit, int) or not FIT_MIN <= fit <= FIT_MAX:
        raise Invalid("Choose how well the task fit you, from 1 (not at all) to 5.", field="fit")
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
    with the same idempotency key and body returns the first log and stores nothing; the same
    key with another body is refused."""
    client = task.client
    if client.side_of(user) != Side.CLIENT:
        raise NotAllowed("Only the client logs their tasks.")
    if status not in LogStatus.values:
        raise Invalid("Choose done, partly or not done.", field="status")
    fit = clean_fit(fit, required=fit_required)
    note = clean_text(note, "note", NOTE_MAX)
    key = (idempotency_key or "").strip()
    if key and not IDEMPOTENCY_KEY.match(key):
        raise Invalid(
            "An idempotency key is 8 to 64 letters, digits or - _ . :", field="idempotency_key"
        )
    with transaction.atomic():
        if key:
            earlier = TaskLog.objects.filter(task=task, idempotency_key=key).first()
            if earlier is not None:
                _same_log(earlier, status=status, fit=fit, note=note)
                audit.record(request, "read", targets(client, earlier), actor=user)
                return earlier, False
        if not Task.objects.filter(pk=task.pk, status__in=OPEN_STATUSES).exists():
            raise Invalid("This task was dropped; it is no longer logged.", field="status")
        try:
            with transaction.atomic():
                log = TaskLog.objects.create(
                    task=task,
                    status=status,
                    fit=fit,
                    note=note,
                    logged_by=user,
                    logged_at=moment(at),
                    idempotency_key=key,
                )
        except IntegrityError:
            if not key:
                raise
            # The same key sent twice at once: the other request stored the log.
            log = TaskLog.objects.get(task=task, idempotency_key=key)
            _same_log(log, status=status, fit=fit, note=note)
            audit.record(request, "read", targets(client, log), actor=user)
            return log, False
        audit.record(request, "create", targets(client, log), actor=user)
        # In this transaction: a receiver that fails takes the log back with it.
        task_logged.send(sender=TaskLog, task_log=log)
    return log, True


def _same_log(earlier: TaskLog, *, status, fit, note) -> None:
    """A retry returns the first log; the same key with another body would lose what it says."""
    if (earlier.status, earlier.fit, earlier.note) != (status, fit, note):
        raise Invalid(
            "This idempotency key was already used for a different task log; send a new key "
            "for a new log.",
            field="idempotency_key",
        )
