from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.conftest import PASSWORD

GENERIC = "That email and password do not match an account."


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/signin/", {"username": email, "password": password, **extra})


def test_it_shows_the_sign_in_form(client):
    response = client.get("/signin/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_it_signs_a_client_in_and_takes_them_home(personas, client):
    response = sign_in(client, "amira@north.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.a.user.pk)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert b"Hello, Amira" in response.content


def test_it_accepts_the_email_in_any_case(personas, client):
    sign_in(client, "Amira@North.TEST")
    assert client.session["_auth_user_id"] == str(personas.a.user.pk)


def test_it_sends_staff_with_a_device_to_enter_their_code(personas, client):
    sign_in(client, "carmen@north.test")
    response = client.get("/caseload/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/verify/?next=%2Fcaseload%2F"
    assert client.get(response["Location"]).status_code == 200


def test_it_sends_staff_without_a_device_to_set_one_up(personas, client):
    TOTPDevice.objects.filter(user=personas.c1).delete()
    sign_in(client, "carmen@north.test")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/two-factor/setup/"
    assert b"Set up two-factor sign-in" in response.content


def test_it_lets_staff_without_a_device_straight_in_when_two_factor_is_optional(
    personas, client, settings
):
    settings.STAFF_2FA = "optional"
    TOTPDevice.objects.filter(user=personas.c1).delete()
    sign_in(client, "carmen@north.test")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/caseload/"
    assert b"Amira" in response.content


def test_it_still_asks_staff_with_a_device_for_a_code_when_two_factor_is_optional(
    personas, client, settings
):
    settings.STAFF_2FA = "optional"
    sign_in(client, "carmen@north.test")
    response = client.get("/caseload/")
    assert response["Location"].startswith("/two-factor/verify/")


def test_it_goes_to_a_safe_next_page_after_signing_in(personas, client):
    response = sign_in(client, "amira@north.test", next="/account/")
    assert response["Location"] == "/account/"


def test_it_ignores_a_next_page_on_another_site(personas, client):
    response = sign_in(client, "amira@north.test", next="https://evil.example/")
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_with_a_generic_message_and_counts_it(personas, client):
    before = personas.a.user.last_login
    response = sign_in(client, "amira@north.test", "not the password")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "amira@north.test"
    assert attempt.failures_since_start == 1
    personas.a.user.refresh_from_db()
    assert personas.a.user.last_login == before
    assert client.get("/home/").status_code == 302


def test_it_gives_the_same_message_for_an_unknown_email(personas, client):
    response = sign_in(client, "nobody@north.test", "whatever it is")
    assert GENERIC in response.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_it_re_shows_the_form_when_fields_are_missing(personas, client):
    response = client.post("/signin/", {"username": "", "password": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_five_failures(personas, client):
    for _ in range(4):
        assert sign_in(client, "amira@north.test", "wrong password").status_code == 200
    response = sign_in(client, "amira@north.test", "wrong password")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    response = sign_in(client, "amira@north.test")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_whatever_the_case_of_the_email(personas, client):
    for email in ["amira@north.test", "Amira@north.test", "AMIRA@north.test", "amirA@north.test"]:
        assert sign_in(client, email, "wrong password").status_code == 200
    assert sign_in(client, "aMira@north.test", "wrong password").status_code == 429
    assert sign_in(client, "amira@north.test").status_code == 429


def test_it_does_not_lock_out_other_accounts(personas, client):
    for _ in range(5):
        sign_in(client, "amira@north.test", "wrong password")
    assert sign_in(client, "ben@north.test").status_code == 302


def test_it_forgets_earlier_failures_after_a_successful_sign_in(personas, client):
    for _ in range(4):
        sign_in(client, "amira@north.test", "wrong password")
    assert sign_in(client, "amira@north.test").status_code == 302
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


def test_it_extends_the_session_with_each_request(personas, web_as, settings):
    web = web_as(personas.a.user)
    session = Session.objects.get(session_key=web.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert web.get("/home/").status_code == 200
    session.refresh_from_db()
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert expected - timedelta(minutes=1) < session.expire_date <= expected


def test_it_signs_out_after_the_inactivity_timeout(personas, web_as):
    web = web_as(personas.a.user)
    Session.objects.filter(session_key=web.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = web.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


def test_it_times_out_after_thirty_minutes_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_signs_out(personas, web_as):
    web = web_as(personas.c1)
    response = web.post("/signout/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/"
    assert web.get("/caseload/")["Location"].startswith("/signin/")


def test_it_sends_a_signed_in_person_away_from_the_sign_in_page(personas, web_as):
    response = web_as(personas.a.user).get("/signin/")
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/caseload/", "/home/", "/people/", "/account/"])
def test_it_asks_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")
