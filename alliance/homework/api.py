"""Tasks between sessions and the client's logs under /api/v1/.

Same access as goals: the client and their counselor write, supervisors and administrators
of the clinic read (403 on writes), anyone else 404. Only the client logs a task.
"""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import Field

from alliance.access import get_visible_or_404
from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.goals.api import (
    AgreedOut,
    AgreeIn,
    AnswerIn,
    Detail,
    Id,
    PersonOut,
    VersionNumber,
    answers_errors,
    person,
)
from alliance.homework import services
from alliance.homework.glance import glance
from alliance.homework.models import (
    FIT_MAX,
    FIT_MIN,
    FREQUENCY_MAX,
    NOTE_MAX,
    TASK_TEXT_MAX,
    Task,
    TaskDrop,
    TaskLog,
)

router = Router(tags=["tasks"])


class GlanceOut(Schema):
    logs: int
    done: int
    partly: int
    not_done: int
    completion: int | None = Field(description="Percent done, counting partly as half.")
    mean_fit: float | None
    fit_count: int
    last_logged_at: datetime | None


class DropOut(Schema):
    id: int
    note: str
    side: str
    proposed_by: PersonOut
    proposed_at: datetime
    answer: str
    answered_at: datetime | None


class TaskOut(Schema):
    id: int
    client_id: int
    goal_id: int
    text: str
    frequency: str
    status: str
    version: int
    agreed: AgreedOut
    drop: DropOut | None = Field(description="A proposal to drop the task, if waiting.")
    logs: GlanceOut
    created_at: datetime
    updated_at: datetime
    dropped_at: datetime | None


class TaskList(Schema):
    items: list[TaskOut]
    count: int


class TaskConflict(Schema):
    detail: str
    current: TaskOut


class TaskIn(Schema):
    goal_id: Id
    text: str = Field(max_length=TASK_TEXT_MAX)
    frequency: str = Field(default="", max_length=FREQUENCY_MAX, description="How often.")


class TaskPatch(Schema):
    version: VersionNumber = Field(description="The version the change is based on.")
    goal_id: Id | None = None
    text: str | None = Field(default=None, max_length=TASK_TEXT_MAX)
    frequency: str | None = Field(default=None, max_length=FREQUENCY_MAX)


class DropIn(Schema):
    note: str = Field(max_length=NOTE_MAX)
    version: VersionNumber


class TaskVersionOut(Schema):
    number: int
    goal_id: int
    text: str
    frequency: str
    author: PersonOut
    side: str
    created_at: datetime
    agreed_at: dict[str, datetime | None]


class TaskVersionList(Schema):
    items: list[TaskVersionOut]
    count: int


class LogIn(Schema):
    status: Literal["done", "partly", "not_done"]
    fit: int = Field(strict=True, ge=FIT_MIN, le=FIT_MAX, description="How well did it fit you?")
    note: str = Field(default="", max_length=NOTE_MAX)


class LogOut(Schema):
    id: int
    task_id: int
    status: str
    fit: int | None
    note: str
    logged_at: datetime


class LogList(Schema):
    items: list[LogOut]
    count: int


def task_queryset(user):
    return Task.objects.visible_to(user).with_relations()


def visible_task(request, task_id) -> Task:
    return get_visible_or_404(task_queryset(request.user), task_id)


def drop_out(drop: TaskDrop) -> dict:
    return {
        "id": drop.pk,
        "note": drop.note,
        "side": drop.side,
        "proposed_by": person(drop.proposed_by),
        "proposed_at": drop.proposed_at,
        "answer": drop.answer,
        "answered_at": drop.answered_at,
    }


def task_out(task: Task, summary=None) -> dict:
    if not hasattr(task, "pending_drops"):
        # Re-read after a write; access was checked when the task was first reached.
        task = Task.objects.filter(pk=task.pk).with_relations().get()
    if summary is None:
        summary = glance([task.pk])[task.pk]
    drop = task.pending_drops[0] if task.pending_drops else None
    return {
        "id": task.pk,
        "client_id": task.client_id,
        "goal_id": task.goal_id,
        "text": task.text,
        "frequency": task.frequency,
        "status": task.status,
        "version": task.version,
        "agreed": task.agreed,
        "drop": drop_out(drop) if drop else None,
        "logs": summary.as_dict(),
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "dropped_at": task.dropped_at,
    }


def log_out(log: TaskLog) -> dict:
    return {
        "id": log.pk,
        "task_id": log.task_id,
        "status": log.status,
        "fit": log.fit,
        "note": log.note,
        "logged_at": log.logged_at,
    }


def _targets(client, objects):
    return [audit.for_object(obj, client) for obj in objects]


@router.get("/clients/{client_id}/tasks", response=TaskList, summary="The client's tasks")
def list_tasks(request, client_id: int):
    client = visible_client(request, client_id)
    tasks = list(task_queryset(request.user).filter(client=client).order_by("created_at", "id"))
    summaries = glance(t.pk for t in tasks)
    audit.record(request, "list", _targets(client, tasks) or audit.for_client(client))
    return {"items": [task_out(t, summaries[t.pk]) for t in tasks], "count": len(tasks)}


