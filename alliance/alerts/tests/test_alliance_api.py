"""GET /clients/{client_id}/alliance: the two views, session by session."""

from alliance.alerts.models import ClinicAlertSettings
from alliance.alerts.tests.helpers import checkin, predict


def test_it_compares_the_two_views_by_part_and_item(personas, api_as):
    held, _ = checkin(personas.a, goal=5, task=4, bond=3)
    predict(personas.a, held, goal=5, task=4, bond=4.5)
    body = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/alliance").json()
    [s] = body["sessions"]
    assert s["session_id"] == held.pk
    assert s["date"] == held.date.isoformat()
    assert s["client"] == {"goal": 20, "task": 16, "bond": 12, "total": 48}
    assert s["predicted"] == {"goal": 20, "task": 16, "bond": 18, "total": 54}
    assert s["gap"] == {"goal": 0, "task": 0, "bond": 6, "total": 6}
    assert s["agreement"]["bond"] == "client_lower"
    assert s["summary"] == (
        "You expected Amira's answers about the goals and the tasks; "
        "Amira rated the bond lower than you expected. "
        "Amira's own ratings of the goals, the tasks and the bond are “fairly often” or higher."
    )
    bond_item = next(i for i in s["items"] if i["item_id"] == "wai_3")
    assert bond_item == {
        "item_id": "wai_3",
        "text": "I believe Carmen Counselor likes me.",
        "subscale": "bond",
        "client": 3,
        "predicted": 5,
        "gap": 2,
    }
    assert len(s["items"]) == 12


def test_the_client_sees_it_in_their_own_words(personas, api_as):
    held, _ = checkin(personas.a, bond=3)
    predict(personas.a, held, bond=4.5)
    body = api_as(personas.a.user).get(f"/api/v1/clients/{personas.a.pk}/alliance").json()
    assert body["sessions"][0]["summary"] == (
        "Carmen expected your answers about the goals and the tasks; "
        "you rated the bond lower than Carmen expected. "
        "Your own ratings of the goals, the tasks and the bond are “fairly often” or higher."
    )


def test_a_client_can_be_spared_the_statements_but_keeps_the_parts(personas, api_as, web_as):
    held, _ = checkin(personas.a, bond=3)
    predict(personas.a, held, bond=4.5)
    url = f"/api/v1/clients/{personas.a.pk}/alliance"
    assert len(api_as(personas.a.user).get(url).json()["sessions"][0]["items"]) == 12
    response = web_as(personas.c1).post(
        f"/clients/{personas.a.pk}/alliance/statements-shown/", {"show_items_to_client": "no"}
    )
    assert response.status_code == 302
    [s] = api_as(personas.a.user).get(url).json()["sessions"]
    assert s["items"] == [] and s["client"]["bond"] == 12
    assert len(api_as(personas.c1).get(url).json()["sessions"][0]["items"]) == 12
    page = web_as(personas.a.user).get("/home/alliance/").content.decode()
    assert "Statement by statement" not in page and "As Carmen expected?" in page
    other_clinic = web_as(personas.other_counselor).post(
        f"/clients/{personas.a.pk}/alliance/statements-shown/", {"show_items_to_client": "yes"}
    )
    assert other_clinic.status_code == 404
    bad = web_as(personas.c1).post(
        f"/clients/{personas.a.pk}/alliance/statements-shown/", {"show_items_to_client": "maybe"}
    )
    assert bad.status_code == 302
    assert api_as(personas.a.user).get(url).json()["sessions"][0]["items"] == []


def test_it_lists_only_sessions_with_both_views_oldest_first(personas, api_as):
    first, _ = checkin(personas.a, days_ago=14)
    predict(personas.a, first)
    checkin(personas.a, days_ago=7)  # not predicted
    third, _ = checkin(personas.a)
    predict(personas.a, third)
    sessions = api_as(personas.supervisor).get(f"/api/v1/clients/{personas.a.pk}/alliance")
    assert [s["session_id"] for s in sessions.json()["sessions"]] == [first.pk, third.pk]


def test_a_clinic_can_hide_the_comparison_from_clients(personas, api_as):
    held, _ = checkin(personas.a)
    predict(personas.a, held)
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    url = f"/api/v1/clients/{personas.a.pk}/alliance"
    assert api_as(personas.a.user).get(url).json() == {"sessions": []}
    assert len(api_as(personas.c1).get(url).json()["sessions"]) == 1


def test_others_get_404(personas, api_as):
    url = f"/api/v1/clients/{personas.a.pk}/alliance"
    assert api_as(personas.b.user).get(url).status_code == 404
    assert api_as(personas.c2).get(url).status_code == 404
    assert api_as(personas.c1).get("/api/v1/clients/0/alliance").status_code == 404
