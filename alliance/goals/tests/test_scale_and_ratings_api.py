from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.conftest import send_json
from alliance.goals import services
from alliance.goals.models import Goal, GoalStatus, Rating, ScaleLevel
from alliance.goals.tests.helpers import LEVELS, make_goal
from alliance.psychometrics.gas import gas_t_score


def test_it_writes_the_scale_as_a_new_version_that_needs_the_other_side(personas, api_as):
    goal = make_goal(personas, agreed=True)
    response = send_json(
        api_as(personas.c1), "PUT", f"/api/v1/goals/{goal.pk}/scale", {"levels": LEVELS}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scale"] == {"levels": LEVELS, "weight": 1}
    assert body["version"] == 2 and body["agreed"] == {"client": False, "counselor": True}
    assert ScaleLevel.objects.filter(goal=goal).count() == 5
    agreed = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/agree", {"version": 2}
    )
    assert agreed.json()["status"] == "agreed"


def test_it_accepts_plus_signs_and_a_weight(personas, api_as):
    goal = make_goal(personas)
    levels = {"-2": "a", "-1": "b", "0": "c", "+1": "d", "+2": "e"}
    response = send_json(
        api_as(personas.a.user),
        "PUT",
        f"/api/v1/goals/{goal.pk}/scale",
        {"levels": levels, "weight": 3, "version": 1},
    )
    assert response.status_code == 200
    assert response.json()["scale"]["levels"]["2"] == "e"
    assert response.json()["scale"]["weight"] == 3


def test_it_refuses_a_scale_based_on_an_old_version(personas, api_as):
    goal = make_goal(personas)
    send_json(
        api_as(personas.c1), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "New"}
    )
    response = send_json(
        api_as(personas.a.user),
        "PUT",
        f"/api/v1/goals/{goal.pk}/scale",
        {"levels": LEVELS, "version": 1},
    )
    assert response.status_code == 409
    assert response.json()["current"]["text"] == "New"
    assert not ScaleLevel.objects.exists()


@pytest.mark.parametrize(
    "levels, message",
    [
        ({k: v for k, v in LEVELS.items() if k != "2"}, "missing: +2"),
        ({**{k: v for k, v in LEVELS.items() if k != "1"}, "1": "d", "+1": "d2"}, "given twice"),
        ({**LEVELS, "1": LEVELS["0"]}, "say the same thing"),
        ({**LEVELS, "0": "  "}, "Describe level 0"),
        ({**LEVELS, "3": "Beyond"}, "is not a level"),
        ({**LEVELS, "0": "x" * 301}, "at most 300"),
        ({}, "missing"),
    ],
)
def test_it_refuses_an_incomplete_or_duplicate_scale(personas, api_as, levels, message):
    goal = make_goal(personas)
    response = send_json(
        api_as(personas.a.user), "PUT", f"/api/v1/goals/{goal.pk}/scale", {"levels": levels}
    )
    assert response.status_code == 422
    messages = " ".join(error["msg"] for error in response.json()["detail"])
    assert message in messages
    assert not ScaleLevel.objects.exists()
    assert Goal.objects.get().version == 1


def test_it_refuses_a_weight_out_of_range(personas, api_as):
    goal = make_goal(personas)
    for weight in [0, 11, 2.5, "3"]:
        response = send_json(
            api_as(personas.a.user),
            "PUT",
            f"/api/v1/goals/{goal.pk}/scale",
            {"levels": LEVELS, "weight": weight},
        )
        assert response.status_code == 422
    assert not ScaleLevel.objects.exists()


