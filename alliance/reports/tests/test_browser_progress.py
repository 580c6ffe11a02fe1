"""The progress pages in a real browser: the client's on a phone, the counselor's and the
timeline on a desk. axe finds nothing, the page fits the screen, and each chart's numbers
open as a table."""

import pytest

from alliance.conftest import PHONE, axe_violations
from alliance.reports.tests.helpers import build_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_shows_the_client_their_progress_on_a_phone(personas, new_page):
    build_history(personas)
    phone = new_page(user=personas.a.user, viewport=PHONE)
    phone.goto("/home/")
    phone.get_by_role("link", name="Progress", exact=True).click()
    phone.wait_for_url("**/progress/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Your progress"
    assert phone.get_by_role("img", name="Mood over time").is_visible()
    assert phone.get_by_text("Reliable improvement in Mood:").is_visible()
    assert fits_the_screen(phone)
    assert axe_violations(phone) == []

    phone.get_by_text("Mood over time: the numbers as a table").click()
    table = phone.get_by_role("table", name="Mood over time")
    assert table.is_visible()
    assert table.get_by_role("row").count() == 4
    assert axe_violations(phone) == []

    phone.get_by_role("textbox", name="From (optional)").fill("2026-02-01")
    phone.get_by_role("button", name="Show these dates").click()
    phone.wait_for_url("**/progress/?from=2026-02-01*")
    # Change is still counted from the first session, before these dates.
    assert phone.get_by_text("down 12 points, from 17 to 5").first.is_visible()


def test_it_shows_the_counselor_progress_and_the_timeline(personas, new_page):
    build_history(personas)
    desk = new_page(user=personas.c1)
    desk.goto(f"/clients/{personas.a.pk}/")
    desk.get_by_role("link", name="Progress charts and milestones").click()
    desk.wait_for_url(f"**/clients/{personas.a.pk}/progress/")
    assert desk.get_by_role("img", name="Working together (WAI-SR) over time").is_visible()
    assert axe_violations(desk) == []

    desk.get_by_role("link", name="Everything in one timeline").click()
    desk.wait_for_url(f"**/clients/{personas.a.pk}/timeline/")
    assert desk.get_by_text("Only you can read this note.").is_visible()
    assert axe_violations(desk) == []

    desk.get_by_role("textbox", name="To (optional)").fill("2026-01-01")
    desk.get_by_role("button", name="Show these dates").click()
    assert desk.get_by_text("The end date is before the start date.").is_visible()
    assert axe_violations(desk) == []
