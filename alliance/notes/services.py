"""Writing counselor notes, each write and read in the audit trail under its own category."""

from django.db import IntegrityError, transaction

from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind

MAX_KEY_LENGTH = 255


class NoteError(Exception):
    """A note that cannot be stored; `status` is what the API answers with."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotWriter(NoteError):
    """The caller may see the record but does not write notes in it."""

    status = 403


def target(note: Note, client: Client) -> audit.Target:
    return audit.Target(note.audit_type, note.pk, client_id=client.pk, clinic_id=client.clinic_id)


def record_reads(request, notes, client: Client, action: str = "read") -> None:
    """One event per note shown; with none shown, one for the record that was looked at."""
    targets = [target(note, client) for note in notes] or [audit.for_client(client)]
    audit.record(request, action, targets, detail="notes")


def clean_text(text) -> str:
    if not isinstance(text, str):
        raise NoteError("Write the note as text.", "text")
    text = text.strip()
    if not text:
        raise NoteError("Write the note before saving.", "text")
    if len(text) > MAX_TEXT_LENGTH:
        raise NoteError(
            f"A note can be at most {MAX_TEXT_LENGTH:,} characters; this one has {len(text):,}.",
            "text",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError("The text contains characters that cannot be stored.", "text")
    return text


def clean_kind(kind) -> str:
    if kind not in NoteKind.values:
        raise NoteError(f"Choose one of: {', '.join(NoteKind.values)}.", "kind")
    return kind


def clean_key(key: str | None) -> str:
    if key is None or key == "":
        return ""
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise NoteError(
            f"The idempotency key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            "idempotency_key",
        )
    return key


def check_writer(user, client: Client, kind: str | None = None) -> None:
    """Refuse anyone the kind's rule does not name as a writer (an unknown kind is judged
    by the progress-note rule, so a client hears they cannot write notes at all)."""
    if not KINDS.get(kind, KINDS[NoteKind.PROGRESS]).can_write(user, client):
        raise NotWriter("Only the client's counselor writes notes in their record.")


def check_session(client: Client, session: Session | None) -> None:
    if session is not None and session.client_id != client.pk:
        raise NoteError("No session with this id in this client's record.", "session_id")


def write_note(
    client: Client,
    user,
    *,
    kind: str,
    text: str,
    session: Session | None = None,
    key: str | None = None,
    request=None,
) -> tuple[Note, bool]:
    """Store a note by `user`, who must be the client's counselor; returns it and whether it
    is new (a repeated idempotency key returns the first note and stores nothing)."""
    check_writer(user, client, kind)
    kind = clean_kind(kind)
    text = clean_text(text)
    check_session(client, session)
    key = clean_key(key)
    if key:
        earlier = Note.objects.filter(author=user, idempotency_key=key).first()
        if earlier is not None:
            return _repeat(earlier, client, kind, text, session), False
    note = Note(client=client, author=user, kind=kind, text=text, session=session)
    note.idempotency_key = key
    try:
        with transaction.atomic():
            note.save()
            audit.record(request, "create", target(note, client), actor=user)
    except IntegrityError:
        earlier = Note.objects.filter(author=user, idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return _repeat(earlier, client, kind, text, session), False
    return note, True


def _repeat(earlier: Note, client, kind, text, session) -> Note:
    same = (
        earlier.client_id == client.pk
        and earlier.kind == kind
        and earlier.session_id == (session.pk if session else None)
        and earlier.text == text
    )
    if not same:
        raise NoteError(
            "This idempotency key was already used for a different note; send a new key for "
            "a new note.",
            "idempotency_key",
        )
    return earlier
