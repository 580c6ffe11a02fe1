"""Agreement's writes, once for every kind of agreed record: each one transaction with its audit
event, refusing with `alliance.errors` only.

Concurrency: every change to a record is a conditional UPDATE (`WHERE version = n`) issued as the
first write of its transaction (`advance`). Of two changes based on the same version exactly one
matches; the other finds nothing to update and is refused with the current record (`Conflict`),
so no edit is lost.

Who writes: the client and their counselor, each for their own side (`writer`); anyone else who
may see the record only reads it. A kind's services (goals, tasks) check that first, then clean
their own input and call these with it: the fields of a new record, the changes of a new version
by the names of the record's `snapshot()`, and a callback for what lives outside the record's
row (a goal's values and scale). Every kind's edits are compared the same way: the snapshot
before against the snapshot with the changes, so saving what is already there makes no version.
What follows for a kind when a version becomes mutual, or the record ends, is the concrete
model's (`Agreeable.on_agreed`, `on_ended`, `EndProposal.check_allowed`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.agreement.models import AGREED, NOTE_MAX, OPEN_STATUSES, PROPOSED, Answer
from alliance.audit import services as audit
from alliance.care.models import Side
from alliance.errors import Conflict, Invalid, NotAllowed


def clean_text(value, field: str, max_length: int, *, blank: str | None = None) -> str:
    """Trimmed text with browser line endings made plain; `blank` is the message when it is
    required and empty (None means it may be empty)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("Expected text.", field=field)
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    unstorable = "\x00" in value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        unstorable = True
    if unstorable:
        raise Invalid("The text contains a character that cannot be stored.", field=field)
    if blank is not None and not value:
        raise Invalid(blank, field=field)
    if len(value) > max_length:
        raise Invalid(
            f"Keep this to {max_length} characters or fewer (it has {len(value)}).", field=field
        )
    return value


# -- who writes -------------------------------------------------------------------------------


def writer(user, client, model) -> str:
    """The side `user` writes for on the client's records of `model`: the client themself or
    their counselor. Anyone else who sees the record only reads it, and is refused."""
    side = client.side_of(user)
    if side is None:
        raise NotAllowed(
            f"Only the client and their counselor change {model.noun}s; you can read them."
        )
    return side


def other_side(side: str) -> str:
    return Side.COUNSELOR if side == Side.CLIENT else Side.CLIENT


# -- reading back -----------------------------------------------------------------------------


def moment(at: datetime | None) -> datetime:
    return at or timezone.now()


def targets(client, *objects) -> list:
    return [audit.for_object(obj, client) for obj in objects]


def current(model, pk):
    return model.objects.select_related("client").get(pk=pk)


def closed_message(record) -> str:
    return (
        f"This {record.noun} is {record.get_status_display().lower()}; it can no longer be changed."
    )


def stale(model, pk, read_version: int | None = None) -> Conflict:
    """The refusal of a change based on `read_version`, with the record as it is now."""
    now = current(model, pk)
    if not now.is_open:
        return Conflict(closed_message(now), current=now)
    if not read_version:
        return Conflict(
            f"This {model.noun} changed: it is now at version {now.version}.", current=now
        )
    latest = now.versions.select_related("author").order_by("-number").first()
    who = latest.author.name if latest else "Someone"
    return Conflict(
        f"{who} saved version {now.version} of this {model.noun} while you were looking at "
        f"version {read_version}. Read the newer wording before you change or agree to it.",
        current=now,
    )


def _end_model(model):
    return model.end_relation().related_model


def pending_end(record):
    """The proposal to end `record` that waits for an answer, if any, read from the database."""
    waiting = record.end_proposals().filter(answer=Answer.PENDING)
    return waiting.select_related("proposed_by").first()


# -- versions ---------------------------------------------------------------------------------


def _add_version(record, number: int, user, side: str, at, fields: dict):
    relation = type(record)._meta.get_field("versions")
    return relation.related_model.objects.create(
        **{relation.field.name: record},
        number=number,
        author=user,
        side=side,
        created_at=at,
        **{f"{side}_agreed_at": at},
        **fields,
    )


@transaction.atomic
def propose(
    user, client, model, fields: dict, *, attach=None, version_fields=None, request=None, at=None
):
    """A new record of `model` with `fields`, at version 1, which its proposer agrees to by
    proposing it. `attach(record)` adds what lives outside its row before version 1 is kept."""
    side = writer(user, client, model)
    when = moment(at)
    record = model.objects.create(
        client=client,
        status=PROPOSED,
        version=1,
        created_by=user,
        created_at=when,
        updated_at=when,
        **{f"{side}_agreed_version": 1},
        **fields,
    )
    if attach is not None:
        attach(record)
    snapshot = {**record.snapshot(), **(version_fields or {})}
    version = _add_version(record, 1, user, side, when, snapshot)
    audit.record(request, "create", targets(client, record, version), actor=user)
    return record


def advance(model, pk, read_version: int, side: str, at, **columns) -> int:
    """Move the record to the next version, agreed by `side` alone, iff it is still open at
    `read_version`: the one write that decides which of two rival changes wins."""
    new = read_version + 1
    updated = model.objects.filter(pk=pk, version=read_version, status__in=OPEN_STATUSES).update(
        version=new,
        status=PROPOSED,
        updated_at=at,
        **{f"{side}_agreed_version": new},
        **columns,
    )
    if updated != 1:
        raise stale(model, pk, read_version)
    return new


@dataclass
class Revision:
    record: object
    changed: bool


