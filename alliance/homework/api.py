"""Tasks between sessions and the client's logs under /api/v1/.

A task's operations as an agreed record (list, read, propose, change, agree, every version,
drop) are the agreement mechanism's (`alliance.agreement.api.RecordApi`), with the same access
as goals: the client and their counselor write, supervisors and administrators of the clinic
read (403 on writes), anyone else 404. Only the client logs a task. Refusals are answered by
the API's one handler (`alliance.api`).
"""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from alliance.agreement.api import (
    AgreedOut,
    Id,
    ProposalOut,
    RecordApi,
    VersionNumber,
    VersionOut,
    agreed_record,
    proposal_out,
)
from alliance.agreement.services import targets
from alliance.audit import services as audit
from alliance.homework import services
from alliance.homework.glance import glance
from alliance.homework.models import (
    FIT_MAX,
    FIT_MIN,
    FREQUENCY_MAX,
    NOTE_MAX,
    TASK_TEXT_MAX,
    Task,
)
from alliance.schemas import Detail

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


class TaskOut(Schema):
    id: int
    client_id: int
    goal_id: int
    text: str
    frequency: str
    status: str
    version: int
    agreed: AgreedOut
    drop: ProposalOut | None = Field(description="A proposal to drop the task, if waiting.")
    logs: GlanceOut
    created_at: datetime
    updated_at: datetime
    dropped_at: datetime | None


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


class TaskVersionOut(VersionOut):
    goal_id: int
    text: str
    frequency: str


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


def task_out(task: Task, summary=None) -> dict:
    """A task read `with_relations()`, with the summary of its logs (read here if not given)."""
    if summary is None:
        summary = glance([task.pk])[task.pk]
    drop = task.pending_end
    return {
        **agreed_record(task),
        "goal_id": task.goal_id,
        "text": task.text,
        "frequency": task.frequency,
        "drop": proposal_out(drop) if drop else None,
        "logs": summary.as_dict(),
        "dropped_at": task.dropped_at,
    }


def task_outs(tasks) -> list[dict]:
    """Many tasks, with their logs summed up in two queries for all of them."""
    summaries = glance(t.pk for t in tasks)
    return [task_out(t, summaries[t.pk]) for t in tasks]


tasks = RecordApi(router, Task, out=TaskOut, shape=task_out, shapes=task_outs)
tasks.create(TaskIn, services.propose_task)
tasks.update(TaskPatch, services.edit_task)
tasks.versions(TaskVersionOut)
tasks.ending(
    DropIn,
    ProposalOut,
    proposal_out,
    segment="drop",
    description="With a note; the task is dropped when the other side confirms.",
)


@router.post(
    "/tasks/{task_id}/logs",
    response={200: LogOut, 201: LogOut, 403: Detail},
    summary="Log a go at a task (the client)",
)
def create_log(request, task_id: int, payload: LogIn):
    """Send an `Idempotency-Key` header to make retries safe: the same key stores one log and
    answers 200 with it."""
    task = tasks.record(request, task_id)
    log, created = services.log_task(
        request.user,
        task,
        payload.status,
        payload.fit,
        payload.note,
        fit_required=True,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        request=request,
    )
    return Status(201 if created else 200, log)


@router.get("/tasks/{task_id}/logs", response=LogList, summary="The client's logs of a task")
def list_logs(request, task_id: int):
    task = tasks.record(request, task_id)
    logs = list(task.logs.order_by("-logged_at", "-id"))
    audit.record(
        request, "list", targets(task.client, *logs) or audit.for_object(task, task.client)
    )
    return {"items": logs, "count": len(logs)}
