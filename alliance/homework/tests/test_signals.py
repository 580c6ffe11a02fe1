"""What tasks do when a goal closes (`goal_closed`), and what they announce (`task_logged`)."""

import pytest

from alliance.audit.models import AuditEvent
from alliance.goals import services as goals
from alliance.goals.tests.helpers import last_event_id, make_goal
from alliance.homework import services
from alliance.homework.models import Task, TaskDrop, TaskLog, TaskStatus
from alliance.homework.signals import task_logged
from alliance.homework.tests.helpers import make_task


def test_closing_a_goal_drops_its_open_tasks_in_the_same_audit_event(personas):
    goal = make_goal(personas, agreed=True)
    agreed = make_task(personas, goal=goal, agreed=True)
    waiting = make_task(personas, goal=goal, text="Write to her")
    services.propose_drop(personas.c1, waiting, "Too much at once", waiting.version)
    elsewhere = make_task(personas, agreed=True)
    goals.propose_closure(personas.a.user, goal, "achieved", "I call her now", goal.version)
    before = last_event_id()
    goals.answer_closure(personas.c1, goal, True)
    for task in (agreed, waiting):
        task.refresh_from_db()
        assert (task.status, task.dropped_at is not None) == (TaskStatus.DROPPED, True)
        drop = TaskDrop.objects.get(task=task, answer="confirmed")
        assert drop.note == "The goal was closed as achieved."
        assert (drop.proposed_by, drop.answered_by) == (personas.a.user, personas.c1)
    assert TaskDrop.objects.get(task=waiting, proposed_by=personas.c1).answer == "superseded"
    assert Task.objects.get(pk=elsewhere.pk).status == TaskStatus.AGREED
    named = set(
        AuditEvent.objects.filter(pk__gt=before, action="close_confirmed").values_list(
            "object_type", "object_id"
        )
    )
    assert {("Goal", str(goal.pk)), ("Task", str(agreed.pk)), ("Task", str(waiting.pk))} <= named
    assert {t for t, _ in named} == {"Goal", "Closure", "Task", "TaskDrop"}


def test_a_declined_close_leaves_the_tasks_alone(personas):
    goal = make_goal(personas, agreed=True)
    task = make_task(personas, goal=goal, agreed=True)
    goals.propose_closure(personas.a.user, goal, "retired", "Moved on", goal.version)
    goals.answer_closure(personas.c1, goal, False)
    task.refresh_from_db()
    assert task.status == TaskStatus.AGREED and not TaskDrop.objects.exists()


def test_it_announces_each_stored_log_and_only_a_new_one(personas):
    task = make_task(personas, agreed=True)
    heard = []

    def receiver(sender, task_log, **kwargs):
        heard.append((sender, task_log.pk, TaskLog.objects.filter(pk=task_log.pk).exists()))

    task_logged.connect(receiver)
    try:
        log, _ = services.log_task(personas.a.user, task, "done", 4, idempotency_key="retry-123")
        services.log_task(personas.a.user, task, "done", 4, idempotency_key="retry-123")
    finally:
        task_logged.disconnect(receiver)
    assert heard == [(TaskLog, log.pk, True)]


def test_a_receiver_that_fails_takes_the_log_back(personas):
    task = make_task(personas, agreed=True)

    def failing(sender, task_log, **kwargs):
        raise RuntimeError("the alert could not be stored")

    task_logged.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            services.log_task(personas.a.user, task, "partly", 3)
    finally:
        task_logged.disconnect(failing)
    assert not TaskLog.objects.exists()
