from alliance.audit.models import AuditEvent
from alliance.goals.models import Goal, GoalStatus, GoalVersion, Value
from alliance.goals.tests.helpers import last_event_id, make_goal


def test_it_lets_a_client_propose_a_goal_in_their_own_words(personas, web_as):
    web = web_as(personas.a.user)
    page = web.get(f"/clients/{personas.a.pk}/goals/new/")
    assert page.status_code == 200
    assert "Your goal, in your own words" in page.content.decode()
    response = web.post(
        f"/clients/{personas.a.pk}/goals/new/",
        {"text": "  Walk to work twice a week ", "why": "Fresh air clears my head"},
    )
    goal = Goal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/goals/{goal.pk}/"
    assert goal.text == "Walk to work twice a week"
    assert goal.status == GoalStatus.PROPOSED
    assert goal.agreed == {"client": True, "counselor": False}
    page = web.get(response["Location"]).content.decode()
    assert "Carmen Counselor is asked to agree" in page
    assert "You agreed to version 1; waiting for Carmen Counselor to agree." in page


def test_it_shows_the_counselor_what_waits_for_their_agreement(personas, web_as):
    goal = make_goal(personas)
    page = web_as(personas.c1).get(f"/clients/{personas.a.pk}/goals/").content.decode()
    assert "Waiting for your agreement" in page and goal.text in page
    detail = web_as(personas.c1).get(f"/goals/{goal.pk}/").content.decode()
    assert "I agree to version 1" in detail


def test_it_makes_the_goal_mutual_when_both_agree(personas, web_as):
    goal = make_goal(personas)
    response = web_as(personas.c1).post(f"/goals/{goal.pk}/agree/", {"version": 1})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED and goal.is_mutual
    page = web_as(personas.a.user).get(f"/goals/{goal.pk}/").content.decode()
    assert "You both agreed to version 1." in page
    assert "I agree to version" not in page


