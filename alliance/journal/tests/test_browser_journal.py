"""On a phone, a client writes a journal entry and shares it; their counselor then reads it on
the client's page. axe checks every page on the way."""

import re

import pytest

from alliance.conftest import PHONE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRY = "I keep apologising when I have done nothing wrong."


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_lets_a_client_share_an_entry_that_their_counselor_then_reads(personas, new_page):
    phone = new_page(user=personas.a.user, viewport=PHONE)
    phone.goto("/home/")
    phone.get_by_role("link", name="Journal", exact=True).click()
    phone.wait_for_url("**/journal/")
    assert axe_violations(phone) == []
    assert fits_the_screen(phone)

    phone.get_by_label("Insight to revisit").check()
    phone.get_by_label("Your entry").fill(ENTRY)
    phone.get_by_role("button", name="Save entry").click()
    phone.wait_for_url("**/journal/")
    assert phone.get_by_text("Saved. Only you can see it.").is_visible()
    assert phone.get_by_text(ENTRY).is_visible()
    assert axe_violations(phone) == []

    counselor = new_page(user=personas.c1)
    counselor.goto(f"/clients/{personas.a.pk}/")
    assert counselor.get_by_text("Amira has not shared any journal entries.").is_visible()
    assert counselor.get_by_text(ENTRY).count() == 0

    phone.get_by_role("link", name=re.compile("^Edit")).click()
    phone.wait_for_url(re.compile(r"/journal/\d+/$"))
    assert axe_violations(phone) == []
    assert fits_the_screen(phone)
    phone.get_by_role("button", name=re.compile("^Share .* with Carmen Counselor$")).click()
    assert phone.get_by_text(
        "Shared with Carmen Counselor. They can read it but not change it."
    ).is_visible()
    assert phone.get_by_role("button", name=re.compile("^Stop sharing")).is_visible()

    phone.get_by_role("link", name="Who sees my data").first.click()
    phone.wait_for_url("**/who-sees-my-data/")
    assert phone.get_by_text("You share 1 entry with Carmen Counselor.").is_visible()
    assert axe_violations(phone) == []
    assert fits_the_screen(phone)

    counselor.reload()
    shared = counselor.get_by_role("region", name="Shared journal entries")
    assert shared.get_by_text(ENTRY).is_visible()
    assert axe_violations(counselor) == []
    counselor.get_by_role("link", name="All shared entries (1)").click()
    counselor.wait_for_url(f"**/clients/{personas.a.pk}/journal/")
    assert counselor.get_by_text(ENTRY).is_visible()
    assert axe_violations(counselor) == []


def test_it_passes_axe_on_the_notes_page_with_a_note_written(personas, new_page):
    page = new_page(user=personas.c1)
    page.goto(f"/clients/{personas.a.pk}/notes/")
    assert axe_violations(page) == []
    page.get_by_role("radio", name=re.compile("^Psychotherapy note")).check()
    page.get_by_label("Note", exact=True).fill("Noticed I wanted to rescue her.")
    page.get_by_role("button", name="Save note").click()
    assert page.get_by_text("Psychotherapy note saved.").is_visible()
    own = page.get_by_role("region", name="Your psychotherapy notes")
    assert own.get_by_text("Noticed I wanted to rescue her.").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Note", exact=True).fill("   ")
    page.get_by_role("button", name="Save note").click()
    assert page.get_by_text("Write the note before saving.").is_visible()
    assert axe_violations(page) == []
