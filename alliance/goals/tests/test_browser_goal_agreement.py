"""A client proposes a goal on their phone; the counselor rewords it; the client agrees."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from alliance.conftest import PHONE, axe_violations  # noqa: E402
from alliance.goals.models import Goal, GoalStatus  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_goal_from_the_clients_words_to_mutual_agreement(personas, new_page):
    phone = new_page(user=personas.a.user, viewport=PHONE)
    phone.goto("/home/")
    phone.get_by_role("link", name="Propose a goal").click()
    assert axe_violations(phone) == []
    phone.get_by_label("Your goal, in your own words").fill("Stop skipping lunch at work")
    phone.get_by_label("Why this matters to me").fill("I get snappy by three o'clock")
    phone.get_by_role("button", name="Propose this goal").click()
    phone.wait_for_url("**/goals/*/")
    assert phone.get_by_text("You agreed to version 1; waiting for Carmen Counselor").is_visible()
    assert axe_violations(phone) == []
    goal = Goal.objects.get()

    desk = new_page(user=personas.c1)
    desk.goto(f"/clients/{personas.a.pk}/")
    desk.get_by_role("link", name="Stop skipping lunch at work").first.click()
    desk.wait_for_url(f"**/goals/{goal.pk}/")
    assert desk.get_by_role("button", name="I agree to version 1").is_visible()
    desk.get_by_role("link", name="Suggest different wording").click()
    assert axe_violations(desk) == []
    wording = desk.get_by_label("The goal, in Amira's words")
    wording.fill("Take a proper lunch break away from my desk")
    desk.get_by_role("button", name="Save the new version").click()
    desk.wait_for_url(f"**/goals/{goal.pk}/")
    assert desk.get_by_text("Saved as version 2. Amira is asked to agree").is_visible()
    assert desk.get_by_text("You agreed to version 2; waiting for Amira to agree.").is_visible()

    phone.goto("/home/")
    waiting = phone.get_by_text("Carmen Counselor is waiting for you")
    assert waiting.is_visible()
    phone.get_by_role("link", name="Take a proper lunch break away from my desk").first.click()
    phone.wait_for_url(f"**/goals/{goal.pk}/")
    assert phone.get_by_role("heading", level=1).inner_text() == (
        "Take a proper lunch break away from my desk"
    )
    phone.get_by_role("link", name="See what changed").click()
    removed = phone.locator(".goal-diff del").first.text_content()
    added = phone.locator(".goal-diff ins").first.text_content()
    assert removed.strip() == "removed: Stop skipping" and added.strip() == "added: Take a proper"
    assert axe_violations(phone) == []
    phone.go_back()
    phone.get_by_role("button", name="I agree to version 2").click()
    phone.wait_for_url(f"**/goals/{goal.pk}/")
    assert phone.get_by_text("You both agree to this goal now.").is_visible()
    assert phone.get_by_text("You both agreed to version 2.").is_visible()
    assert axe_violations(phone) == []

    goal.refresh_from_db()
    assert (goal.status, goal.version, goal.is_mutual) == (GoalStatus.AGREED, 2, True)
    desk.reload()
    assert desk.get_by_text("You both agreed to version 2.").is_visible()
