"""The three records of an agreement, as abstract models each kind of agreed record builds on.

- `Agreeable` (made for a kind by `agreed_record`): the record both sides agree to (a goal, a
  task). Agreement is kept as the version number each side last agreed to; the record is mutual
  while both equal its current version, so any edit (a new version) clears the other side's
  agreement without touching it.
- `version_record`: what the record said at one version, who wrote it, when each side agreed.
  The concrete model adds the fields a version keeps: those of the record's `snapshot()`.
- `end_proposal`: a proposal by one side to end the record (close a goal, drop a task), which
  the other side confirms or declines, or its proposer withdraws.

They add no table of their own: every field lands in the concrete model's table, as it stood
before these bases were drawn out. They are made by functions because the names in those tables
differ by kind (`goals_proposed`, `goals_one_pending_closure`…) and stay as they were, so the
migrations see no change.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alliance.care.models import Client, Side
from alliance.crypto import EncryptedTextField

NOTE_MAX = 1000
PROPOSED = "proposed"
AGREED = "agreed"
OPEN_STATUSES = (PROPOSED, AGREED)


def _abstract(name: str, fields: dict, meta: dict | None = None, base=models.Model):
    meta_class = type("Meta", (), {"abstract": True, **(meta or {})})
    return type(name, (base,), {"__module__": __name__, "Meta": meta_class, **fields})


class Agreeable(models.Model):
    """Something the client and their counselor agree to, version by version.

    A kind's record says `noun`, how pages and messages name one ("goal", whose pages are
    `goal_detail` and so on), and `ended_at`, the field that holds when it ended ("closed_at");
    gives `snapshot()`, what a version keeps of it by the version record's field names; and may
    say what follows when a version becomes mutual (`on_agreed`) or when it ends (`on_ended`).
    """

    status = models.CharField(max_length=10, default=PROPOSED)
    version = models.PositiveIntegerField(default=1)
    client_agreed_version = models.PositiveIntegerField(default=0)
    counselor_agreed_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    noun = "record"
    ended_at = ""

    class Meta:
        abstract = True

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse(f"{self.noun}_detail", kwargs={f"{self.noun}_id": self.pk})

    def snapshot(self) -> dict:
        """What a version keeps of the record, by the version record's field names. Each kind
        says its own (a goal's words, reason, values, scale and weight; a task's words,
        frequency and goal): there is no sensible default, so a kind without one fails loudly."""
        raise NotImplementedError(f"{type(self).__name__} must say what a version keeps")

    def on_agreed(self, version, user, at) -> None:
        """Called in the transaction in which `user`'s agreement made `version` (the version
        record) mutual."""

    def on_ended(self, proposal, user, at) -> list:
        """Called in the transaction in which `user` confirmed `proposal` and the record ended;
        returns the other records that changed with it, for the audit event."""
        return []

    def agreed_by(self, side: str) -> bool:
        return getattr(self, f"{side}_agreed_version") == self.version

    @property
    def agreed(self) -> dict[str, bool]:
        return {side: self.agreed_by(side) for side in Side.values}

    @property
    def is_mutual(self) -> bool:
        return all(self.agreed.values())

    def waiting_for(self) -> list[str]:
        """The sides that have not agreed to the current version."""
        return [side for side in Side.values if not self.agreed_by(side)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pending_end(self):
        """The proposal to end it that waits for an answer, if any. Needs the queryset's
        `with_relations()` (see `prefetch_pending_end`)."""
        return self.pending_ends[0] if self.pending_ends else None

    @classmethod
    def end_relation(cls):
        """The relation to its proposals to end it (`goal.closures`)."""
        (relation,) = [
            rel for rel in cls._meta.related_objects if issubclass(rel.related_model, EndProposal)
        ]
        return relation

    def end_proposals(self):
        """All its proposals to end it."""
        return getattr(self, self.end_relation().get_accessor_name())

    @classmethod
    def prefetch_pending_end(cls) -> models.Prefetch:
        """Prefetches each record's waiting proposal to end it into `pending_ends`."""
        relation = cls.end_relation()
        waiting = relation.related_model.objects.filter(answer="").select_related("proposed_by")
        return models.Prefetch(
            relation.get_accessor_name(), queryset=waiting, to_attr="pending_ends"
        )


