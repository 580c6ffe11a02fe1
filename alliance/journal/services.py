"""Writing in a client's journal, sharing entries, and what the journal asks for next."""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.cleaning import clean_choice, clean_key, clean_writing
from alliance.errors import NotAllowed
from alliance.journal.models import JOURNAL, MAX_TEXT_LENGTH, JournalEntry, Kind
from alliance.once import store_once

OBJECT_TYPE = "JournalEntry"


def target(entry: JournalEntry, client: Client) -> audit.Target:
    return audit.Target(OBJECT_TYPE, entry.pk, client_id=client.pk, clinic_id=client.clinic_id)


def clean_text(text) -> str:
    """The rules for entry text, shared by the page and the API."""
    return clean_writing(
        text,
        max_length=MAX_TEXT_LENGTH,
        as_text="Write the entry as text.",
        empty="Write something before saving.",
        one="An entry",
    )


def clean_kind(kind) -> str:
    return clean_choice(kind, Kind, field="kind")


def check_writer(client: Client, *, user: User) -> None:
    if not JOURNAL.can_write(user, client):
        raise NotAllowed(
            "Only the client writes in their own journal; their counselor reads the entries "
            "they choose to share."
        )


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def last_attended_session(client: Client) -> Session | None:
    return (
        Session.objects.filter(
            client=client, attendance=Attendance.ATTENDED, date__lte=timezone.localdate()
        )
        .order_by("-date", "-id")
        .first()
    )


def gratitude_due(client: Client) -> Session | None:
    """The session a gratitude list is asked for: the latest one that took place, when the
    client has written no gratitude list since its day began (a list written the same
    evening counts for it)."""
    session = last_attended_session(client)
    if session is None:
        return None
    written = client.journal_entries.filter(
        kind=Kind.GRATITUDE, created_at__gte=start_of(session.date)
    ).exists()
    return None if written else session


def agenda(client: Client, *, user: User):
    """Shared "bring up next time" entries for the next session, oldest first.

    An item belongs to the next session when it was shared on or after the day of the last
    session that took place: an item shared on the day itself may have been written after
    the session, and showing it once more is better than losing it.
    """
    entries = JournalEntry.objects.visible_to(user).filter(
        client=client, kind=Kind.BRING_UP, shared=True
    )
    session = last_attended_session(client)
    if session is not None:
        entries = entries.filter(shared_at__gte=start_of(session.date))
    return entries.order_by("shared_at", "id")


def write_entry(
    client: Client,
    *,
    user: User,
    kind: str,
    text: str,
    shared: bool = False,
    key: str | None = None,
    request=None,
) -> tuple[JournalEntry, bool]:
    """Store a new entry; returns it and whether it is new.

    Repeating a request with the same idempotency key returns the first entry and stores
    nothing; the same key with different content is an error.
    """
    check_writer(client, user=user)
    kind = clean_kind(kind)
    text = clean_text(text)
    key = clean_key(key)
    shared = bool(shared)

    def store() -> JournalEntry:
        now = timezone.now()
        session = last_attended_session(client) if kind == Kind.GRATITUDE else None
        entry = JournalEntry.objects.create(
            client=client,
            kind=kind,
            text=text,
            shared=shared,
            shared_at=now if shared else None,
            session=session,
            idempotency_key=key,
            created_at=now,
            updated_at=now,
        )
        audit.record(
            request,
            "create",
            target(entry, client),
            actor=user,
            detail="shared" if shared else "private",
        )
        return entry

    return store_once(
        key,
        earlier=lambda: client.journal_entries.filter(idempotency_key=key).first(),
        same=lambda e: e.kind == kind and e.text == text and e.shared == shared,
        store=store,
        different="This idempotency key was already used for a different entry; send a new key "
        "for a new entry.",
    )


def update_entry(
    entry: JournalEntry,
    *,
    user: User,
    kind: str | None = None,
    text: str | None = None,
    shared: bool | None = None,
    request=None,
) -> JournalEntry:
    """Change an entry's kind, text or sharing; only what is given changes."""
    client = entry.client
    check_writer(client, user=user)
    changes = []
    if kind is not None and clean_kind(kind) != entry.kind:
        entry.kind = kind
        changes.append("kind")
    if text is not None:
        text = clean_text(text)
        if text != entry.text:
            entry.text = text
            changes.append("text")
    if shared is not None and bool(shared) != entry.shared:
        entry.shared = bool(shared)
        entry.shared_at = timezone.now() if entry.shared else None
        changes.append("shared" if entry.shared else "unshared")
    if not changes:
        return entry
    entry.updated_at = timezone.now()
    with transaction.atomic():
        entry.save(update_fields=["kind", "text", "shared", "shared_at", "updated_at"])
        audit.record(request, "update", target(entry, client), actor=user, detail=" ".join(changes))
    return entry


def delete_entry(entry: JournalEntry, *, user: User, request=None) -> None:
    client = entry.client
    check_writer(client, user=user)
    with transaction.atomic():
        audit.record(request, "delete", target(entry, client), actor=user)
        entry.delete()
