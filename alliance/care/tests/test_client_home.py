import pytest

from alliance.audit.models import AuditEvent


def test_it_greets_the_client_and_names_their_counselor(personas, web_as):
    response = web_as(personas.a.user).get("/home/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hello, Amira" in page
    assert "You are working with Carmen Counselor at Northside Clinic." in page
    assert "no-store" in response["Cache-Control"]


def test_it_shows_each_client_only_their_own_home(personas, web_as):
    page = web_as(personas.other_client.user).get("/home/").content.decode()
    assert "Hello, Omar" in page and "Olga Counselor" in page
    assert "Amira" not in page


def test_it_audits_the_client_reading_their_record(personas, web_as):
    web_as(personas.a.user).get("/home/")
    event = AuditEvent.objects.get()
    assert (event.action, event.client_id, event.actor_id, event.via) == (
        "read",
        personas.a.pk,
        personas.a.user.pk,
        "web",
    )


@pytest.mark.parametrize("who", ["admin", "supervisor", "c1"])
def test_it_is_not_a_page_for_staff(personas, web_as, who):
    assert web_as(personas.users[who]).get("/home/").status_code == 404


def test_it_sends_a_client_to_their_home_from_the_start_page(personas, web_as):
    assert web_as(personas.a.user).get("/")["Location"] == "/home/"


def test_it_uses_the_phone_first_client_layout(personas, web_as):
    assert b'class="client-page"' in web_as(personas.a.user).get("/home/").content
