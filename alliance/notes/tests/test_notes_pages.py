"""The notes page: the counselor writes, clinic leads read progress notes, psychotherapy notes
stay with their author."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance, Session
from alliance.notes.models import MAX_TEXT_LENGTH, Note, NoteKind


def url(personas):
    return reverse("client_notes", args=[personas.a.pk])


def write(web, personas, **fields):
    data = {"kind": "progress", "text": "Explored the argument with her sister.", "key": "k1"}
    data.update(fields)
    return web.post(url(personas), {k: v for k, v in data.items() if v is not None})


def held(client):
    return Session.objects.create(
        client=client,
        counselor=client.counselor,
        date=timezone.localdate(),
        attendance=Attendance.ATTENDED,
    )


def test_it_saves_a_progress_note_for_a_session(personas, web_as):
    session = held(personas.a)
    web = web_as(personas.c1)
    response = write(web, personas, session=session.pk)
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.author, note.kind, note.session) == (personas.c1, "progress", session)
    page = web.get(url(personas)).content.decode()
    assert "Progress note saved." in page
    assert "Explored the argument with her sister." in page
    assert AuditEvent.objects.filter(object_type="ProgressNote", action="create").exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "  "}, "Write the note before saving."),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "A note can be at most 20,000 characters"),
        ({"kind": "gossip"}, "Choose a progress note or a psychotherapy note."),
        ({"session": "999999"}, "Choose one of this client&#x27;s sessions."),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(personas, web_as, fields, message):
    response = write(web_as(personas.c1), personas, **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Note.objects.exists()


def test_it_refuses_a_session_of_another_client(personas, web_as):
    other = held(personas.b)
    response = write(web_as(personas.c1), personas, session=other.pk)
    assert response.status_code == 422
    assert not Note.objects.exists()


def test_it_shows_psychotherapy_notes_to_their_author_alone(personas, web_as):
    write(web_as(personas.c1), personas, kind="psychotherapy", text="My countertransference.")
    assert AuditEvent.objects.filter(object_type="PsychotherapyNote", action="create").exists()
    assert "My countertransference." in web_as(personas.c1).get(url(personas)).content.decode()
    for who in ["supervisor", "admin"]:
        page = web_as(personas.users[who]).get(url(personas)).content.decode()
        assert "My countertransference." not in page
        assert "Your psychotherapy notes" not in page


def test_it_lets_supervisors_read_progress_notes_but_not_write(personas, web_as):
    write(web_as(personas.c1), personas)
    web = web_as(personas.supervisor)
    page = web.get(url(personas)).content.decode()
    assert "Explored the argument with her sister." in page
    assert "Write a note" not in page
    assert write(web, personas, text="by the supervisor").status_code == 403
    assert Note.objects.count() == 1


def test_it_keeps_notes_from_clients(personas, web_as):
    Note.objects.create(client=personas.a, author=personas.c1, kind="progress", text="about A")
    assert web_as(personas.a.user).get(url(personas)).status_code == 404
    page = web_as(personas.a.user).get(reverse("client_home")).content.decode()
    assert "about A" not in page


def test_it_stores_one_note_when_the_form_is_sent_twice(personas, web_as):
    web = web_as(personas.c1)
    write(web, personas, key="same")
    write(web, personas, key="same")
    assert Note.objects.count() == 1


def test_it_records_each_note_read_under_its_own_category(personas, web_as):
    Note.objects.create(client=personas.a, author=personas.c1, kind="progress", text="p")
    mine = Note.objects.create(
        client=personas.a, author=personas.c1, kind=NoteKind.PSYCHOTHERAPY, text="q"
    )
    web_as(personas.c1).get(url(personas))
    read = AuditEvent.objects.filter(action="read", actor_id=personas.c1.pk)
    assert set(read.values_list("object_type", flat=True)) == {"ProgressNote", "PsychotherapyNote"}
    assert read.get(object_type="PsychotherapyNote").object_id == str(mine.pk)