def test_it_makes_a_new_version_on_edit_and_clears_the_other_sides_agreement(personas, web_as):
    goal = make_goal(personas, agreed=True)
    response = web_as(personas.c1).post(
        f"/goals/{goal.pk}/edit/",
        {"text": "Call my sister every Sunday", "why": "She keeps me steady", "version": 1},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.version == 2 and goal.text == "Call my sister every Sunday"
    assert goal.status == GoalStatus.PROPOSED
    assert goal.agreed == {"client": False, "counselor": True}
    latest = GoalVersion.objects.get(goal=goal, number=2)
    assert latest.author == personas.c1 and latest.side == "counselor"
    page = web_as(personas.a.user).get(f"/goals/{goal.pk}/").content.decode()
    assert "I agree to version 2" in page and "See what changed" in page


def test_it_reshows_a_stale_edit_with_the_newer_wording_and_keeps_mine(personas, web_as):
    goal = make_goal(personas)
    web_as(personas.c1).post(
        f"/goals/{goal.pk}/edit/", {"text": "Call my sister on Sundays", "version": 1}
    )
    response = web_as(personas.a.user).post(
        f"/goals/{goal.pk}/edit/", {"text": "Phone my sister each week", "version": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Carmen Counselor saved version 2 of this goal" in page
    assert "Call my sister on Sundays" in page  # the newer wording, shown
    assert "Phone my sister each week" in page  # what I typed, kept in the form
    assert 'name="version" value="2"' in page
    goal.refresh_from_db()
    assert goal.version == 2 and goal.text == "Call my sister on Sundays"
    # Saving again, having seen the newer version, replaces it.
    web_as(personas.a.user).post(
        f"/goals/{goal.pk}/edit/", {"text": "Phone my sister each week", "version": 2}
    )
    goal.refresh_from_db()
    assert goal.version == 3 and goal.text == "Phone my sister each week"


def test_it_refuses_blank_or_oversized_goal_text_and_stores_nothing(personas, web_as):
    web = web_as(personas.a.user)
    for text, message in [
        ("   ", "Write the goal in a few words."),
        ("x" * 501, "Ensure this value has at most 500 characters"),
    ]:
        response = web.post(f"/clients/{personas.a.pk}/goals/new/", {"text": text})
        assert response.status_code == 422
        assert message in response.content.decode()
    response = web.post(f"/clients/{personas.a.pk}/goals/new/", {"text": "Fine", "why": "y" * 2001})
    assert response.status_code == 422
    assert not Goal.objects.exists()


def test_it_refuses_an_edit_to_blank_and_keeps_the_goal(personas, web_as):
    goal = make_goal(personas)
    response = web_as(personas.a.user).post(f"/goals/{goal.pk}/edit/", {"text": "", "version": 1})
    assert response.status_code == 422
    goal.refresh_from_db()
    assert goal.version == 1 and goal.text == "Call my sister every week"


def test_it_links_goals_to_the_clients_own_values_only(personas, web_as):
    mine = Value.objects.create(client=personas.a, text="Family")
    theirs = Value.objects.create(client=personas.b, text="Sport")
    web = web_as(personas.a.user)
    response = web.post(
        f"/clients/{personas.a.pk}/goals/new/", {"text": "See family", "values": [theirs.pk]}
    )
    assert response.status_code == 422
    assert not Goal.objects.exists()
    web.post(f"/clients/{personas.a.pk}/goals/new/", {"text": "See family", "values": [mine.pk]})
    assert list(Goal.objects.get().values.all()) == [mine]


def test_it_lets_a_supervisor_read_but_not_change_goals(personas, web_as):
    goal = make_goal(personas)
    web = web_as(personas.supervisor)
    assert web.get(f"/goals/{goal.pk}/").status_code == 200
    page = web.get(f"/goals/{goal.pk}/").content.decode()
    assert "I agree" not in page and "Change the wording" not in page
    assert web.get(f"/goals/{goal.pk}/edit/").status_code == 404
    assert web.post(f"/goals/{goal.pk}/agree/", {"version": 1}).status_code == 404
    assert web.get(f"/clients/{personas.a.pk}/goals/new/").status_code == 404


def test_it_hides_goals_from_everyone_else(personas, web_as):
    goal = make_goal(personas)
    for user in [personas.b.user, personas.c2, personas.other_counselor]:
        assert web_as(user).get(f"/goals/{goal.pk}/").status_code == 404
        assert web_as(user).get(f"/clients/{personas.a.pk}/goals/").status_code == 404


def test_it_audits_reading_the_goal_list_and_a_goal(personas, web_as):
    goal = make_goal(personas)
    before = last_event_id()
    web_as(personas.supervisor).get(f"/clients/{personas.a.pk}/goals/")
    web_as(personas.supervisor).get(f"/goals/{goal.pk}/")
    events = AuditEvent.objects.filter(pk__gt=before, object_type="Goal", object_id=goal.pk)
    assert set(events.values_list("action", flat=True)) == {"list", "read"}
    assert set(events.values_list("actor_email", flat=True)) == {"sol@north.test"}


def test_it_keeps_the_goal_page_queries_bounded(personas, web_as, django_assert_max_num_queries):
    goal = make_goal(personas, scale=True, agreed=True)
    web = web_as(personas.c1)
    web.get(f"/goals/{goal.pk}/")
    with django_assert_max_num_queries(30):
        assert web.get(f"/goals/{goal.pk}/").status_code == 200


def test_it_refuses_impossible_ids_and_versions_in_forms(personas, web_as):
    goal = make_goal(personas, agreed=True)
    web = web_as(personas.a.user)
    huge = "99999999999999999999999"
    new_goal = web.post(f"/clients/{personas.a.pk}/goals/new/", {"text": "x", "values": [huge]})
    edit = web.post(f"/goals/{goal.pk}/edit/", {"text": "x", "version": huge})
    assert (new_goal.status_code, edit.status_code) == (422, 422)
    assert Goal.objects.count() == 1 and Goal.objects.get().version == 1
