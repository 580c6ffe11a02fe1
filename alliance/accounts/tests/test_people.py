import pytest

from alliance.accounts.models import Invitation, Role, User
from alliance.audit.models import AuditEvent
from alliance.care.models import Assignment, Client


def invite(web, **fields):
    data = {"name": "Nia New", "email": "nia@north.test", "role": "counselor", **fields}
    return web.post("/people/invite/", data)


def test_it_lists_the_clinics_staff_and_clients(personas, web_as):
    response = web_as(personas.admin).get("/people/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ["Sol Supervisor", "Carmen Counselor", "Chidi Counselor", "Amira", "Ben", "Dana"]:
        assert name in page
    assert "Olga" not in page and "Omar" not in page


def test_it_audits_each_client_it_lists(personas, web_as):
    web_as(personas.admin).get("/people/")
    listed = set(AuditEvent.objects.filter(action="list").values_list("client_id", flat=True))
    assert listed == {personas.a.pk, personas.b.pk, personas.d.pk}


def test_it_invites_staff_by_email(personas, web_as, mailoutbox):
    web = web_as(personas.admin)
    response = invite(web, role="supervisor", email="Nia@North.test")
    assert response["Location"] == "/people/"
    nia = User.objects.get(email="nia@north.test")
    assert (nia.name, nia.role, nia.clinic) == ("Nia New", Role.SUPERVISOR, personas.clinic)
    assert not nia.has_usable_password()
    assert Invitation.objects.get(user=nia).invited_by == personas.admin
    (message,) = mailoutbox
    assert message.to == ["nia@north.test"]
    assert "/invite/" in message.body
    page = web.get("/people/").content.decode()
    assert "Invitation sent to nia@north.test." in page
    assert "Invited" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "carmen@north.test"}, "Someone with this email address already has an account."),
        ({"name": "Nia\nBcc: x@evil.test"}, "Use one line of plain text"),
        ({"name": "Nia\u202eweN"}, "Use one line of plain text"),
        ({"role": "client"}, "Select a valid choice."),
        ({"role": "superuser"}, "Select a valid choice."),
    ],
)
def test_it_re_shows_the_invitation_form_for_bad_input(
    personas, web_as, mailoutbox, fields, message
):
    users = User.objects.count()
    response = invite(web_as(personas.admin), **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert b'name="email"' in response.content
    assert User.objects.count() == users
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_answers_an_address_with_an_account_in_another_clinic_as_a_new_one(
    personas, web_as, mailoutbox
):
    """Olga has an account at Southside; Northside's admin must not learn it."""
    web = web_as(personas.admin)
    new = invite(web, name="Nia New", email="nia@north.test")
    existing = invite(web, name="Olga Again", email="OLGA@south.test")
    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    page = web.get("/people/").content.decode()
    assert "Invitation sent to olga@south.test." in page
    assert page.count('badge-warn">Invited<') == 2
    # The account at Southside is untouched; Northside holds a stand-in that never signs in.
    olga = User.objects.get(email="olga@south.test", address_in_use=False)
    assert olga == personas.other_counselor and olga.clinic == personas.other_clinic
    stand_in = User.objects.get(email="olga@south.test", address_in_use=True)
    assert (stand_in.clinic, stand_in.has_usable_password()) == (personas.clinic, False)
    # Olga is told, without a link to accept.
    invitation, told = mailoutbox
    assert invitation.to == ["nia@north.test"] and "/invite/" in invitation.body
    assert told.to == ["olga@south.test"]
    assert told.subject == invitation.subject
    assert "You already have an Alliance account with this address" in told.body
    assert "/invite/" not in told.body


def test_it_still_tells_an_admin_about_an_address_in_their_own_clinic(personas, web_as):
    response = invite(web_as(personas.admin), email="Carmen@North.test")
    assert response.status_code == 422
    assert "Someone with this email address already has an account." in response.content.decode()


def test_it_assigns_a_client_to_another_counselor_and_keeps_the_history(personas, web_as):
    web = web_as(personas.admin)
    response = web.post(f"/people/clients/{personas.a.pk}/assign/", {"counselor": personas.c2.pk})
    assert response["Location"] == "/people/"
    personas.a.refresh_from_db()
    assert personas.a.counselor == personas.c2
    earlier, current = Assignment.objects.filter(client=personas.a).order_by("id")
    assert (earlier.counselor, current.counselor) == (personas.c1, personas.c2)
    assert earlier.ended_at == current.started_at
    assert current.ended_at is None
    assert current.assigned_by == personas.admin
    event = AuditEvent.objects.get(action="reassign")
    assert (event.actor_id, event.client_id, event.object_type) == (
        personas.admin.pk,
        personas.a.pk,
        "Client",
    )
    assert event.detail == "to chidi@north.test"
    assert "Amira is now with Chidi Counselor." in web.get("/people/").content.decode()


def test_it_moves_the_client_between_caseloads(personas, web_as):
    web_as(personas.admin).post(
        f"/people/clients/{personas.a.pk}/assign/", {"counselor": personas.c2.pk}
    )
    assert b"Amira" not in web_as(personas.c1).get("/caseload/").content
    assert b"Amira" in web_as(personas.c2).get("/caseload/").content
    assert web_as(personas.c1).get(f"/clients/{personas.a.pk}/").status_code == 404


def test_it_changes_nothing_when_assigning_to_the_same_counselor(personas, web_as):
    web_as(personas.admin).post(
        f"/people/clients/{personas.a.pk}/assign/", {"counselor": personas.c1.pk}
    )
    assert Assignment.objects.filter(client=personas.a).count() == 1
    assert not AuditEvent.objects.filter(action="reassign").exists()


@pytest.mark.parametrize("counselor", ["other_counselor", "supervisor", "a"])
def test_it_refuses_to_assign_to_anyone_but_a_counselor_of_the_clinic(personas, web_as, counselor):
    target = personas.users[counselor]
    response = web_as(personas.admin).post(
        f"/people/clients/{personas.a.pk}/assign/", {"counselor": target.pk}
    )
    assert response.status_code == 422
    assert b"Select a valid choice." in response.content
    personas.a.refresh_from_db()
    assert personas.a.counselor == personas.c1
    assert Assignment.objects.filter(client=personas.a).count() == 1
    assert not AuditEvent.objects.filter(action="reassign").exists()


def test_it_refuses_an_assignment_without_a_counselor(personas, web_as):
    response = web_as(personas.admin).post(f"/people/clients/{personas.a.pk}/assign/", {})
    assert response.status_code == 422
    assert b"This field is required." in response.content


@pytest.mark.parametrize("client_id", ["other", "unknown", "huge"])
def test_it_answers_404_for_a_client_outside_the_clinic(personas, web_as, client_id):
    pk = {"other": personas.other_client.pk, "unknown": 987654, "huge": 2**70}[client_id]
    response = web_as(personas.admin).post(
        f"/people/clients/{pk}/assign/", {"counselor": personas.c2.pk}
    )
    assert response.status_code == 404
    assert Client.objects.get(pk=personas.other_client.pk).counselor == personas.other_counselor


@pytest.mark.parametrize("who", ["supervisor", "c1", "a"])
def test_it_hides_the_people_pages_from_everyone_but_admins(personas, web_as, who):
    web = web_as(personas.users[who])
    assert web.get("/people/").status_code == 404
    assert invite(web).status_code == 404
    assert not User.objects.filter(email="nia@north.test").exists()
