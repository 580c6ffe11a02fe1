"""What the counselor sees of a client's journal: shared entries, read-only, and the agenda."""

import datetime

from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance, Session
from alliance.journal.models import JournalEntry, Kind


def entry(client, text, kind=Kind.NOTE, shared=False, shared_days_ago=0):
    shared_at = timezone.now() - datetime.timedelta(days=shared_days_ago) if shared else None
    return JournalEntry.objects.create(
        client=client, kind=kind, text=text, shared=shared, shared_at=shared_at
    )


def test_it_shows_the_counselor_shared_entries_only(personas, web_as):
    entry(personas.a, "kept to myself")
    entry(personas.a, "I want Carmen to read this", shared=True)
    web = web_as(personas.c1)
    for url in [
        reverse("client_detail", args=[personas.a.pk]),
        reverse("client_journal", args=[personas.a.pk]),
    ]:
        page = web.get(url).content.decode()
        assert "I want Carmen to read this" in page
        assert "kept to myself" not in page


def test_it_offers_the_counselor_no_way_to_change_an_entry(personas, web_as):
    entry(personas.a, "shared thought", shared=True)
    page = web_as(personas.c1).get(reverse("client_journal", args=[personas.a.pk]))
    assert b"<form" not in page.content.split(b"<main", 1)[1]


def test_it_shows_supervisors_and_admins_no_journal_entry(personas, web_as):
    entry(personas.a, "shared with my counselor only", shared=True)
    for who in ["supervisor", "admin"]:
        web = web_as(personas.users[who])
        page = web.get(reverse("client_detail", args=[personas.a.pk])).content.decode()
        assert "shared with my counselor only" not in page
        assert "only their counselor sees the entries they choose to share" in page
        assert web.get(reverse("client_journal", args=[personas.a.pk])).status_code == 404


def test_it_puts_shared_bring_up_items_since_the_last_session_on_the_agenda(personas, web_as):
    Session.objects.create(
        client=personas.a,
        counselor=personas.c1,
        date=timezone.localdate() - datetime.timedelta(days=3),
        attendance=Attendance.ATTENDED,
    )
    entry(personas.a, "talked about last time", Kind.BRING_UP, shared=True, shared_days_ago=5)
    entry(personas.a, "my sister's visit", Kind.BRING_UP, shared=True, shared_days_ago=1)
    entry(personas.a, "not ready to say this", Kind.BRING_UP, shared=False)
    entry(personas.a, "an insight, not an agenda item", Kind.INSIGHT, shared=True)
    page = web_as(personas.c1).get(reverse("client_detail", args=[personas.a.pk]))
    agenda = page.content.decode().split("Agenda for the next session", 1)[1].split("</section>")[0]
    assert "my sister&#x27;s visit" in agenda
    assert "talked about last time" not in agenda
    assert "not ready to say this" not in agenda
    assert "an insight, not an agenda item" not in agenda


def test_it_audits_what_the_counselor_reads_on_the_client_page(personas, web_as):
    shared = entry(personas.a, "shared", shared=True)
    private = entry(personas.a, "private")
    web_as(personas.c1).get(reverse("client_detail", args=[personas.a.pk]))
    read = set(
        AuditEvent.objects.filter(object_type="JournalEntry", actor_id=personas.c1.pk).values_list(
            "object_id", flat=True
        )
    )
    assert read == {str(shared.pk)}
    assert str(private.pk) not in read


def test_it_lets_a_new_counselor_see_what_was_shared(personas, web_as):
    entry(personas.a, "for whoever is my counselor", shared=True)
    personas.a.counselor = personas.c2
    personas.a.save()
    assert (
        "for whoever is my counselor"
        in web_as(personas.c2).get(reverse("client_journal", args=[personas.a.pk])).content.decode()
    )
    assert (
        web_as(personas.c1).get(reverse("client_journal", args=[personas.a.pk])).status_code == 404
    )


def test_it_shows_the_latest_notes_on_the_client_page_and_who_may_add_one(personas, web_as):
    from alliance.notes import services as notes

    note, _ = notes.write_note(personas.a, user=personas.c1, kind="progress", text="Steadier.")
    url = reverse("client_detail", args=[personas.a.pk])
    page = web_as(personas.c1).get(url).content.decode()
    assert "Steadier." in page
    assert "Write a note or read all notes (1)" in page
    page = web_as(personas.supervisor).get(url).content.decode()
    assert "All notes (1)" in page and "Write a note" not in page
    assert AuditEvent.objects.filter(object_id=str(note.pk), actor_id=personas.supervisor.pk)
