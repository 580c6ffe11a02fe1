"""Writing counselor notes, each write and read in the audit trail under its own category."""

from alliance.accounts.models import User
from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.cleaning import clean_choice, clean_key, clean_writing
from alliance.errors import Invalid, NotAllowed
from alliance.listing import record_shown
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind
from alliance.once import store_once


def target(note: Note, client: Client) -> audit.Target:
    return audit.Target(note.audit_type, note.pk, client_id=client.pk, clinic_id=client.clinic_id)


def record_reads(request, *, notes, client: Client, action: str = "read") -> None:
    record_shown(request, client, notes, target=target, action=action, detail="notes")


def clean_text(text) -> str:
    return clean_writing(
        text,
        max_length=MAX_TEXT_LENGTH,
        as_text="Write the note as text.",
        empty="Write the note before saving.",
        one="A note",
    )


def clean_kind(kind) -> str:
    return clean_choice(kind, NoteKind, field="kind")


def check_writer(client: Client, *, user: User, kind: str | None = None) -> None:
    """Refuse anyone the kind's rule does not name as a writer (an unknown kind is judged
    by the progress-note rule, so a client hears they cannot write notes at all)."""
    if not KINDS.get(kind, KINDS[NoteKind.PROGRESS]).can_write(user, client):
        raise NotAllowed("Only the client's counselor writes notes in their record.")


def check_session(client: Client, *, session: Session | None) -> None:
    if session is not None and session.client_id != client.pk:
        raise Invalid("No session with this id in this client's record.", field="session_id")


def write_note(
    client: Client,
    *,
    user: User,
    kind: str,
    text: str,
    session: Session | None = None,
    key: str | None = None,
    request=None,
) -> tuple[Note, bool]:
    """Store a note by `user`, who must be the client's counselor; returns it and whether it
    is new (a repeated idempotency key returns the first note and stores nothing)."""
    check_writer(client, user=user, kind=kind)
    kind = clean_kind(kind)
    text = clean_text(text)
    check_session(client, session=session)
    key = clean_key(key)

    def store() -> Note:
        note = Note.objects.create(
            client=client, author=user, kind=kind, text=text, session=session, idempotency_key=key
        )
        audit.record(request, "create", target(note, client), actor=user)
        return note

    def same(earlier: Note) -> bool:
        return (
            earlier.client_id == client.pk
            and earlier.kind == kind
            and earlier.session_id == (session.pk if session else None)
            and earlier.text == text
        )

    return store_once(
        key,
        earlier=lambda: Note.objects.filter(author=user, idempotency_key=key).first(),
        same=same,
        store=store,
        different="This idempotency key was already used for a different note; send a new key "
        "for a new note.",
    )
