"""Writing counselor notes, each write and read in the audit trail under its own category."""

from django.db import IntegrityError, transaction

from alliance.accounts.models import User
from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.errors import Invalid, NotAllowed
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind

MAX_KEY_LENGTH = 255


def target(note: Note, client: Client) -> audit.Target:
    return audit.Target(note.audit_type, note.pk, client_id=client.pk, clinic_id=client.clinic_id)


def record_reads(request, *, notes, client: Client, action: str = "read") -> None:
    """One event per note shown; with none shown, one for the record that was looked at."""
    targets = [target(note, client) for note in notes] or [audit.for_client(client)]
    audit.record(request, action, targets, detail="notes")


def clean_text(text) -> str:
    if not isinstance(text, str):
        raise Invalid("Write the note as text.", field="text")
    text = text.strip()
    if not text:
        raise Invalid("Write the note before saving.", field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise Invalid(
            f"A note can be at most {MAX_TEXT_LENGTH:,} characters; this one has {len(text):,}.",
            field="text",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("The text contains characters that cannot be stored.", field="text")
    return text


def clean_kind(kind) -> str:
    if kind not in NoteKind.values:
        raise Invalid(f"Choose one of: {', '.join(NoteKind.values)}.", field="kind")
    return kind


def clean_key(key: str | None) -> str:
    if key is None or key == "":
        return ""
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid(
            f"The idempotency key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            field="idempotency_key",
        )
    return key


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
    if key:
        earlier = Note.objects.filter(author=user, idempotency_key=key).first()
        if earlier is not None:
            return _repeat(earlier, client=client, kind=kind, text=text, session=session), False
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
        return _repeat(earlier, client=client, kind=kind, text=text, session=session), False
    return note, True


def _repeat(earlier: Note, *, client, kind, text, session) -> Note:
    same = (
        earlier.client_id == client.pk
        and earlier.kind == kind
        and earlier.session_id == (session.pk if session else None)
        and earlier.text == text
    )
    if not same:
        raise Invalid(
            "This idempotency key was already used for a different note; send a new key for "
            "a new note.",
            field="idempotency_key",
        )
    return earlier
