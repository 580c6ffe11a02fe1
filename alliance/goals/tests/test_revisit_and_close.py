from alliance.conftest import send_json
from alliance.goals.models import Closure, Goal, GoalStatus, Revisit
from alliance.goals.tests.helpers import make_goal


def test_it_shows_a_revisit_request_and_its_reason_to_the_other_side(personas, api_as, web_as):
    goal = make_goal(personas, agreed=True)
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/goals/{goal.pk}/revisit",
        {"reason": "Weekly feels like too much"},
    )
    assert response.status_code == 201
    assert response.json()["side"] == "client" and response.json()["resolved_at"] is None
    page = web_as(personas.c1).get(f"/clients/{personas.a.pk}/").content.decode()
    assert "Asked to revisit" in page and "Weekly feels like too much" in page
    assert (
        api_as(personas.c1).get(f"/api/v1/goals/{goal.pk}").json()["revisits"][0]["reason"]
        == "Weekly feels like too much"
    )


def test_it_refuses_a_revisit_without_a_reason(personas, api_as, web_as):
    goal = make_goal(personas)
    for reason in ["", "   ", "r" * 1001]:
        response = send_json(
            api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/revisit", {"reason": reason}
        )
        assert response.status_code == 422
    page = web_as(personas.c1).post(f"/goals/{goal.pk}/revisit/", {"reason": " "})
    assert page.status_code == 422
    assert "Say what you would like to talk over" in page.content.decode()
    assert not Revisit.objects.exists()


def test_it_answers_a_revisit_when_the_goal_is_revised_and_agreed_again(personas, api_as):
    goal = make_goal(personas, agreed=True)
    send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/revisit", {"reason": "Less"}
    )
    send_json(
        api_as(personas.c1), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "Less"}
    )
    assert Revisit.objects.get().is_open
    send_json(api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/agree", {"version": 2})
    revisit = Revisit.objects.get()
    assert not revisit.is_open and revisit.resolution == "revised"


def test_it_lets_either_side_mark_a_revisit_talked_over(personas, web_as):
    goal = make_goal(personas, agreed=True)
    web_as(personas.a.user).post(f"/goals/{goal.pk}/revisit/", {"reason": "Is this still right?"})
    revisit = Revisit.objects.get()
    response = web_as(personas.c1).post(f"/goals/{goal.pk}/revisit/{revisit.pk}/resolve/")
    assert response.status_code == 302
    revisit.refresh_from_db()
    assert revisit.resolution == "talked" and revisit.resolved_by == personas.c1
    assert Goal.objects.get().status == GoalStatus.AGREED


def test_it_closes_a_goal_when_the_other_side_confirms(personas, api_as, web_as):
    goal = make_goal(personas, agreed=True)
    proposed = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/goals/{goal.pk}/closure",
        {"outcome": "achieved", "note": "I call her every Sunday now", "version": 1},
    )
    assert proposed.status_code == 201
    assert Goal.objects.get().status == GoalStatus.AGREED
    page = web_as(personas.c1).get(f"/goals/{goal.pk}/").content.decode()
    assert "I call her every Sunday now" in page and "Yes, mark it achieved" in page
    own = send_json(api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/closure/confirm")
    assert own.status_code == 422
    confirmed = send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/closure/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "achieved" and confirmed.json()["closed_at"]
    edit = send_json(api_as(personas.a.user), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1})
    assert edit.status_code == 409 and "achieved" in edit.json()["detail"]


def test_it_keeps_the_goal_open_when_the_close_is_declined_or_withdrawn(personas, api_as):
    goal = make_goal(personas, agreed=True)
    body = {"outcome": "retired", "note": "Not for me now", "version": 1}
    send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/closure", body)
    declined = send_json(
        api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/closure/decline", {"note": "No"}
    )
    assert declined.json()["status"] == "agreed" and declined.json()["closure"] is None
    send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/closure", body)
    send_json(api_as(personas.c1), "POST", f"/api/v1/goals/{goal.pk}/closure/decline")
    assert list(Closure.objects.values_list("answer", flat=True)) == ["declined", "withdrawn"]


def test_it_refuses_a_close_without_a_note_or_achieved_before_agreement(personas, api_as):
    goal = make_goal(personas)
    url = f"/api/v1/goals/{goal.pk}/closure"
    blank = send_json(
        api_as(personas.a.user), "POST", url, {"outcome": "retired", "note": " ", "version": 1}
    )
    assert blank.status_code == 422
    early = send_json(
        api_as(personas.a.user), "POST", url, {"outcome": "achieved", "note": "Done", "version": 1}
    )
    assert early.status_code == 422 and "Agree to it first" in early.json()["detail"][0]["msg"]
    other = send_json(
        api_as(personas.a.user), "POST", url, {"outcome": "paused", "note": "x", "version": 1}
    )
    assert other.status_code == 422
    assert not Closure.objects.exists()


def test_it_withdraws_a_close_when_the_goal_is_changed(personas, api_as):
    goal = make_goal(personas, agreed=True)
    send_json(
        api_as(personas.c1),
        "POST",
        f"/api/v1/goals/{goal.pk}/closure",
        {"outcome": "retired", "note": "Not now", "version": 1},
    )
    send_json(
        api_as(personas.a.user), "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": "Less"}
    )
    assert Closure.objects.get().answer == "superseded"
    confirm = send_json(api_as(personas.a.user), "POST", f"/api/v1/goals/{goal.pk}/closure/confirm")
    assert confirm.status_code == 409
    assert Goal.objects.get().status == GoalStatus.PROPOSED


def test_it_closes_from_the_web_pages(personas, web_as):
    goal = make_goal(personas, agreed=True)
    form = web_as(personas.c1).get(f"/goals/{goal.pk}/close/")
    assert form.status_code == 200 and "Close the goal as" in form.content.decode()
    bad = web_as(personas.c1).post(f"/goals/{goal.pk}/close/", {"outcome": "retired", "version": 1})
    assert bad.status_code == 422 and "Add a note" in bad.content.decode()
    web_as(personas.c1).post(
        f"/goals/{goal.pk}/close/", {"outcome": "retired", "note": "Moved on", "version": 1}
    )
    web_as(personas.a.user).post(f"/goals/{goal.pk}/close/answer/", {"accept": "yes"})
    assert Goal.objects.get().status == GoalStatus.RETIRED
    page = web_as(personas.a.user).get(f"/clients/{personas.a.pk}/goals/").content.decode()
    assert "Achieved and retired" in page