def agreed_record(noun: str, statuses, *, ended_at: str) -> type[Agreeable]:
    """The abstract record of a kind named `noun` ("goal"): the client's (reached from them as
    `<noun>s`), proposed by `created_by` (`<noun>s_proposed`), with `statuses` (the open ones
    first) and the time it ended in the field named `ended_at`."""
    fields = {
        "client": models.ForeignKey(Client, on_delete=models.CASCADE, related_name=f"{noun}s"),
        "created_by": models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name=f"{noun}s_proposed"
        ),
        "status": models.CharField(max_length=10, choices=statuses.choices, default=PROPOSED),
        ended_at: models.DateTimeField(null=True, blank=True),
        "noun": noun,
        "ended_at": ended_at,
    }
    meta = {
        "ordering": ["created_at", "id"],
        "indexes": [models.Index(fields=["client", "status"])],
    }
    return _abstract("AgreedRecord", fields, meta, base=Agreeable)


class VersionRecord(models.Model):
    """What an agreed record said at one version, who wrote it, and when each side agreed."""

    number = models.PositiveIntegerField()
    side = models.CharField(max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)
    client_agreed_at = models.DateTimeField(null=True, blank=True)
    counselor_agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.record_id} v{self.number}"

    @property
    def record_id(self):
        return getattr(self, f"{self.noun}_id")

    def agreed_at(self, side: str):
        return getattr(self, f"{side}_agreed_at")


def version_record(record, *, written: str, unique: str) -> type[VersionRecord]:
    """The abstract version record of `record` (the model), reached from it as `versions`;
    `written` is the related name of the versions a person wrote ("goal_versions"), `unique`
    the name of the rule that numbers them once each."""
    noun = record.noun
    fields = {
        noun: models.ForeignKey(record, on_delete=models.CASCADE, related_name="versions"),
        "author": models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name=written
        ),
        "noun": noun,
    }
    meta = {
        "ordering": [noun, "number"],
        "constraints": [models.UniqueConstraint(fields=[noun, "number"], name=unique)],
    }
    return _abstract("VersionOf", fields, meta, base=VersionRecord)


class Answer(models.TextChoices):
    PENDING = "", "Waiting for an answer"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Withdrawn when it was changed"


class EndProposal(models.Model):
    """A proposal by one side to end an agreed record, and its answer.

    A kind's proposal says how it reads: `verb` ("close", which also names its audit actions,
    propose_close, close_confirmed…, and its pages), `gerund` ("closing"), `note_needed` (the
    message for a proposal without a note), and on the record's page `question` ("Drop this
    task?"), `confirm_label` and `keep_label` (the other side's two answers); and `ends_as`: the
    status the record takes once it is confirmed.
    """

    note = EncryptedTextField(validators=[MaxLengthValidator(NOTE_MAX)])
    side = models.CharField(max_length=10, choices=Side.choices)
    proposed_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = EncryptedTextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX)])

    Answer = Answer
    verb = gerund = note_needed = question = confirm_label = keep_label = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.verb.capitalize()} {getattr(self, f'{self.noun}_id')}"

    @classmethod
    def check_allowed(cls, record, **fields) -> None:
        """Refuses (`alliance.errors.Invalid`) a proposal with `fields` that the kind does not
        allow for `record` as it is now."""

    @property
    def is_pending(self) -> bool:
        return self.answer == Answer.PENDING


def end_proposal(record, *, related_name: str, proposed: str, pending: str) -> type[EndProposal]:
    """The abstract proposal to end `record` (the model), reached from it as `related_name`;
    `proposed` is the related name of the proposals a person made ("goal_closures", and
    `<proposed>_answered` of those they answered), `pending` the name of the rule that lets one
    at most wait for an answer."""
    noun = record.noun
    superseded = f"Withdrawn when the {noun} was changed"
    answers = [
        (answer.value, superseded if answer == Answer.SUPERSEDED else answer.label)
        for answer in Answer
    ]
    fields = {
        noun: models.ForeignKey(record, on_delete=models.CASCADE, related_name=related_name),
        "proposed_by": models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name=proposed
        ),
        "answer": models.CharField(max_length=10, choices=answers, blank=True, default=""),
        "answered_by": models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name=f"{proposed}_answered",
        ),
        "noun": noun,
    }
    meta = {
        "ordering": ["proposed_at", "id"],
        "constraints": [
            models.UniqueConstraint(fields=[noun], condition=Q(answer=""), name=pending)
        ],
    }
    return _abstract("EndOf", fields, meta, base=EndProposal)
