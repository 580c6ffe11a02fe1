"""The demo clinic's journals and notes tell the story the demo promises."""

import pytest
from django.utils import timezone

from alliance import demo
from alliance.care.models import Client, Session
from alliance.journal import services
from alliance.journal.demo import JOURNALS
from alliance.journal.models import JournalEntry, Kind
from alliance.notes.models import Note, NoteKind


@pytest.fixture(scope="module")
def seeded(seed_once):
    # Every test here only reads the demo, so it is seeded once for the module.
    return seed_once(demo.seed)


@pytest.fixture
def clinic(seeded, db):
    return seeded


def client(email):
    return Client.objects.select_related("counselor").get(user__email=email)


def test_it_gives_each_story_its_entries_some_shared(clinic):
    for email, story in JOURNALS.items():
        entries = JournalEntry.objects.filter(client__user__email=email)
        assert sorted(e.text for e in entries) == sorted(item.text for item in story)
    assert JournalEntry.objects.filter(shared=True).exists()
    assert not JournalEntry.objects.filter(
        client__user__email="robin@riverside.example", shared=True
    ).exists()
    assert all(e.created_at <= timezone.now() for e in JournalEntry.objects.all())


def test_it_leaves_sam_a_gratitude_list_to_write_and_agendas_for_maya(clinic):
    sam = client("sam@riverside.example")
    assert (
        services.gratitude_due(sam)
        == Session.objects.filter(client=sam, attendance="attended").first()
    )
    for email in ["sam@riverside.example", "priya@riverside.example"]:
        record = client(email)
        agenda = list(services.agenda(record, user=record.counselor))
        assert agenda and all(e.kind == Kind.BRING_UP and e.shared for e in agenda)
    assert services.gratitude_due(client("priya@riverside.example")) is None


def test_it_links_gratitude_lists_to_the_sessions_they_follow(clinic):
    lists = JournalEntry.objects.filter(kind=Kind.GRATITUDE).select_related("session")
    assert lists and all(e.session and e.session.date <= e.created_at.date() for e in lists)


def test_it_notes_every_session_and_keeps_psychotherapy_notes_with_their_author(clinic):
    sessions = Session.objects.filter(client__clinic=clinic).count()
    assert Note.objects.filter(kind=NoteKind.PROGRESS).count() == sessions
    therapy = Note.objects.filter(kind=NoteKind.PSYCHOTHERAPY)
    assert therapy.exists()
    supervisor = clinic.users.get(role="supervisor")
    assert not Note.objects.visible_to(supervisor).filter(kind=NoteKind.PSYCHOTHERAPY).exists()
    maya = clinic.users.get(email="maya@riverside.example")
    assert set(Note.objects.visible_to(maya).filter(kind=NoteKind.PSYCHOTHERAPY)) == set(
        therapy.filter(author=maya)
    )
