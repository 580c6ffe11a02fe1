import pytest

from alliance.audit.models import AuditEvent
from alliance.conftest import send_json
from alliance.goals.models import Goal, GoalVersion, Value
from alliance.goals.tests.helpers import last_event_id, make_goal


def test_it_creates_a_goal_in_the_specified_shape(personas, api_as):
    value = Value.objects.create(client=personas.a, text="Family")
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/clients/{personas.a.pk}/goals",
        {"text": "See my nephew monthly", "why": "He is growing fast", "values": [value.pk]},
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("text", "why", "status", "version", "agreed")} == {
        "text": "See my nephew monthly",
        "why": "He is growing fast",
        "status": "proposed",
        "version": 1,
        "agreed": {"client": True, "counselor": False},
    }
    assert body["values"] == [{"id": value.pk, "text": "Family"}]
    assert body["id"] == Goal.objects.get().pk


def test_it_lets_the_counselor_propose_too(personas, api_as):
    response = send_json(
        api_as(personas.c1), "POST", f"/api/v1/clients/{personas.a.pk}/goals", {"text": "Rest"}
    )
    assert response.status_code == 201
    assert response.json()["agreed"] == {"client": False, "counselor": True}


def test_it_lists_and_reads_goals(personas, api_as):
    goal = make_goal(personas)
    make_goal(personas, client=personas.b)
    listing = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/goals").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == goal.pk
    one = api_as(personas.supervisor).get(f"/api/v1/goals/{goal.pk}").json()
    assert one["text"] == goal.text and one["scale"] is None


def test_it_patches_with_the_version_and_clears_the_other_sides_agreement(personas, api_as):
    goal = make_goal(personas, agreed=True)
    response = send_json(
        api_as(personas.c1),
        "PATCH",
        f"/api/v1/goals/{goal.pk}",
        {"version": 1, "why": "She listens without judging"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["status"] == "proposed"
    assert body["agreed"] == {"client": False, "counselor": True}
    assert body["text"] == goal.text and body["why"] == "She listens without judging"


def test_it_answers_a_stale_patch_with_409_and_the_current_goal(personas, api_as):
    goal = make_goal(personas)
    send_json(api_as(personas.c1), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "A"})
    response = send_json(
        api_as(personas.a.user), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "B"}
    )
    assert response.status_code == 409
    body = response.json()
    assert "version 2" in body["detail"]
    assert body["current"]["text"] == "A" and body["current"]["version"] == 2
    assert Goal.objects.get().text == "A"
    assert GoalVersion.objects.filter(goal=goal).count() == 2


def test_it_refuses_a_patch_without_a_version(personas, api_as):
    goal = make_goal(personas)
    response = send_json(
        api_as(personas.a.user), "PATCH", f"/api/v1/goals/{goal.pk}", {"text": "B"}
    )
    assert response.status_code == 422
    assert Goal.objects.get().version == 1


def test_it_agrees_only_to_the_current_version(personas, api_as):
    goal = make_goal(personas)
    send_json(
        api_as(personas.a.user), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "B"}
    )
    stale = send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/agree", {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["agreed"]["counselor"] is False
    agreed = send_json(
        api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/agree", {"version": 2}
    )
    assert agreed.status_code == 200
    assert agreed.json()["status"] == "agreed"
    assert agreed.json()["agreed"] == {"client": True, "counselor": True}


def test_it_lists_every_version_with_its_author_and_agreement(personas, api_as):
    goal = make_goal(personas)
    send_json(api_as(personas.c1), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "B"})
    body = api_as(personas.admin).get(f"/api/v1/goals/{goal.pk}/versions").json()
    assert body["count"] == 2
    first, second = body["items"]
    assert (first["number"], first["author"]["name"], first["kind"]) == (1, "Amira", "proposed")
    assert (second["number"], second["text"], second["side"]) == (2, "B", "counselor")
    assert second["agreed_at"]["counselor"] is not None
    assert second["agreed_at"]["client"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"text": "ok", "why": "y" * 2001}, "why"),
        ({"text": "bad\u0000byte"}, "text"),
        ({"text": "ok", "values": [2**62]}, "values"),
        ({"text": "ok", "values": "family"}, "values"),
        ({"why": "no text"}, "text"),
        ({"text": 12}, "text"),
    ],
)
def test_it_refuses_bad_goals_with_422_and_stores_nothing(personas, api_as, body, field):
    response = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/clients/{personas.a.pk}/goals", body
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(field in error["loc"] for error in detail), detail
    assert all(error["msg"] for error in detail)
    assert not Goal.objects.exists()


def test_it_refuses_values_of_another_client(personas, api_as):
    theirs = Value.objects.create(client=personas.b, text="Sport")
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/clients/{personas.a.pk}/goals",
        {"text": "Run", "values": [theirs.pk]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Choose values from the client's own list."


def test_it_refuses_writes_by_readers_and_hides_goals_from_others(personas, api_as):
    goal = make_goal(personas)
    write = send_json(
        api_as(personas.supervisor), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1}
    )
    assert write.status_code == 403
    for user in [personas.b.user, personas.c2, personas.other_counselor]:
        assert api_as(user).get(f"/api/v1/goals/{goal.pk}").status_code == 404
        assert (
            send_json(
                api_as(user), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "x"}
            )
        ).status_code == 404
    assert Goal.objects.get().version == 1


@pytest.mark.parametrize("goal_id", ["0", "99999999999999999999999", "-1"])
def test_it_answers_404_for_impossible_ids(personas, api_as, goal_id):
    assert api_as(personas.a.user).get(f"/api/v1/goals/{goal_id}").status_code in {404, 422}


def test_it_audits_api_reads_and_writes(personas, api_as):
    goal = make_goal(personas)
    before = last_event_id()
    api_as(personas.c1).get(f"/api/v1/goals/{goal.pk}")
    send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/agree", {"version": 1})
    events = AuditEvent.objects.filter(pk__gt=before, object_type="Goal")
    assert list(events.values_list("action", "via")) == [("read", "api"), ("agree", "api")]