def revise(
    user,
    record,
    read_version: int,
    changes: dict,
    *,
    apply=None,
    version_fields=None,
    request=None,
    at=None,
) -> Revision:
    """A new version from `read_version` with `changes` (by the names of `snapshot()`): its writer
    agrees to it, the other side must again, and a waiting proposal to end the record is
    withdrawn. Changes that leave the snapshot as it was make no version. `apply(record)` writes
    what lives outside the record's row and returns those rows, for the audit."""
    model, client = type(record), record.client
    side = writer(user, client, model)
    columns = {field.attname for field in model._meta.concrete_fields}
    with transaction.atomic():
        now = current(model, record.pk)
        if now.version != read_version or not now.is_open:
            raise stale(model, record.pk, read_version)
        before = now.snapshot()
        after = {**before, **changes}
        if after == before:
            audit.record(request, "read", targets(client, now), actor=user)
            return Revision(now, False)
        when = moment(at)
        row = {name: after[name] for name in changes if name in columns}
        number = advance(model, record.pk, read_version, side, when, **row)
        now.refresh_from_db()
        rows = apply(now) if apply is not None else []
        version = _add_version(now, number, user, side, when, {**after, **(version_fields or {})})
        now.end_proposals().filter(answer=Answer.PENDING).update(
            answer=Answer.SUPERSEDED, answered_by=user, answered_at=when
        )
        audit.record(request, "update", targets(client, now, version, *rows), actor=user)
    return Revision(now, True)


@transaction.atomic
def agree(user, record, version: int, *, request=None, at=None):
    """Agree to `version`; refused if the record has moved on. Only the other side's agreement
    completes a version: agreeing again to one's own leaves the record as it was. The agreement
    that completes it calls the record's `on_agreed`."""
    model, client = type(record), record.client
    side = writer(user, client, model)
    when = moment(at)
    updated = model.objects.filter(pk=record.pk, version=version, status__in=OPEN_STATUSES).update(
        **{f"{side}_agreed_version": version}
    )
    if updated != 1:
        raise stale(model, record.pk, version)
    became_mutual = model.objects.filter(
        pk=record.pk,
        version=version,
        status=PROPOSED,
        client_agreed_version=version,
        counselor_agreed_version=version,
    ).update(status=AGREED, updated_at=when)
    row = record.versions.get(number=version)
    if row.agreed_at(side) is None:
        setattr(row, f"{side}_agreed_at", when)
        row.save(update_fields=[f"{side}_agreed_at"])
    if became_mutual:
        record.on_agreed(row, user, when)
    now = current(model, record.pk)
    audit.record(request, "agree", targets(client, now, row), actor=user, detail=f"v{version}")
    return now


# -- ending -----------------------------------------------------------------------------------


@transaction.atomic
def propose_end(user, record, note, version: int, *, request=None, at=None, **fields):
    """One side proposes ending the record at `version`, saying why; the other confirms.
    `fields` are the kind's own (a closure's outcome): checked by its `check_allowed`, stored
    with the proposal and named in the audit event."""
    model, client = type(record), record.client
    proposals = _end_model(model)
    side = writer(user, client, model)
    note = clean_text(note, "note", NOTE_MAX, blank=proposals.note_needed)
    # Touching the row under the version check serialises proposals for the same record.
    touched = model.objects.filter(pk=record.pk, version=version, status__in=OPEN_STATUSES).update(
        updated_at=F("updated_at")
    )
    if touched != 1:
        raise stale(model, record.pk, version)
    now = current(model, record.pk)
    proposals.check_allowed(now, **fields)
    existing = pending_end(now)
    if existing is not None:
        raise Conflict(
            f"{existing.proposed_by.name} already proposed {proposals.gerund} this {model.noun}; "
            "answer that proposal first.",
            current=now,
        )
    proposal = now.end_proposals().create(
        note=note, side=side, proposed_by=user, proposed_at=moment(at), **fields
    )
    detail = " ".join(str(value) for value in fields.values())
    audit.record(
        request, f"propose_{proposals.verb}", targets(client, proposal), actor=user, detail=detail
    )
    return proposal


@transaction.atomic
def answer_end(user, record, accept: bool, note="", *, request=None, at=None):
    """The other side confirms or declines the waiting proposal; its proposer may withdraw it.
    Confirmed, the record ends, and its `on_ended` does what follows from that for the kind."""
    model, client = type(record), record.client
    proposals = _end_model(model)
    side = writer(user, client, model)
    note = clean_text(note, "note", NOTE_MAX)
    proposal = pending_end(record)
    if proposal is None:
        raise Conflict(
            f"No proposal to {proposals.verb} this {model.noun} is waiting.",
            current=current(model, record.pk),
        )
    own = proposal.side == side
    if accept and own:
        raise Invalid(
            "You proposed this; the other side confirms it. You can withdraw it instead.",
            field="accept",
        )
    if accept:
        answer = Answer.CONFIRMED
    elif own:
        answer = Answer.WITHDRAWN
    else:
        answer = Answer.DECLINED
    when = moment(at)
    answered = proposals.objects.filter(pk=proposal.pk, answer=Answer.PENDING).update(
        answer=answer, answered_by=user, answered_at=when, answer_note=note
    )
    if answered != 1:
        raise Conflict("This proposal was already answered.", current=current(model, record.pk))
    changed = [proposal]
    if accept:
        ended = model.objects.filter(pk=record.pk, status__in=OPEN_STATUSES).update(
            status=proposal.ends_as, updated_at=when, **{model.ended_at: when}
        )
        if ended != 1:
            raise stale(model, record.pk)
        changed += record.on_ended(proposal, user, when)
    now = current(model, record.pk)
    audit.record(request, f"{proposals.verb}_{answer}", targets(client, now, *changed), actor=user)
    return now
