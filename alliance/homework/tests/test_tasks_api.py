import pytest

from alliance.conftest import send_json
from alliance.goals.models import GoalStatus
from alliance.goals.tests.helpers import make_goal
from alliance.homework.models import Task, TaskDrop, TaskStatus, TaskVersion
from alliance.homework.tests.helpers import make_task


def test_it_creates_a_task_for_a_goal_in_the_specified_shape(personas, api_as):
    goal = make_goal(personas, agreed=True)
    response = send_json(
        api_as(personas.c1),
        "POST",
        f"/api/v1/clients/{personas.a.pk}/tasks",
        {"goal_id": goal.pk, "text": "Ring her on Sunday", "frequency": "weekly"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["goal_id"], body["text"], body["frequency"]) == (
        goal.pk,
        "Ring her on Sunday",
        "weekly",
    )
    assert body["status"] == "proposed" and body["version"] == 1
    assert body["agreed"] == {"client": False, "counselor": True}
    assert body["logs"]["logs"] == 0 and body["logs"]["completion"] is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"text": ""}, "text"),
        ({"text": "t" * 501}, "text"),
        ({"frequency": "f" * 101}, "frequency"),
        ({"goal_id": 2**62}, "goal_id"),
        ({"goal_id": 0}, "goal_id"),
        ({"text": "nul\u0000"}, "text"),
    ],
)
def test_it_refuses_bad_tasks_and_stores_nothing(personas, api_as, change, field):
    goal = make_goal(personas)
    body = {"goal_id": goal.pk, "text": "Ring her", **change}
    response = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/clients/{personas.a.pk}/tasks", body
    )
    assert response.status_code == 422
    assert any(field in e["loc"] for e in response.json()["detail"])
    assert not Task.objects.exists()


def test_it_refuses_a_task_for_another_clients_goal_or_a_closed_goal(personas, api_as):
    theirs = make_goal(personas, client=personas.b)
    closed = make_goal(personas, text="Old")
    closed.status = GoalStatus.RETIRED
    closed.save()
    for goal, message in [(theirs, "Choose one of the client's goals."), (closed, "closed")]:
        response = send_json(
            api_as(personas.a.user),
            "POST",
            f"/api/v1/clients/{personas.a.pk}/tasks",
            {"goal_id": goal.pk, "text": "Ring her"},
        )
        assert response.status_code == 422 and message in response.json()["detail"][0]["msg"]
    assert not Task.objects.exists()


def test_it_revises_a_task_as_a_new_version_both_agree_to(personas, api_as):
    task = make_task(personas, agreed=True)
    response = send_json(
        api_as(personas.a.user),
        "PATCH",
        f"/api/v1/tasks/{task.pk}",
        {"version": 1, "frequency": "daily"},
    )
    assert response.status_code == 200
    assert response.json()["agreed"] == {"client": True, "counselor": False}
    assert response.json()["status"] == "proposed"
    agreed = send_json(
        api_as(personas.c1), "POST", f"/api/v1/tasks/{task.pk}/agree", {"version": 2}
    )
    assert agreed.json()["status"] == "agreed"
    versions = api_as(personas.a.user).get(f"/api/v1/tasks/{task.pk}/versions").json()
    assert [(v["number"], v["frequency"]) for v in versions["items"]] == [
        (1, "weekly"),
        (2, "daily"),
    ]


def test_it_answers_a_stale_task_edit_with_409_and_the_current_task(personas, api_as):
    task = make_task(personas)
    send_json(api_as(personas.c1), "PATCH", f"/api/v1/tasks/{task.pk}", {"version": 1, "text": "A"})
    response = send_json(
        api_as(personas.a.user), "PATCH", f"/api/v1/tasks/{task.pk}", {"version": 1, "text": "B"}
    )
    assert response.status_code == 409
    assert response.json()["current"]["text"] == "A"
    assert Task.objects.get().text == "A" and TaskVersion.objects.count() == 2


def test_it_drops_a_task_only_when_both_agree(personas, api_as):
    task = make_task(personas, agreed=True)
    proposed = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/tasks/{task.pk}/drop",
        {"note": "Sunday evenings are too busy", "version": 1},
    )
    assert proposed.status_code == 201
    assert Task.objects.get().status == TaskStatus.AGREED
    assert (
        send_json(
            api_as(personas.a.user), "POST", f"/api/v1/tasks/{task.pk}/drop/confirm"
        ).status_code
        == 422
    )
    confirmed = send_json(api_as(personas.c1), "POST", f"/api/v1/tasks/{task.pk}/drop/confirm")
    assert confirmed.json()["status"] == "dropped" and confirmed.json()["dropped_at"]
    again = send_json(
        api_as(personas.c1), "PATCH", f"/api/v1/tasks/{task.pk}", {"version": 1, "text": "X"}
    )
    assert again.status_code == 409


def test_it_keeps_a_task_when_the_drop_is_declined(personas, api_as):
    task = make_task(personas, agreed=True)
    send_json(
        api_as(personas.c1),
        "POST",
        f"/api/v1/tasks/{task.pk}/drop",
        {"note": "Swap it", "version": 1},
    )
    declined = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/tasks/{task.pk}/drop/decline",
        {"note": "I like it"},
    )
    assert declined.json()["status"] == "agreed" and declined.json()["drop"] is None
    assert TaskDrop.objects.get().answer == "declined"


def test_it_refuses_a_drop_without_a_note(personas, api_as):
    task = make_task(personas, agreed=True)
    response = send_json(
        api_as(personas.c1), "POST", f"/api/v1/tasks/{task.pk}/drop", {"note": "", "version": 1}
    )
    assert response.status_code == 422 and not TaskDrop.objects.exists()


def test_it_refuses_task_writes_by_readers_and_hides_tasks_from_others(personas, api_as):
    task = make_task(personas)
    assert (
        send_json(
            api_as(personas.supervisor), "PATCH", f"/api/v1/tasks/{task.pk}", {"version": 1}
        ).status_code
        == 403
    )
    for user in [personas.b.user, personas.c2, personas.other_client.user]:
        assert api_as(user).get(f"/api/v1/tasks/{task.pk}").status_code == 404
    listing = api_as(personas.supervisor).get(f"/api/v1/clients/{personas.a.pk}/tasks").json()
    assert listing["count"] == 1
