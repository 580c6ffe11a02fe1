"""The notes API: the client's counselor writes; listings never carry anyone else's
psychotherapy notes."""

import json

import pytest
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance, Session
from alliance.notes.models import MAX_TEXT_LENGTH, Note, NoteKind


def post(api, client, body, **headers):
    return api.post(
        f"/api/v1/clients/{client.pk}/notes",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def listing(api, client, query=""):
    return api.get(f"/api/v1/clients/{client.pk}/notes{query}")


def test_it_stores_a_progress_note_with_its_session(personas, api_as):
    session = Session.objects.create(
        client=personas.a,
        counselor=personas.c1,
        date=timezone.localdate(),
        attendance=Attendance.NO_SHOW,
    )
    body = {"kind": "progress", "text": "Did not attend; phoned.", "session_id": session.pk}
    response = post(api_as(personas.c1), personas.a, body)
    assert response.status_code == 201
    note = response.json()
    assert (note["kind"], note["session_id"], note["author"]["name"]) == (
        "progress",
        session.pk,
        "Carmen Counselor",
    )


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"kind": "progress", "text": " "}, "text", "Write the note before saving."),
        ({"kind": "progress", "text": "x" * (MAX_TEXT_LENGTH + 1)}, "text", "at most 20000"),
        ({"kind": "private", "text": "x"}, "kind", "progress"),
        ({"kind": "progress", "text": "x", "session_id": 0}, "session_id", "greater than"),
        ({"kind": "progress", "text": "x", "session_id": 2**62}, "session_id", "No session"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(personas, api_as, body, field, message):
    response = post(api_as(personas.c1), personas.a, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(item["loc"][-1] == field and message in item["msg"] for item in detail), detail
    assert not Note.objects.exists()


def test_it_refuses_a_session_of_another_client(personas, api_as):
    other = Session.objects.create(
        client=personas.b, counselor=personas.c1, date=timezone.localdate(), attendance="attended"
    )
    body = {"kind": "progress", "text": "x", "session_id": other.pk}
    assert post(api_as(personas.c1), personas.a, body).status_code == 422
    assert not Note.objects.exists()


def test_it_refuses_clients_and_clinic_leads_writing_notes(personas, api_as):
    for who in ["a", "supervisor", "admin"]:
        response = post(api_as(personas.users[who]), personas.a, {"kind": "progress", "text": "x"})
        assert response.status_code == 403
        assert "Only the client's counselor writes notes" in response.json()["detail"]
    assert (
        post(api_as(personas.c2), personas.a, {"kind": "progress", "text": "x"}).status_code == 404
    )
    assert not Note.objects.exists()


def test_it_refuses_a_client_reading_notes(personas, api_as):
    Note.objects.create(client=personas.a, author=personas.c1, kind="progress", text="about A")
    response = listing(api_as(personas.a.user), personas.a)
    assert response.status_code == 403
    assert "not by clients" in response.json()["detail"]


def test_it_lists_psychotherapy_notes_for_their_author_only(personas, api_as):
    progress = Note.objects.create(client=personas.a, author=personas.c1, kind="progress", text="p")
    mine = Note.objects.create(
        client=personas.a, author=personas.c1, kind=NoteKind.PSYCHOTHERAPY, text="mine"
    )
    Note.objects.create(
        client=personas.a, author=personas.c2, kind=NoteKind.PSYCHOTHERAPY, text="Chidi's"
    )
    ids = [n["id"] for n in listing(api_as(personas.c1), personas.a).json()["items"]]
    assert sorted(ids) == sorted([progress.pk, mine.pk])
    for who in ["supervisor", "admin"]:
        body = listing(api_as(personas.users[who]), personas.a).json()
        assert [n["id"] for n in body["items"]] == [progress.pk]
        assert body["count"] == 1
        kinds = listing(api_as(personas.users[who]), personas.a, "?kind=psychotherapy").json()
        assert kinds["count"] == 0


def test_it_audits_a_psychotherapy_note_listing_under_its_own_category(personas, api_as):
    mine = Note.objects.create(
        client=personas.a, author=personas.c1, kind=NoteKind.PSYCHOTHERAPY, text="mine"
    )
    listing(api_as(personas.c1), personas.a)
    event = AuditEvent.objects.get(object_type="PsychotherapyNote", action="list")
    assert (event.object_id, event.actor_id, event.via) == (str(mine.pk), personas.c1.pk, "api")


def test_it_stores_one_note_for_a_repeated_idempotency_key(personas, api_as):
    api = api_as(personas.c1)
    body = {"kind": "progress", "text": "once"}
    first = post(api, personas.a, body, HTTP_IDEMPOTENCY_KEY="n-1")
    again = post(api, personas.a, body, HTTP_IDEMPOTENCY_KEY="n-1")
    assert first.json()["id"] == again.json()["id"]
    changed = post(
        api, personas.a, {"kind": "progress", "text": "other"}, HTTP_IDEMPOTENCY_KEY="n-1"
    )
    assert changed.status_code == 422
    assert Note.objects.count() == 1


def test_it_lists_in_a_fixed_number_of_queries(personas, api_as, django_assert_max_num_queries):
    for n in range(30):
        Note.objects.create(client=personas.a, author=personas.c1, kind="progress", text=f"{n}")
    api = api_as(personas.supervisor)
    with django_assert_max_num_queries(12):
        assert listing(api, personas.a).json()["count"] == 30
