import pytest

from alliance.conftest import send_json
from alliance.goals.models import VALUES_PER_CLIENT, Value
from alliance.goals.tests.helpers import make_goal


def test_it_lets_the_client_keep_a_short_list_of_values(personas, web_as):
    web = web_as(personas.a.user)
    url = f"/clients/{personas.a.pk}/values/"
    assert web.post(url, {"text": " Family "}).status_code == 302
    value = Value.objects.get()
    assert value.text == "Family"
    web.post(f"/values/{value.pk}/edit/", {"text": "Family and friends"})
    value.refresh_from_db()
    assert value.text == "Family and friends"
    page = web.get(url).content.decode()
    assert "Family and friends" in page and "Only you change this list" in page
    web.post(f"/values/{value.pk}/delete/")
    assert not Value.objects.exists()


def test_it_shows_the_counselor_the_values_but_not_the_controls(personas, web_as):
    Value.objects.create(client=personas.a, text="Honesty")
    web = web_as(personas.c1)
    page = web.get(f"/clients/{personas.a.pk}/values/").content.decode()
    assert "Honesty" in page and "Reword" not in page and "Add</button>" not in page
    assert web.post(f"/clients/{personas.a.pk}/values/", {"text": "Work"}).status_code == 404
    assert Value.objects.count() == 1


@pytest.mark.parametrize(
    "text, message",
    [("", "Write the value in a word or two."), ("v" * 81, "at most 80 characters")],
)
def test_it_refuses_blank_or_long_values(personas, web_as, text, message):
    response = web_as(personas.a.user).post(f"/clients/{personas.a.pk}/values/", {"text": text})
    assert response.status_code == 422 and message in response.content.decode()
    assert not Value.objects.exists()


def test_it_refuses_a_value_already_on_the_list(personas, api_as):
    Value.objects.create(client=personas.a, text="Family")
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/clients/{personas.a.pk}/values",
        {"text": "FAMILY"},
    )
    assert response.status_code == 422
    assert "already on your list" in response.json()["detail"][0]["msg"]
    assert Value.objects.count() == 1


def test_it_keeps_the_list_short(personas, api_as):
    for n in range(VALUES_PER_CLIENT):
        Value.objects.create(client=personas.a, text=f"Value {n}")
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/clients/{personas.a.pk}/values",
        {"text": "One more"},
    )
    assert (
        response.status_code == 422 and "Keep the list short" in response.json()["detail"][0]["msg"]
    )
    assert Value.objects.count() == VALUES_PER_CLIENT


def test_it_lets_only_the_client_change_values_through_the_api(personas, api_as):
    value = Value.objects.create(client=personas.a, text="Family")
    assert (
        send_json(
            api_as(personas.c1), "PATCH", f"/api/v1/values/{value.pk}", {"text": "X"}
        ).status_code
        == 403
    )
    assert (
        send_json(api_as(personas.b.user), "DELETE", f"/api/v1/values/{value.pk}").status_code
        == 404
    )
    listing = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/values").json()
    assert listing == {"items": [{"id": value.pk, "text": "Family"}], "count": 1}


def test_it_keeps_a_removed_value_in_the_goals_history(personas, api_as):
    value = Value.objects.create(client=personas.a, text="Family")
    goal = make_goal(personas)
    send_json(
        api_as(personas.a.user),
        "PATCH",
        f"/api/v1/goals/{goal.pk}",
        {"version": 1, "values": [value.pk]},
    )
    send_json(api_as(personas.a.user), "DELETE", f"/api/v1/values/{value.pk}")
    versions = api_as(personas.a.user).get(f"/api/v1/goals/{goal.pk}/versions").json()["items"]
    assert versions[-1]["values"] == ["Family"]
    assert api_as(personas.a.user).get(f"/api/v1/goals/{goal.pk}").json()["values"] == []
