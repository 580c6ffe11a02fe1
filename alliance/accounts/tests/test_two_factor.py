import re

from django.test import Client as WebClient
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.conftest import PASSWORD


def code_for(device) -> str:
    return f"{totp(device.bin_key):06d}"


def signed_in_without_code(user) -> WebClient:
    web = WebClient()
    response = web.post("/signin/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return web


def new_staff_member(personas):
    TOTPDevice.objects.filter(user=personas.c1).delete()
    return signed_in_without_code(personas.c1)


def test_it_shows_a_qr_code_and_the_key_to_enrol(personas):
    web = new_staff_member(personas)
    response = web.get("/two-factor/setup/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=personas.c1)
    assert not device.confirmed
    key = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page).group(1)
    assert key.rstrip("=")
    assert "Your clinic asks staff" in page


def test_it_keeps_the_same_key_while_enrolment_is_unfinished(personas):
    web = new_staff_member(personas)
    first = re.search(r'id="totp-secret">([^<]+)<', web.get("/two-factor/setup/").content.decode())
    again = re.search(r'id="totp-secret">([^<]+)<', web.get("/two-factor/setup/").content.decode())
    assert first.group(1) == again.group(1)
    assert TOTPDevice.objects.filter(user=personas.c1).count() == 1


def test_it_confirms_the_device_with_a_right_code_and_lets_staff_in(personas):
    web = new_staff_member(personas)
    web.get("/two-factor/setup/")
    device = TOTPDevice.objects.get(user=personas.c1)
    response = web.post("/two-factor/setup/", {"code": code_for(device)}, follow=True)
    assert response.redirect_chain[-1][0] == "/caseload/"
    assert b"Two-factor sign-in is on" in response.content
    device.refresh_from_db()
    assert device.confirmed
    assert web.get("/caseload/").status_code == 200


def test_it_refuses_a_wrong_code_at_enrolment_and_confirms_nothing(personas):
    web = new_staff_member(personas)
    web.get("/two-factor/setup/")
    device = TOTPDevice.objects.get(user=personas.c1)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = web.post("/two-factor/setup/", {"code": wrong})
    assert response.status_code == 200
    assert b"That code did not match" in response.content
    assert b"<svg" in response.content
    assert not TOTPDevice.objects.filter(user=personas.c1, confirmed=True).exists()
    assert web.get("/caseload/")["Location"] == "/two-factor/setup/"


def test_it_refuses_a_code_that_is_not_six_digits(personas):
    web = new_staff_member(personas)
    response = web.post("/two-factor/setup/", {"code": "12ab"})
    assert b"Enter the six digits your authenticator app shows." in response.content
    assert not TOTPDevice.objects.filter(user=personas.c1, confirmed=True).exists()


def test_it_verifies_staff_with_a_right_code_and_returns_them_to_their_page(personas):
    web = signed_in_without_code(personas.c1)
    device = TOTPDevice.objects.get(user=personas.c1)
    response = web.get(f"/two-factor/verify/?next=/clients/{personas.a.pk}/")
    assert response.status_code == 200
    response = web.post(
        "/two-factor/verify/", {"code": code_for(device), "next": f"/clients/{personas.a.pk}/"}
    )
    assert response["Location"] == f"/clients/{personas.a.pk}/"
    assert web.get(f"/clients/{personas.a.pk}/").status_code == 200


def test_it_refuses_a_wrong_code_at_verify(personas):
    web = signed_in_without_code(personas.c1)
    device = TOTPDevice.objects.get(user=personas.c1)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = web.post("/two-factor/verify/", {"code": wrong})
    assert response.status_code == 200
    assert b"That code did not match" in response.content
    assert web.get("/caseload/")["Location"].startswith("/two-factor/verify/")


def test_it_refuses_a_code_used_once_already(personas):
    web = signed_in_without_code(personas.c1)
    device = TOTPDevice.objects.get(user=personas.c1)
    code = code_for(device)
    web.post("/two-factor/verify/", {"code": code})
    other = signed_in_without_code(personas.c1)
    response = other.post("/two-factor/verify/", {"code": code})
    assert b"That code did not match" in response.content
    assert other.get("/caseload/").status_code == 302


def test_it_ignores_a_next_page_on_another_site_after_verify(personas):
    web = signed_in_without_code(personas.c1)
    device = TOTPDevice.objects.get(user=personas.c1)
    response = web.post(
        "/two-factor/verify/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_sends_someone_without_a_device_from_verify_to_setup(personas):
    web = new_staff_member(personas)
    assert web.get("/two-factor/verify/")["Location"] == "/two-factor/setup/"


def test_it_does_not_let_an_unverified_session_enrol_a_new_device(personas):
    web = signed_in_without_code(personas.c1)
    response = web.get("/two-factor/setup/")
    assert response["Location"] == "/two-factor/verify/"
    assert TOTPDevice.objects.filter(user=personas.c1).count() == 1


def test_it_lets_a_client_opt_in_from_their_account_page(personas, web_as):
    web = web_as(personas.a.user)
    page = web.get("/account/")
    assert b"Turn on two-factor sign-in" in page.content
    assert b"Your clinic asks staff" not in web.get("/two-factor/setup/").content
    device = TOTPDevice.objects.get(user=personas.a.user)
    response = web.post("/two-factor/setup/", {"code": code_for(device)})
    assert response["Location"] == "/"
    assert b"Turn off two-factor sign-in" in web.get("/account/").content
    later = signed_in_without_code(personas.a.user)
    assert later.get("/home/")["Location"].startswith("/two-factor/verify/")


def test_it_lets_a_client_turn_two_factor_off(personas, web_as):
    device = TOTPDevice.objects.create(user=personas.a.user, name="phone", confirmed=True)
    web = web_as(personas.a.user)
    assert device.persistent_id == web.session["otp_device_id"]
    response = web.post("/account/two-factor/remove/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/"
    assert b"Two-factor sign-in is off" in response.content
    assert not TOTPDevice.objects.filter(user=personas.a.user).exists()
    later = signed_in_without_code(personas.a.user)
    assert later.get("/home/").status_code == 200


def test_it_does_not_let_staff_remove_two_factor_when_required(personas, web_as):
    web = web_as(personas.c1)
    assert b"Turn off two-factor sign-in" not in web.get("/account/").content
    assert web.post("/account/two-factor/remove/").status_code == 404
    assert TOTPDevice.objects.filter(user=personas.c1, confirmed=True).exists()


def test_it_lets_staff_remove_two_factor_when_optional(personas, web_as, settings):
    settings.STAFF_2FA = "optional"
    web = web_as(personas.c1)
    assert b"Turn off two-factor sign-in" in web.get("/account/").content
    assert web.post("/account/two-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.c1).exists()
    assert signed_in_without_code(personas.c1).get("/caseload/").status_code == 200


def test_it_only_removes_two_factor_by_post(personas, web_as):
    TOTPDevice.objects.create(user=personas.a.user, name="phone", confirmed=True)
    web = web_as(personas.a.user)
    assert web.get("/account/two-factor/remove/").status_code == 405
    assert TOTPDevice.objects.filter(user=personas.a.user).exists()