def test_it_keeps_ratings_per_side_with_timestamps(personas, api_as):
    goal = make_goal(personas, scale=True, agreed=True)
    mine = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": -1}
    )
    theirs = send_json(
        api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": 0}
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["side"] == "client" and theirs.json()["side"] == "counselor"
    assert mine.json()["rated_at"] and mine.json()["goal_version"] == 2
    listing = api_as(personas.supervisor).get(f"/api/v1/goals/{goal.pk}/ratings").json()
    assert [(r["side"], r["level"]) for r in listing["items"]] == [("client", -1), ("counselor", 0)]


@pytest.mark.parametrize("level", [3, -3, 2.5, "1", True, None, 2**40])
def test_it_refuses_a_rating_outside_the_scale(personas, api_as, level):
    goal = make_goal(personas, scale=True)
    response = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": level}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "level"
    assert not Rating.objects.exists()


def test_it_refuses_a_rating_before_there_is_a_scale(personas, api_as):
    goal = make_goal(personas)
    response = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": 0}
    )
    assert response.status_code == 422
    assert "no scale yet" in response.json()["detail"][0]["msg"]
    assert not Rating.objects.exists()


def test_it_refuses_ratings_by_readers(personas, api_as):
    goal = make_goal(personas, scale=True)
    response = send_json(
        api_as(personas.admin), "POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": 0}
    )
    assert response.status_code == 403
    assert not Rating.objects.exists()


def rate(user, goal, level, days_ago):
    goal = Goal.objects.select_related("client").get(pk=goal.pk)
    return services.rate_goal(user, goal, level, at=timezone.now() - timedelta(days=days_ago))


def test_it_scores_goal_attainment_from_each_sides_latest_ratings(personas, api_as):
    first = make_goal(personas, scale=True, agreed=True)
    second = make_goal(personas, text="Sleep by eleven", scale=True, agreed=True)
    services.set_scale(
        personas.c1, second, LEVELS, weight=3, version=Goal.objects.get(pk=second.pk).version
    )
    rate(personas.a.user, first, -2, 10)
    rate(personas.a.user, first, 1, 3)  # the latest counts
    rate(personas.a.user, second, 0, 3)
    rate(personas.c1, first, 0, 2)
    body = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/gas").json()
    assert set(body) >= {"t_score", "goals", "history"}
    assert body["t_score"] == round(gas_t_score([1, 0], [1, 3], 0.3), 1)
    assert body["t_score_counselor"] == round(gas_t_score([0], [1], 0.3), 1) == 50.0
    goals = {g["id"]: g for g in body["goals"]}
    assert goals[first.pk]["client"]["level"] == 1 and goals[first.pk]["counselor"]["level"] == 0
    assert goals[second.pk]["weight"] == 3 and goals[second.pk]["counselor"] is None


def test_it_gives_the_score_over_time_by_day(personas, api_as):
    goal = make_goal(personas, scale=True, agreed=True)
    rate(personas.a.user, goal, -2, 20)
    rate(personas.c1, goal, -1, 10)
    rate(personas.a.user, goal, 0, 10)
    rate(personas.a.user, goal, 2, 1)
    history = api_as(personas.a.user).get(f"/api/v1/clients/{personas.a.pk}/gas").json()["history"]
    assert [(h["client"], h["counselor"]) for h in history] == [
        (round(gas_t_score([-2]), 1), None),
        (50.0, round(gas_t_score([-1]), 1)),
        (round(gas_t_score([2]), 1), round(gas_t_score([-1]), 1)),
    ]
    assert history == sorted(history, key=lambda h: h["date"])


def test_it_leaves_retired_goals_out_of_the_score(personas, api_as):
    kept = make_goal(personas, scale=True, agreed=True)
    dropped = make_goal(personas, text="Old goal", scale=True, agreed=True)
    rate(personas.a.user, kept, 1, 2)
    rate(personas.a.user, dropped, -2, 2)
    Goal.objects.filter(pk=dropped.pk).update(status=GoalStatus.RETIRED)
    body = api_as(personas.a.user).get(f"/api/v1/clients/{personas.a.pk}/gas").json()
    assert [g["id"] for g in body["goals"]] == [kept.pk]
    assert body["t_score"] == round(gas_t_score([1]), 1)


def test_it_answers_gas_with_nothing_rated(personas, api_as):
    body = api_as(personas.a.user).get(f"/api/v1/clients/{personas.a.pk}/gas").json()
    assert body == {
        "t_score": None,
        "t_score_counselor": None,
        "rho": 0.3,
        "goals": [],
        "history": [],
    }