@router.post(
    "/clients/{client_id}/tasks",
    response={201: TaskOut, 403: Detail},
    summary="Propose a task for a goal",
)
@answers_errors(task_out)
def create_task(request, client_id: int, payload: TaskIn):
    client = visible_client(request, client_id)
    task = services.propose_task(
        request.user, client, payload.goal_id, payload.text, payload.frequency, request=request
    )
    return Status(201, task_out(task))


@router.get("/tasks/{task_id}", response=TaskOut, summary="One task")
def get_task(request, task_id: int):
    task = visible_task(request, task_id)
    audit.record(request, "read", audit.for_object(task, task.client))
    return task_out(task)


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, 403: Detail, 409: TaskConflict},
    summary="Change a task",
)
@answers_errors(task_out)
def update_task(request, task_id: int, payload: TaskPatch):
    """A new version from `version`; the editor agrees to it, the other side must again.
    Based on an old version: 409 with the current task, nothing changed."""
    task = visible_task(request, task_id)
    changes = payload.dict(exclude_unset=True)
    changes.pop("version")
    kwargs = {}
    if "text" in changes:
        kwargs["text"] = changes["text"]
    if "frequency" in changes:
        kwargs["frequency"] = changes["frequency"] or ""
    if "goal_id" in changes:
        kwargs["goal_id"] = changes["goal_id"]
    result = services.edit_task(request.user, task, payload.version, request=request, **kwargs)
    return task_out(result.task)


@router.post(
    "/tasks/{task_id}/agree",
    response={200: TaskOut, 403: Detail, 409: TaskConflict},
    summary="Agree to the current version of a task",
)
@answers_errors(task_out)
def agree_task(request, task_id: int, payload: AgreeIn):
    task = visible_task(request, task_id)
    return task_out(services.agree_to_task(request.user, task, payload.version, request=request))


@router.get("/tasks/{task_id}/versions", response=TaskVersionList, summary="Every version")
def list_task_versions(request, task_id: int):
    task = visible_task(request, task_id)
    versions = list(task.versions.select_related("author").order_by("number"))
    audit.record(request, "read", _targets(task.client, versions))
    items = [
        {
            "number": v.number,
            "goal_id": v.goal_id,
            "text": v.text,
            "frequency": v.frequency,
            "author": person(v.author),
            "side": v.side,
            "created_at": v.created_at,
            "agreed_at": {"client": v.client_agreed_at, "counselor": v.counselor_agreed_at},
        }
        for v in versions
    ]
    return {"items": items, "count": len(items)}


@router.post(
    "/tasks/{task_id}/drop",
    response={201: DropOut, 403: Detail, 409: TaskConflict},
    summary="Propose dropping a task",
)
@answers_errors(task_out)
def propose_drop(request, task_id: int, payload: DropIn):
    task = visible_task(request, task_id)
    drop = services.propose_drop(request.user, task, payload.note, payload.version, request=request)
    return Status(201, drop_out(drop))


@router.post(
    "/tasks/{task_id}/drop/confirm",
    response={200: TaskOut, 403: Detail, 409: TaskConflict},
    summary="Confirm the other side's proposal to drop",
)
@answers_errors(task_out)
def confirm_drop(request, task_id: int, payload: AnswerIn):
    task = visible_task(request, task_id)
    return task_out(services.answer_drop(request.user, task, True, payload.note, request=request))


@router.post(
    "/tasks/{task_id}/drop/decline",
    response={200: TaskOut, 403: Detail, 409: TaskConflict},
    summary="Decline (or, as proposer, withdraw) a proposal to drop",
)
@answers_errors(task_out)
def decline_drop(request, task_id: int, payload: AnswerIn):
    task = visible_task(request, task_id)
    return task_out(services.answer_drop(request.user, task, False, payload.note, request=request))


@router.post(
    "/tasks/{task_id}/logs",
    response={200: LogOut, 201: LogOut, 403: Detail},
    summary="Log a go at a task (the client)",
)
@answers_errors(task_out)
def create_log(request, task_id: int, payload: LogIn):
    """Send an `Idempotency-Key` header to make retries safe: the same key stores one log and
    answers 200 with it."""
    task = visible_task(request, task_id)
    key = request.headers.get("Idempotency-Key", "")
    if key and not services.IDEMPOTENCY_KEY.match(key):
        loc = ["header", "Idempotency-Key"]
        message = "An idempotency key is 8 to 64 letters, digits or - _ . :"
        raise ValidationError([{"loc": loc, "msg": message, "type": "value_error"}])
    log, created = services.log_task(
        request.user,
        task,
        payload.status,
        payload.fit,
        payload.note,
        fit_required=True,
        idempotency_key=key,
        request=request,
    )
    return Status(201 if created else 200, log_out(log))


@router.get("/tasks/{task_id}/logs", response=LogList, summary="The client's logs of a task")
def list_logs(request, task_id: int):
    task = visible_task(request, task_id)
    logs = list(task.logs.order_by("-logged_at", "-id"))
    audit.record(
        request, "list", _targets(task.client, logs) or audit.for_object(task, task.client)
    )
    return {"items": [log_out(log) for log in logs], "count": len(logs)}
