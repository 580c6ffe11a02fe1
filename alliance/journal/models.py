from django.db import models
from django.utils import timezone

from alliance.accounts.privacy import Audience, DataKind, Sees, audience_of, register
from alliance.care.models import Client, Session
from alliance.crypto import EncryptedTextField
from alliance.records import KindOfWriting, key_once, kind_known

MAX_TEXT_LENGTH = 10_000

JOURNAL = register(
    DataKind(
        key="journal",
        model="journal.JournalEntry",
        title="Your journal",
        description=(
            "Gratitude lists, insights to revisit, things to bring up next time and free "
            "notes. Every entry is private until you share it, and you can stop sharing it "
            "at any time."
        ),
        sees={
            Audience.YOU: Sees.ALL,
            Audience.COUNSELOR: Sees.SHARED,
            Audience.CLINIC: Sees.NOTHING,
        },
        writers=frozenset({Audience.YOU}),
        order=10,
    )
)


class Kind(models.TextChoices):
    GRATITUDE = "gratitude", "Gratitude list"
    INSIGHT = "insight", "Insight to revisit"
    BRING_UP = "bring_up", "Something to bring up next time"
    NOTE = "note", "Free note"


KIND_HELP = {
    Kind.GRATITUDE: "A few things from your last session you are thankful for.",
    Kind.INSIGHT: "Something you understood and want to come back to.",
    Kind.BRING_UP: "Shared items become the agenda for your next session.",
    Kind.NOTE: "Anything else.",
}


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The client's own entries; their counselor only the ones shared. See `JOURNAL`."""
        return self.filter(JOURNAL.rule(user))

    def writable_by(self, user):
        """Entries the person may change, share or delete: only `JOURNAL.writers` (the client)
        write, and only in what they can see."""
        if audience_of(user) not in JOURNAL.writers:
            return self.none()
        return self.filter(JOURNAL.rule(user))


class JournalEntry(KindOfWriting):
    """One entry in a client's journal; the text is encrypted at rest."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = EncryptedTextField()
    shared = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    # For a gratitude list, the session it looks back on.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "journal entries"
        indexes = [
            models.Index(fields=["client", "-created_at"]),
            models.Index(fields=["client", "shared", "kind"]),
        ]
        constraints = [
            kind_known(Kind, name="journal_entry_kind_known"),
            key_once("client", name="journal_entry_key_once"),
        ]
