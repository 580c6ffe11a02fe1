"""The client's journal pages: writing, sharing, changing and deleting entries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance, Session
from alliance.journal.models import MAX_TEXT_LENGTH, JournalEntry, Kind


def write(web, **fields):
    data = {"kind": "insight", "text": "I can say no without a reason.", "key": "form-1"}
    data.update(fields)
    return web.post(reverse("journal"), {k: v for k, v in data.items() if v is not None})


def test_it_keeps_a_new_entry_private_and_says_so(personas, web_as):
    web = web_as(personas.a.user)
    response = write(web)
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert (entry.client, entry.kind, entry.shared) == (personas.a, Kind.INSIGHT, False)
    page = web.get(reverse("journal")).content.decode()
    assert "Saved. Only you can see it." in page
    assert "I can say no without a reason." in page
    assert "Private" in page


def test_it_shares_an_entry_when_asked_to_at_once(personas, web_as):
    web = web_as(personas.a.user)
    write(web, shared="on")
    entry = JournalEntry.objects.get()
    assert entry.shared and entry.shared_at is not None
    assert "Saved and shared with Carmen Counselor." in web.get(reverse("journal")).content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "   "}, "Write something before saving."),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "An entry can be at most 10,000 characters"),
        ({"kind": "diary"}, "Choose one of the kinds of entry listed."),
        ({"kind": None}, "Choose what kind of entry this is."),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(personas, web_as, fields, message):
    web = web_as(personas.a.user)
    response = write(web, **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert JournalEntry.objects.count() == 0


def test_it_stores_one_entry_when_the_same_form_is_sent_twice(personas, web_as):
    web = web_as(personas.a.user)
    write(web, key="same-form")
    write(web, key="same-form")
    assert JournalEntry.objects.count() == 1


def test_it_shares_and_unshares_from_the_list(personas, web_as):
    web = web_as(personas.a.user)
    write(web)
    entry = JournalEntry.objects.get()
    url = reverse("journal_share", args=[entry.pk])
    response = web.post(url, {"shared": "1", "next": reverse("journal")})
    assert response.headers["Location"] == reverse("journal")
    entry.refresh_from_db()
    assert entry.shared
    web.post(url, {"shared": "0"})
    entry.refresh_from_db()
    assert not entry.shared and entry.shared_at is None
    actions = list(
        AuditEvent.objects.filter(object_type="JournalEntry", action="update").values_list(
            "detail", flat=True
        )
    )
    assert actions == ["shared", "unshared"]


def test_it_ignores_a_next_address_on_another_site(personas, web_as):
    web = web_as(personas.a.user)
    write(web)
    entry = JournalEntry.objects.get()
    response = web.post(
        reverse("journal_share", args=[entry.pk]), {"shared": "1", "next": "https://evil.test/"}
    )
    assert response.headers["Location"] == reverse("journal_entry", args=[entry.pk])


def test_it_changes_an_entry_and_refuses_a_blank_change(personas, web_as):
    web = web_as(personas.a.user)
    write(web)
    entry = JournalEntry.objects.get()
    url = reverse("journal_entry", args=[entry.pk])
    assert "I can say no without a reason." in web.get(url).content.decode()
    response = web.post(url, {"kind": "note", "text": "   "})
    assert response.status_code == 422
    assert "Write something before saving." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.kind, entry.text) == ("insight", "I can say no without a reason.")
    web.post(url, {"kind": "note", "text": "Saying no is allowed."})
    entry.refresh_from_db()
    assert (entry.kind, entry.text) == ("note", "Saying no is allowed.")


def test_it_deletes_an_entry_after_asking(personas, web_as):
    web = web_as(personas.a.user)
    write(web)
    entry = JournalEntry.objects.get()
    url = reverse("journal_delete", args=[entry.pk])
    assert "cannot be undone" in web.get(url).content.decode()
    assert JournalEntry.objects.exists()
    web.post(url)
    assert not JournalEntry.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="JournalEntry", object_id=str(entry.pk), action="delete"
    ).exists()


def test_it_lets_nobody_else_open_change_or_delete_an_entry(personas, web_as):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="mine", shared=True)
    for who in ["b", "c1", "supervisor", "admin", "other_client"]:
        web = web_as(personas.users[who])
        assert web.get(reverse("journal_entry", args=[entry.pk])).status_code == 404
        assert (
            web.post(
                reverse("journal_entry", args=[entry.pk]), {"kind": "note", "text": "x"}
            ).status_code
            == 404
        )
        assert (
            web.post(reverse("journal_share", args=[entry.pk]), {"shared": "0"}).status_code == 404
        )
        assert web.post(reverse("journal_delete", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert (entry.text, entry.shared) == ("mine", True)


def test_it_filters_entries_by_kind(personas, web_as):
    JournalEntry.objects.create(client=personas.a, kind=Kind.INSIGHT, text="an insight")
    JournalEntry.objects.create(client=personas.a, kind=Kind.GRATITUDE, text="thankful for tea")
    page = web_as(personas.a.user).get(reverse("journal") + "?show=gratitude").content.decode()
    assert "thankful for tea" in page
    assert "an insight" not in page


def test_it_audits_every_entry_shown(personas, web_as):
    entries = [
        JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text=f"entry {n}")
        for n in range(3)
    ]
    web_as(personas.a.user).get(reverse("journal"))
    read = set(
        AuditEvent.objects.filter(object_type="JournalEntry", action="list").values_list(
            "object_id", flat=True
        )
    )
    assert read == {str(e.pk) for e in entries}


def test_it_shows_the_journal_in_a_fixed_number_of_queries(
    personas, web_as, django_assert_max_num_queries
):
    for n in range(30):
        JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text=f"entry {n}")
    web = web_as(personas.a.user)
    with django_assert_max_num_queries(20):
        assert web.get(reverse("journal")).status_code == 200


def session(client, days_ago, attendance=Attendance.ATTENDED):
    return Session.objects.create(
        client=client,
        counselor=client.counselor,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        attendance=attendance,
    )


def test_it_asks_for_a_gratitude_list_after_a_session(personas, web_as):
    web = web_as(personas.a.user)
    home = reverse("client_home")
    assert "Write a gratitude list" not in web.get(home).content.decode()
    held = session(personas.a, days_ago=1)
    assert "Write a gratitude list" in web.get(home).content.decode()
    journal = web.get(reverse("journal") + "?kind=gratitude")
    assert journal.context["form"]["kind"].value() == "gratitude"
    write(web, kind="gratitude", text="That Carmen listened.")
    assert JournalEntry.objects.get().session == held
    assert "Write a gratitude list" not in web.get(home).content.decode()


def test_it_does_not_ask_after_a_cancelled_session(personas, web_as):
    session(personas.a, days_ago=1, attendance=Attendance.CANCELLED)
    assert (
        "Write a gratitude list"
        not in web_as(personas.a.user).get(reverse("client_home")).content.decode()
    )


def test_it_asks_again_after_the_next_session(personas, web_as):
    session(personas.a, days_ago=8)
    JournalEntry.objects.create(
        client=personas.a,
        kind=Kind.GRATITUDE,
        text="last week",
        created_at=timezone.now() - datetime.timedelta(days=7),
    )
    web = web_as(personas.a.user)
    assert "Write a gratitude list" not in web.get(reverse("client_home")).content.decode()
    session(personas.a, days_ago=1)
    assert "Write a gratitude list" in web.get(reverse("client_home")).content.decode()


def test_it_shows_why_a_tampered_form_key_is_refused(personas, web_as):
    response = write(web_as(personas.a.user), key="k" * 300)
    assert response.status_code == 422
    assert "The idempotency key must be 1 to 255 printable characters." in response.content.decode()
    assert not JournalEntry.objects.exists()
