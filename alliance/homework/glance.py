"""Completion and fit of tasks at a glance, for the counselor's view and the client's own."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, F, Max, Q, Window
from django.db.models.functions import RowNumber

from alliance.homework.models import LogStatus, TaskLog

RECENT = 5


@dataclass
class Glance:
    logs: int = 0
    done: int = 0
    partly: int = 0
    not_done: int = 0
    fit_count: int = 0
    mean_fit: float | None = None
    last_logged_at: datetime | None = None
    # The latest few logs, newest first: a strip that shows the direction of travel.
    recent: list = field(default_factory=list)

    @property
    def completion(self) -> int | None:
        """Percent of logged goes done, counting partly as half; None before any log."""
        if not self.logs:
            return None
        # Half up, as people round: 62.5 reads as 63.
        return math.floor(100 * (self.done + 0.5 * self.partly) / self.logs + 0.5)

    def as_dict(self) -> dict:
        return {
            "logs": self.logs,
            "done": self.done,
            "partly": self.partly,
            "not_done": self.not_done,
            "completion": self.completion,
            "mean_fit": self.mean_fit,
            "fit_count": self.fit_count,
            "last_logged_at": self.last_logged_at,
        }


def glance(task_ids) -> dict[int, Glance]:
    """Two queries for any number of tasks."""
    task_ids = list(task_ids)
    result = {task_id: Glance() for task_id in task_ids}
    if not task_ids:
        return result
    rows = (
        TaskLog.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .annotate(
            logs=Count("id"),
            done=Count("id", filter=Q(status=LogStatus.DONE)),
            partly=Count("id", filter=Q(status=LogStatus.PARTLY)),
            not_done=Count("id", filter=Q(status=LogStatus.NOT_DONE)),
            fit_count=Count("fit"),
            mean_fit=Avg("fit"),
            last_logged_at=Max("logged_at"),
        )
        .order_by()
    )
    for row in rows:
        item = result[row["task_id"]]
        for key in ("logs", "done", "partly", "not_done", "fit_count", "last_logged_at"):
            setattr(item, key, row[key])
        item.mean_fit = round(row["mean_fit"], 1) if row["mean_fit"] is not None else None
    recent = (
        TaskLog.objects.filter(task_id__in=task_ids)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("task_id")],
                order_by=[F("logged_at").desc(), F("id").desc()],
            )
        )
        .filter(position__lte=RECENT)
        .order_by("task_id", "position")
    )
    for log in recent:
        result[log.task_id].recent.append(log)
    return result
