"""The clinic page and "my practice" in a real browser, on the demo clinic: axe finds nothing,
the page fits the screen, each chart's numbers open as a table, the definitions are one click
away, and the navigation leads there."""

import os

import pytest

from alliance import demo
from alliance.accounts.models import User
from alliance.conftest import PHONE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Where to keep screenshots of the pages, when asked to (for looking at them, not for asserting).
SHOTS = os.environ.get("ALLIANCE_SCREENSHOTS")


@pytest.fixture(autouse=True)
def without_second_factor(settings):
    # The demo's staff have no authenticator app; the demo runs with two-factor optional.
    settings.STAFF_2FA = "optional"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_supervisor_reads_the_clinic_figures(new_page):
    clinic = demo.seed()
    desk = new_page(user=User.objects.get(email="supervisor@riverside.example"))
    desk.goto("/caseload/")
    desk.get_by_role("link", name="Clinic figures").click()
    desk.wait_for_url("**/clinic/outcomes/")
    assert desk.get_by_role("heading", level=1).inner_text() == "Clinic figures"
    for chart in (
        "Recovery and reliable improvement, month by month",
        "Prediction gap by part of the alliance",
    ):
        assert desk.get_by_role("img", name=chart).first.is_visible()
    assert desk.get_by_role("img", name="Early alliance and change in mood").is_visible()
    assert fits_the_screen(desk)
    assert axe_violations(desk) == []
    shot(desk, "clinic")

    desk.locator("summary", has_text="Early alliance and change in mood").click()
    assert desk.get_by_role("table", name="Early alliance and change in mood").first.is_visible()
    desk.get_by_role("link", name="How these figures are worked out").click()
    assert desk.get_by_role("heading", name="How these figures are worked out").is_visible()
    assert axe_violations(desk) == []

    desk.get_by_role("link", name="Tom Becker").click()
    desk.wait_for_url("**/clinic/outcomes/?counselor_id=*")
    assert desk.get_by_text("too few to say").first.is_visible()
    assert clinic.name in desk.content()


def test_a_counselor_reads_their_practice_on_a_phone(new_page):
    demo.seed()
    phone = new_page(user=User.objects.get(email="maya@riverside.example"), viewport=PHONE)
    phone.goto("/practice/")
    assert phone.get_by_role("heading", level=1).inner_text() == "My practice"
    assert phone.get_by_text("On tasks you expected on average").is_visible()
    assert fits_the_screen(phone)
    assert axe_violations(phone) == []
    shot(phone, "practice")
