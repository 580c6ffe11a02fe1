"""Inviting an address that has an account in another clinic answers exactly as for a new
address, so no clinic learns who has an account; the person is told by email, and nothing
about their account changes."""

import json
import re

from django.test import Client as WebClient

from alliance.accounts import services
from alliance.accounts.models import ApiToken, Invitation, User
from alliance.care.models import Client
from alliance.conftest import PASSWORD


def add_client(api, email, name="Nina New"):
    body = json.dumps({"name": name, "email": email})
    return api.post("/api/v1/clients", body, content_type="application/json")


def shape(body: dict) -> dict:
    """A client as the API answers, less what differs between any two new clients."""
    return {key: value for key, value in body.items() if key not in {"id", "created_at"}}


def test_it_answers_the_api_as_for_a_new_address(personas, api_as, mailoutbox):
    olga = api_as(personas.other_counselor)
    new = add_client(olga, "nina@north.test", name="Someone")
    in_use = add_client(olga, "Amira@North.test", name="Someone")
    assert new.status_code == in_use.status_code == 201
    assert shape(new.json()) | {"email": "x"} == shape(in_use.json()) | {"email": "x"}
    assert in_use.json()["email"] == "amira@north.test"
    listed = olga.get("/api/v1/clients").json()
    assert sorted(c["email"] for c in listed["items"]) == [
        "amira@north.test",
        "nina@north.test",
        "omar@south.test",
    ]
    one = olga.get(f"/api/v1/clients/{in_use.json()['id']}")
    assert one.status_code == 200 and one.json() == in_use.json()


def test_it_leaves_the_account_with_the_address_as_it_was(personas, api_as, mailoutbox):
    add_client(api_as(personas.other_counselor), "amira@north.test")
    amira = personas.a.user
    amira.refresh_from_db()
    assert (amira.clinic, amira.address_in_use, amira.check_password(PASSWORD)) == (
        personas.clinic,
        False,
        True,
    )
    assert Client.objects.get(user=amira) == personas.a
    web = WebClient()
    web.post("/signin/", {"username": "amira@north.test", "password": PASSWORD})
    assert web.get("/home/").status_code == 200
    token = WebClient().post(
        "/api/v1/auth/token",
        json.dumps({"email": "amira@north.test", "password": PASSWORD}),
        content_type="application/json",
    )
    assert token.status_code == 200
    assert ApiToken.objects.filter(user=amira).count() == 1


def test_it_tells_the_person_by_email_without_a_link_or_anything_clinical(
    personas, api_as, mailoutbox
):
    add_client(api_as(personas.other_counselor), "amira@north.test", name="Amira")
    (message,) = mailoutbox
    assert message.to == ["amira@north.test"]
    assert message.subject == "You are invited to Southside Clinic on Alliance"
    assert "Olga Counselor has invited you to use Alliance at Southside Clinic" in message.body
    assert "You already have an Alliance account with this address" in message.body
    assert "Northside" not in message.body
    assert not re.search(r"https?://", message.body)


def test_it_makes_a_stand_in_that_can_never_sign_in(personas, api_as, client, mailoutbox):
    add_client(api_as(personas.other_counselor), "amira@north.test")
    stand_in = User.objects.get(address_in_use=True)
    assert (stand_in.email, stand_in.clinic) == ("amira@north.test", personas.other_clinic)
    assert not stand_in.has_usable_password()
    assert Invitation.objects.pending().filter(user=stand_in).exists()
    # A password reset for the address reaches the real account only.
    mailoutbox.clear()
    client.post("/password-reset/", {"email": "amira@north.test"})
    (reset,) = mailoutbox
    assert reset.to == ["amira@north.test"]
    # Even a link to the stand-in's invitation, were it known, makes no account of it.
    _, token = Invitation.issue(stand_in, personas.other_counselor)
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 404


def test_it_answers_the_page_as_for_a_new_address(personas, web_as, mailoutbox):
    web = web_as(personas.other_counselor)
    for name, email in [("Nina New", "nina@north.test"), ("Ben Again", "ben@north.test")]:
        response = web.post("/clients/invite/", {"name": name, "email": email})
        assert response.status_code == 302
        page = web.get(response["Location"]).content.decode()
        assert f"Invitation sent to {email}." in page
        assert "Invitation sent, not yet accepted" in page
        assert name in web.get("/caseload/").content.decode()


def test_it_still_says_so_for_an_address_in_the_inviters_own_clinic(personas, api_as):
    response = add_client(api_as(personas.c2), "ben@north.test")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "Someone with this email address already has an account."
    )


def test_it_makes_only_one_account_per_address_that_signs_in(personas):
    services.invite_client(personas.other_counselor, email="ben@north.test", name="B")
    services.invite_client(personas.other_counselor, email="ben@north.test", name="B")
    assert User.objects.filter(email="ben@north.test").count() == 3
    assert User.objects.get_by_natural_key("Ben@North.test") == personas.b.user
