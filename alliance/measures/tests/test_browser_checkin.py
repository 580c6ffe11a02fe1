"""A client answers a check-in on a phone in a real browser; a draft survives a lost connection."""

import pytest

from alliance.conftest import PHONE, axe_violations
from alliance.measures.models import Response
from alliance.measures.tests.helpers import add_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer).check()


def storage(page):
    """Drafts in this tab's sessionStorage, and everything in localStorage."""
    return page.evaluate(
        """() => ({
            drafts: Object.keys(sessionStorage).filter(k => k.startsWith("alliance-draft:")),
            local: Object.assign({}, localStorage),
        })"""
    )


def test_it_keeps_a_draft_in_the_tab_through_a_lost_connection(personas, new_page):
    session = add_session(personas.a)
    page = new_page(user=personas.a.user, viewport=PHONE)
    page.goto("/home/")
    page.get_by_role("link", name="Mood", exact=True).click()
    page.wait_for_url(f"**/home/check-in/phq9/?session={session.pk}")
    assert axe_violations(page) == []

    choose(page, "1 of 9. Little interest or pleasure in doing things", "Several days")
    choose(page, "2 of 9. Feeling down, depressed, or hopeless", "More than half the days")
    stored = storage(page)
    assert stored["drafts"] == [f"alliance-draft:checkin:phq9:{personas.a.pk}:{session.pk}"]
    assert stored["local"] == {}

    page.context.set_offline(True)
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("chrome-error://**")
    page.context.set_offline(False)
    page.goto(f"/home/check-in/phq9/?session={session.pk}")

    assert page.get_by_text("Your earlier answers in this tab have been filled in.").is_visible()
    first = page.get_by_role("group", name="1 of 9. Little interest or pleasure in doing things")
    assert first.get_by_label("Several days").is_checked()
    assert not Response.objects.exists()


def test_it_names_missing_answers_then_saves_and_clears_the_draft(personas, new_page):
    personas.clinic.crisis_text = "Call the Northside duty line on 0100 000 000."
    personas.clinic.save()
    page = new_page(user=personas.a.user, viewport=PHONE)
    page.goto("/home/check-in/phq9/")
    choose(
        page,
        "9 of 9. Thoughts that you would be better off dead or of hurting yourself in some way",
        "Several days",
    )
    page.get_by_role("button", name="Save my answers").click()

    assert page.get_by_role("alert").get_by_text("8 answers need your attention").is_visible()
    assert axe_violations(page) == []
    for number, item in enumerate(
        [
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
        ],
        start=1,
    ):
        choose(page, f"{number} of 9. {item}", "Not at all")
    for number in (6, 7, 8):
        page.locator(f"#item-phq9_{number}").get_by_label("Not at all").check()
    page.get_by_role("button", name="Save my answers").click()

    page.wait_for_url("**/home/check-ins/**")
    assert page.get_by_text("Call the Northside duty line on 0100 000 000.").is_visible()
    assert axe_violations(page) == []
    assert storage(page) == {"drafts": [], "local": {}}
    response = Response.objects.get()
    assert (response.score_total, response.flags) == (1, ["suicide_risk_item9"])


def test_it_stores_one_response_when_save_is_pressed_twice(personas, new_page):
    page = new_page(user=personas.a.user, viewport=PHONE)
    page.goto("/home/check-in/gad7/")
    for number in range(1, 8):
        page.locator(f"#item-gad7_{number}").get_by_label("Several days").check()
    key = page.locator('input[name="idempotency_key"]').input_value()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/home/check-ins/**")
    # The same form sent again, as a double press or a retry after a lost answer sends it.
    page.goto("/home/check-in/gad7/")
    page.locator('input[name="idempotency_key"]').evaluate(f"field => field.value = '{key}'")
    for number in range(1, 8):
        page.locator(f"#item-gad7_{number}").get_by_label("Several days").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/home/check-ins/**")
    assert Response.objects.count() == 1


def test_it_lets_the_counselor_record_a_session_and_answer_the_prediction(personas, new_page):
    page = new_page(user=personas.c1)
    page.goto(f"/clients/{personas.a.pk}/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Record a session or see all sessions").click()
    assert axe_violations(page) == []
    page.get_by_label("Date").fill("2026-03-02")
    page.get_by_label("Attended").check()
    page.get_by_label("Length in minutes").fill("50")
    page.get_by_role("button", name="Record session").click()
    assert page.get_by_text("Session on 2 March 2026 recorded.").is_visible()

    page.goto(f"/clients/{personas.a.pk}/")
    page.get_by_role("link", name="Working together, as you expect your client to see it").click()
    assert axe_violations(page) == []
    for number in range(1, 13):
        page.locator(f"#item-wai_{number}").get_by_label("Very often").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/clients/{personas.a.pk}/check-ins/**")
    assert page.get_by_text("Thank you. Your answers are saved.").is_visible()
    assert axe_violations(page) == []
    response = Response.objects.get()
    assert (response.instrument, response.score_total, response.session.date.isoformat()) == (
        "wai-sr-predicted",
        48,
        "2026-03-02",
    )

    page.goto(f"/clients/{personas.a.pk}/check-ins/schedule/")
    assert axe_violations(page) == []
    page.get_by_label("Anxiety (GAD-7)").select_option("Not asked for")
    page.get_by_role("button", name="Save check-ins").click()
    page.wait_for_url(f"**/clients/{personas.a.pk}/")
    assert page.get_by_text("Mood (PHQ-9): after every session").is_visible()
    assert page.get_by_text("Anxiety (GAD-7): after every session").count() == 0


def test_it_passes_accessibility_checks_on_the_clients_pages(personas, new_page):
    session = add_session(personas.a)
    page = new_page(user=personas.a.user, viewport=PHONE)
    page.goto("/home/")
    assert axe_violations(page) == []
    page.goto(f"/home/check-in/wai-sr/?session={session.pk}")
    assert axe_violations(page) == []
    page.goto("/home/progress/")
    assert axe_violations(page) == []
