from alliance.notes.models import Note, NoteKind
from alliance.tests.access import Entry, operations, pages


def of_a(p, who):
    return {"client_id": p.a.pk}


def note_of_a(p, kind, author=None):
    return Note.objects.create(
        client=p.a, author=author or p.c1, kind=kind, text="Talked through the week."
    )


WEB = {
    "client_notes": Entry(pages(404, admin=200, supervisor=200, c1=200), kwargs=of_a),
}

API = {
    ("POST", "/api/v1/clients/{client_id}/notes"): Entry(
        operations(404, c1=201, a=403, supervisor=403, admin=403),
        method="POST",
        kwargs=of_a,
        data=lambda p, who: {"kind": "progress", "text": "Agreed to try the breathing task."},
    ),
    ("GET", "/api/v1/clients/{client_id}/notes"): Entry(
        operations(404, c1=200, supervisor=200, admin=200, a=403), kwargs=of_a
    ),
}

PRIVACY = {
    "progress_notes": lambda p: [note_of_a(p, NoteKind.PROGRESS)],
    # One by Carmen, and one left by Chidi when Amira was his client.
    "psychotherapy_notes": lambda p: [
        note_of_a(p, NoteKind.PSYCHOTHERAPY),
        note_of_a(p, NoteKind.PSYCHOTHERAPY, author=p.c2),
    ],
}
