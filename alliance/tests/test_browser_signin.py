"""A counselor signs in with a one-time code in a real browser and sees their caseload."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.conftest import PASSWORD, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_a_counselor_in_with_a_code_and_shows_the_caseload(personas, new_page):
    page = new_page()
    page.goto("/signin/")
    assert axe_violations(page) == []

    page.get_by_label("Email").fill("carmen@north.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/two-factor/verify/**")
    device = TOTPDevice.objects.get(user=personas.c1)
    page.get_by_label("Six-digit code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/caseload/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your clients"
    rows = page.get_by_role("row")
    assert rows.filter(has_text="Amira").count() == 1
    assert rows.filter(has_text="Ben").count() == 1
    assert rows.filter(has_text="Dana").count() == 0
    assert axe_violations(page) == []


def test_it_refuses_a_wrong_code(personas, new_page):
    page = new_page()
    page.goto("/signin/")
    page.get_by_label("Email").fill("carmen@north.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/two-factor/verify/**")
    page.get_by_label("Six-digit code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("That code did not match").is_visible()
    page.goto("/caseload/")
    assert "/two-factor/verify/" in page.url
