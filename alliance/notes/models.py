from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.accounts.privacy import Audience, DataKind, Sees, register
from alliance.care.models import Client, Session
from alliance.crypto import EncryptedTextField
from alliance.records import KindOfWriting, key_once, kind_known

MAX_TEXT_LENGTH = 20_000


class NoteKind(models.TextChoices):
    PROGRESS = "progress", "Progress note"
    PSYCHOTHERAPY = "psychotherapy", "Psychotherapy note"


def note_kind(kind: NoteKind, *, key, title, description, counselor, clinic, order) -> DataKind:
    """Each kind of note is written by the client's counselor alone and never shown to the
    client; what differs is who else reads it (`counselor`, `clinic`: a `Sees`)."""
    return register(
        DataKind(
            key=key,
            model="notes.Note",
            title=title,
            description=description,
            sees={
                Audience.YOU: Sees.NOTHING,
                Audience.COUNSELOR: counselor,
                Audience.CLINIC: clinic,
            },
            writers=frozenset({Audience.COUNSELOR}),
            scope=models.Q(kind=kind),
            order=order,
        )
    )


PROGRESS_NOTES = note_kind(
    NoteKind.PROGRESS,
    key="progress_notes",
    title="Your counselor's progress notes",
    description=(
        "Short notes your counselor writes about each session, part of the clinic's "
        "record of your care. They are not shown to you in Alliance."
    ),
    counselor=Sees.ALL,
    clinic=Sees.ALL,
    order=20,
)

PSYCHOTHERAPY_NOTES = note_kind(
    NoteKind.PSYCHOTHERAPY,
    key="psychotherapy_notes",
    title="Your counselor's psychotherapy notes",
    description=(
        "Your counselor's own working notes. Only the counselor who wrote a note can read "
        "it: a new counselor does not see an earlier counselor's notes, and they are left "
        "out of every export and report."
    ),
    counselor=Sees.OWN,
    clinic=Sees.NOTHING,
    order=30,
)

KINDS = {NoteKind.PROGRESS: PROGRESS_NOTES, NoteKind.PSYCHOTHERAPY: PSYCHOTHERAPY_NOTES}

# Each kind is its own category in the audit trail, so reads of psychotherapy notes can be
# reviewed apart from the rest of the record.
AUDIT_TYPES = {NoteKind.PROGRESS: "ProgressNote", NoteKind.PSYCHOTHERAPY: "PsychotherapyNote"}


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Progress notes for the client's counselor and clinic leads; psychotherapy notes
        for their author only (while the client is theirs). See `PROGRESS_NOTES` and
        `PSYCHOTHERAPY_NOTES`."""
        return self.filter(PROGRESS_NOTES.rule(user) | PSYCHOTHERAPY_NOTES.rule(user))


class Note(KindOfWriting):
    """A counselor's note about a client; kept as written (a correction is a new note)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes_written"
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    text = EncryptedTextField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "-created_at"])]
        constraints = [
            kind_known(NoteKind, name="notes_note_kind_known"),
            key_once("author", name="notes_note_key_once"),
        ]

    @property
    def is_psychotherapy(self) -> bool:
        return self.kind == NoteKind.PSYCHOTHERAPY

    @property
    def audit_type(self) -> str:
        return AUDIT_TYPES[self.kind]
