from alliance.audit.models import AuditEvent
from alliance.measures.models import CheckInSchedule


def url(client):
    return f"/clients/{client.pk}/check-ins/schedule/"


DEFAULTS = {"phq9": "1", "gad7": "1", "wai-sr": "1", "wai-sr-predicted": "1"}


def test_it_shows_the_defaults_before_any_change(personas, web_as):
    html = web_as(personas.c1).get(url(personas.a)).content.decode()
    assert "Mood (PHQ-9)" in html and "Working together (WAI-SR)" in html
    assert html.count('<option value="1" selected>After every session</option>') == 4


def test_it_saves_the_counselors_choices(personas, web_as):
    data = DEFAULTS | {"gad7": "0", "phq9": "4"}
    response = web_as(personas.c1).post(url(personas.a), data)
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{personas.a.pk}/"
    schedule = CheckInSchedule.objects.get(client=personas.a)
    assert schedule.intervals == {"phq9": 4, "wai-sr": 1, "wai-sr-predicted": 1}
    assert schedule.updated_by == personas.c1
    assert AuditEvent.objects.filter(action="update", object_type="CheckInSchedule").count() == 1


def test_it_shows_the_schedule_on_the_clients_page(personas, web_as):
    web = web_as(personas.c1)
    web.post(url(personas.a), DEFAULTS | {"gad7": "0", "phq9": "4"})
    html = web.get(f"/clients/{personas.a.pk}/").content.decode()
    assert "Mood (PHQ-9): after the first session, then every 4th session" in html
    assert "Anxiety (GAD-7)" not in html


def test_it_refuses_an_interval_it_does_not_offer(personas, web_as):
    response = web_as(personas.c1).post(url(personas.a), DEFAULTS | {"phq9": "5"})
    assert response.status_code == 422
    assert b"Select a valid choice" in response.content
    assert not CheckInSchedule.objects.exists()


def test_it_refuses_a_missing_choice(personas, web_as):
    data = {k: v for k, v in DEFAULTS.items() if k != "gad7"}
    response = web_as(personas.c1).post(url(personas.a), data)
    assert response.status_code == 422
    assert b"This field is required" in response.content
    assert not CheckInSchedule.objects.exists()


def test_it_keeps_the_schedule_to_the_clients_counselor(personas, web_as):
    for who in ["c2", "supervisor", "admin", "a"]:
        response = web_as(personas.users[who]).post(url(personas.a), DEFAULTS)
        assert response.status_code == 404, who
    assert not CheckInSchedule.objects.exists()
