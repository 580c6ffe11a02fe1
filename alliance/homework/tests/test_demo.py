"""The demo clinic's goals and tasks: the stories the issue asks for, the same on every run."""

import datetime

import pytest
from django.utils import timezone

from alliance.accounts import services as people
from alliance.accounts.models import User
from alliance.demo import DEMO_CLINIC, DEMO_PASSWORD, PEOPLE
from alliance.goals.demo import seed_goals
from alliance.goals.models import Goal, GoalStatus, GoalVersion, Rating, Revisit, Value
from alliance.homework.demo import seed_tasks
from alliance.homework.models import Task, TaskLog, TaskStatus

TODAY = datetime.date(2026, 3, 4)


def seed_people_goals_and_tasks():
    first, *rest = PEOPLE
    clinic, _ = people.create_clinic(DEMO_CLINIC, first.email, first.name, DEMO_PASSWORD)
    for person in rest:
        counselor = User.objects.get(email=person.counselor) if person.counselor else None
        people.add_user(clinic, person.role, person.email, person.name, counselor=counselor)
    seed_goals(clinic, TODAY)
    seed_tasks(clinic, TODAY)
    return clinic


@pytest.fixture(scope="module")
def seeded(seed_once):
    # Seeded once for the module; the test that seeds again does it inside its own transaction.
    return seed_once(seed_people_goals_and_tasks)


@pytest.fixture
def demo_clinic(seeded, db):
    return seeded


def fingerprint():
    # Sorted here: the text is sealed, and sealed text sorts in no meaningful order.
    goals = sorted(
        Goal.objects.values_list(
            "client__user__email", "text", "status", "version", "weight", "created_at"
        ),
        key=lambda row: (row[0], row[1]),
    )
    goal_texts = dict(Goal.objects.values_list("pk", "text"))
    ratings = sorted(
        (
            (goal_texts[goal], side, level, rated_at)
            for goal, side, level, rated_at in Rating.objects.values_list(
                "goal", "side", "level", "rated_at"
            )
        ),
        key=lambda row: (row[0], row[1], row[3]),
    )
    task_texts = dict(Task.objects.values_list("pk", "text"))
    logs = sorted(
        (
            (task_texts[task], status, fit, note, logged_at)
            for task, status, fit, note, logged_at in TaskLog.objects.values_list(
                "task", "status", "fit", "note", "logged_at"
            )
        ),
        key=lambda row: (row[0], row[4]),
    )
    return goals, ratings, logs


def test_it_seeds_goals_with_revisions_a_retirement_scales_ratings_and_logs(demo_clinic):
    assert GoalVersion.objects.filter(kind="edited").values("goal").distinct().count() >= 2
    assert Goal.objects.filter(status=GoalStatus.RETIRED).count() == 1
    assert Goal.objects.filter(status=GoalStatus.ACHIEVED).count() == 1
    assert Goal.objects.filter(status=GoalStatus.PROPOSED).exists()  # something waits on agreement
    assert Revisit.objects.filter(resolved_at__isnull=True).exists()
    assert Task.objects.filter(status=TaskStatus.DROPPED).count() == 2
    for email in ("sam", "priya", "jordan", "alex", "robin"):
        client_goals = Goal.objects.filter(client__user__email=f"{email}@riverside.example")
        assert client_goals.exists()
        assert Rating.objects.filter(goal__in=client_goals).exists()
        assert TaskLog.objects.filter(task__goal__in=client_goals).exists()
        assert Value.objects.filter(client__user__email=f"{email}@riverside.example").exists()
    end_of_yesterday = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time()))
    assert not TaskLog.objects.filter(logged_at__gte=end_of_yesterday).exists()
    assert not Rating.objects.filter(rated_at__gte=end_of_yesterday).exists()


def test_it_seeds_the_same_history_every_time(demo_clinic):
    first = fingerprint()
    Task.objects.all().delete()
    Goal.objects.all().delete()
    Value.objects.all().delete()
    seed_goals(demo_clinic, TODAY)
    seed_tasks(demo_clinic, TODAY)
    assert fingerprint() == first
