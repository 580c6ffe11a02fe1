import pytest

from alliance.accounts import services
from alliance.audit.models import AuditEvent


def detail(web, client):
    return web.get(f"/clients/{client.pk}/")


@pytest.mark.parametrize("who", ["c1", "supervisor", "admin"])
def test_it_shows_the_client_to_their_counselor_and_clinic_leads(personas, web_as, who):
    response = detail(web_as(personas.users[who]), personas.a)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Amira</h1>" in page
    assert "amira@north.test" in page
    assert "Carmen Counselor" in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["c2", "other_counselor", "a", "b"])
def test_it_answers_404_to_everyone_else(personas, web_as, who):
    assert detail(web_as(personas.users[who]), personas.a).status_code == 404
    assert not AuditEvent.objects.filter(action="read").exists()


@pytest.mark.parametrize("client_id", [987654, 2**63, 2**80])
def test_it_answers_404_for_unknown_and_impossible_ids(personas, web_as, client_id):
    assert web_as(personas.admin).get(f"/clients/{client_id}/").status_code == 404


def test_it_audits_each_view(personas, web_as):
    detail(web_as(personas.supervisor), personas.a)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "Client",
        str(personas.a.pk),
    )
    assert (event.client_id, event.clinic_id) == (personas.a.pk, personas.clinic.pk)
    assert (event.actor_id, event.actor_email) == (personas.supervisor.pk, "sol@north.test")
    assert (event.via, event.ip) == ("web", "127.0.0.1")


def test_it_shows_the_counselors_over_time(personas, web_as):
    services.reassign_client(personas.a, counselor=personas.c2, by=personas.admin)
    page = detail(web_as(personas.supervisor), personas.a).content.decode()
    assert "Chidi Counselor: from" in page and "(current), assigned by Ada Admin" in page
    assert "Carmen Counselor: from" in page


def test_it_links_an_admin_to_the_audit_trail(personas, web_as):
    assert (
        f"/clients/{personas.a.pk}/audit/".encode()
        in detail(web_as(personas.admin), personas.a).content
    )
    assert b"/audit/" not in detail(web_as(personas.c1), personas.a).content


def test_it_shows_whether_the_client_has_accepted_their_invitation(personas, web_as):
    assert b"Active" in detail(web_as(personas.c1), personas.a).content
    client = services.invite_client(personas.c1, email="nina@north.test", name="Nina New")
    page = detail(web_as(personas.c1), client).content
    assert b"Invitation sent, not yet accepted" in page
