import pytest

from alliance.accounts.models import Invitation, User
from alliance.audit.models import AuditEvent
from alliance.care.models import Assignment, Client


def invite(web, **fields):
    return web.post("/clients/invite/", {"name": "Nina New", "email": "nina@north.test", **fields})


def test_it_shows_a_counselor_the_form_without_a_counselor_choice(personas, web_as):
    response = web_as(personas.c1).get("/clients/invite/")
    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert b'name="counselor"' not in response.content


def test_it_lets_a_counselor_invite_their_own_client(personas, web_as, mailoutbox):
    web = web_as(personas.c1)
    response = invite(web)
    client = Client.objects.get(user__email="nina@north.test")
    assert response["Location"] == f"/clients/{client.pk}/"
    assert (client.counselor, client.clinic) == (personas.c1, personas.clinic)
    assert Assignment.objects.get(client=client).assigned_by == personas.c1
    assert not client.user.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["nina@north.test"]
    assert "/invite/" in message.body
    page = web.get(response["Location"]).content.decode()
    assert "Invitation sent to nina@north.test." in page
    assert "Invitation sent, not yet accepted" in page
    assert b"Nina New" in web.get("/caseload/").content


def test_it_audits_the_new_client(personas, web_as):
    invite(web_as(personas.c1))
    client = Client.objects.get(user__email="nina@north.test")
    event = AuditEvent.objects.get(action="create")
    assert (event.client_id, event.actor_id, event.via, event.ip) == (
        client.pk,
        personas.c1.pk,
        "web",
        "127.0.0.1",
    )


def test_it_offers_an_admin_only_their_clinics_counselors(personas, web_as):
    page = web_as(personas.admin).get("/clients/invite/").content.decode()
    assert 'name="counselor"' in page
    assert "Carmen Counselor" in page and "Chidi Counselor" in page
    assert "Olga" not in page and "Sol Supervisor" not in page


def test_it_lets_an_admin_invite_a_client_for_a_counselor(personas, web_as, mailoutbox):
    response = invite(web_as(personas.admin), counselor=personas.c2.pk)
    assert response.status_code == 302
    client = Client.objects.get(user__email="nina@north.test")
    assert client.counselor == personas.c2
    assert Invitation.objects.get(user=client.user).invited_by == personas.admin
    assert len(mailoutbox) == 1


COUNSELOR_BAD_INPUT = [
    ({"name": ""}, "This field is required."),
    ({"name": "   "}, "This field is required."),
    ({"name": "N" * 151}, "Ensure this value has at most 150 characters"),
    ({"email": ""}, "This field is required."),
    ({"email": "nina at north"}, "Enter a valid email address."),
    ({"email": "ben@north.test"}, "Someone with this email address already has an account."),
    ({"name": "Nina\r\nBcc: x@evil.test"}, "Use one line of plain text"),
]


@pytest.mark.parametrize(("fields", "message"), COUNSELOR_BAD_INPUT)
def test_it_re_shows_the_form_for_bad_input_and_stores_nothing(
    personas, web_as, mailoutbox, fields, message
):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = invite(web_as(personas.c1), **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert b'name="email"' in response.content
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    assert mailoutbox == []


@pytest.mark.parametrize("counselor", ["", "other_counselor", "supervisor", "c1_client", "x"])
def test_it_makes_an_admin_choose_a_counselor_of_the_clinic(
    personas, web_as, mailoutbox, counselor
):
    if counselor in personas.users:
        counselor = personas.users[counselor].pk
    elif counselor == "c1_client":
        counselor = personas.a.user.pk
    response = invite(web_as(personas.admin), counselor=counselor)
    assert response.status_code == 422
    assert b'name="counselor"' in response.content
    assert not User.objects.filter(email="nina@north.test").exists()
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["supervisor", "a"])
def test_it_hides_the_page_from_those_who_do_not_invite_clients(personas, web_as, who):
    web = web_as(personas.users[who])
    assert web.get("/clients/invite/").status_code == 404
    assert invite(web).status_code == 404
    assert not User.objects.filter(email="nina@north.test").exists()
