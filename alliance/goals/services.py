"""Writes to goals, values, scales and ratings: each one transaction with its audit event.

Concurrency: every change to a goal is a conditional UPDATE (`WHERE version = n`) issued as the
first write of its transaction. Of two changes based on the same version exactly one matches;
the other finds nothing to update and is refused with the current goal, so no edit is lost.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.goals.models import (
    GOAL_TEXT_MAX,
    LEVEL_TEXT_MAX,
    LEVELS,
    NOTE_MAX,
    OPEN_STATUSES,
    VALUE_TEXT_MAX,
    VALUES_PER_CLIENT,
    WEIGHT_MAX,
    WHY_MAX,
    Closure,
    Goal,
    GoalStatus,
    GoalVersion,
    Rating,
    Revisit,
    ScaleLevel,
    Side,
    Value,
    VersionKind,
    level_label,
    side_of,
)

UNCHANGED = object()


class Problem(ValueError):
    """Input that cannot be stored; `field` names the input at fault (dots for nesting)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(Exception):
    """The record moved on since the caller read it; `current` is what it is now."""

    def __init__(self, current, message: str):
        super().__init__(message)
        self.current = current
        self.message = message


class ReadOnly(PermissionError):
    """The person may read this client's record but not change it."""

    def __init__(self, message="You can read this record but not change it."):
        super().__init__(message)
        self.message = message


# -- shared checks --------------------------------------------------------------------------


def clean_text(value, field: str, max_length: int, *, blank: str | None = None) -> str:
    """Trimmed text with browser line endings made plain; `blank` is the message when it is
    required and empty (None means it may be empty)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Problem(field, "Expected text.")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in value:
        raise Problem(field, "The text contains a character that cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(field, "The text contains a character that cannot be stored.")
    if blank is not None and not value:
        raise Problem(field, blank)
    if len(value) > max_length:
        raise Problem(
            field, f"Keep this to {max_length} characters or fewer (it has {len(value)})."
        )
    return value


def writer_side(user, client) -> str:
    side = side_of(user, client)
    if side is None:
        raise ReadOnly("Only the client and their counselor change goals; you can read them.")
    return side


def other_side(side: str) -> str:
    return Side.COUNSELOR if side == Side.CLIENT else Side.CLIENT


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def current_goal(pk) -> Goal:
    return Goal.objects.select_related("client").get(pk=pk)


def _stale(goal_pk, read_version: int | None = None) -> Conflict:
    current = current_goal(goal_pk)
    if not current.is_open:
        return Conflict(
            current,
            f"This goal was marked {current.get_status_display().lower()}; "
            "it can no longer be changed.",
        )
    latest = current.versions.select_related("author").order_by("-number").first()
    who = latest.author.name if latest else "Someone"
    return Conflict(
        current,
        f"{who} saved version {current.version} of this goal while you were looking at "
        f"version {read_version}. Read the newer wording before you change or agree to it."
        if read_version
        else f"This goal changed: it is now at version {current.version}.",
    )


def _snapshot(goal: Goal) -> dict:
    levels = {str(level.level): level.text for level in goal.levels.all()}
    return {
        "text": goal.text,
        "why": goal.why,
        "values": [value.text for value in goal.values.all()],
        "levels": levels or None,
        "weight": goal.weight,
    }


def _targets(client, *objects):
    return [audit.for_object(obj, client) for obj in objects]


# -- values -----------------------------------------------------------------------------------


def _client_only(user, client, what: str) -> None:
    side = side_of(user, client)
    if side != Side.CLIENT:
        raise ReadOnly(f"{what} belong to the client; only they change the list.")


def _held_values(client) -> list[Value]:
    """The client's values, with their record held until the transaction ends.

    Value text is sealed, so the database cannot tell two values apart; the services compare
    them here. Holding the client's row makes two writers of one list take turns, so both
    checks (same text, list full) see each other's value.
    """
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))
    return list(Value.objects.filter(client=client))


def _clean_value_text(text) -> str:
    return clean_text(text, "text", VALUE_TEXT_MAX, blank="Write the value in a word or two.")


def _refuse_same_text(text: str, values, exclude_pk=None) -> None:
    same = text.casefold()
    if any(v.text.casefold() == same for v in values if v.pk != exclude_pk):
        raise Problem("text", f"“{text}” is already on your list.")


@transaction.atomic
def add_value(user, client, text, *, request=None, at=None) -> Value:
    _client_only(user, client, "Values")
    text = _clean_value_text(text)
    values = _held_values(client)
    _refuse_same_text(text, values)
    if len(values) >= VALUES_PER_CLIENT:
        raise Problem(
            "text",
            f"Keep the list short: {VALUES_PER_CLIENT} values at most. Remove one to add another.",
        )
    value = Value.objects.create(client=client, text=text, created_at=_now(at))
    audit.record(request, "create", _targets(client, value), actor=user)
    return value


@transaction.atomic
def rename_value(user, value: Value, text, *, request=None) -> Value:
    client = value.client
    _client_only(user, client, "Values")
    text = _clean_value_text(text)
    _refuse_same_text(text, _held_values(client), exclude_pk=value.pk)
    value.text = text
    value.save(update_fields=["text"])
    audit.record(request, "update", _targets(client, value), actor=user)
    return value


@transaction.atomic
def remove_value(user, value: Value, *, request=None) -> None:
    client = value.client
    _client_only(user, client, "Values")
    audit.record(request, "delete", _targets(client, value), actor=user)
    value.delete()


def _resolve_values(client, value_ids) -> list[Value]:
    if value_ids is None:
        return []
    ids = []
    for raw in value_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise Problem("values", "Choose values from the client's list.")
    ids = list(dict.fromkeys(ids))
    found = list(Value.objects.filter(client=client, pk__in=ids))
    if len(found) != len(ids):
        raise Problem("values", "Choose values from the client's own list.")
    return sorted(found, key=lambda v: (v.created_at, v.pk))


# -- goals ------------------------------------------------------------------------------------


def _clean_goal_text(text):
    return clean_text(text, "text", GOAL_TEXT_MAX, blank="Write the goal in a few words.")


def _clean_why(why):
    return clean_text(why, "why", WHY_MAX)


@transaction.atomic
def propose_goal(user, client, text, why="", value_ids=(), *, request=None, at=None) -> Goal:
    """Either side proposes; the proposer's agreement to version 1 comes with it."""
    side = writer_side(user, client)
    text = _clean_goal_text(text)
    why = _clean_why(why)
    values = _resolve_values(client, value_ids)
    now = _now(at)
    goal = Goal.objects.create(
        client=client,
        text=text,
        why=why,
        status=GoalStatus.PROPOSED,
        version=1,
        created_by=user,
        created_at=now,
        updated_at=now,
        **{f"{side}_agreed_version": 1},
    )
    goal.values.set(values)
    version = GoalVersion.objects.create(
        goal=goal,
        number=1,
        kind=VersionKind.PROPOSED,
        text=text,
        why=why,
        values=[v.text for v in values],
        levels=None,
        weight=goal.weight,
        author=user,
        side=side,
        created_at=now,
        **{f"{side}_agreed_at": now},
    )
    audit.record(request, "create", _targets(client, goal, version), actor=user)
    return goal


def _new_version(goal_pk, read_version: int, side: str, now, **changes) -> int:
    """Move the goal to the next version iff it is still open at `read_version`."""
    new = read_version + 1
    updated = Goal.objects.filter(
        pk=goal_pk, version=read_version, status__in=OPEN_STATUSES
    ).update(
        version=new,
        status=GoalStatus.PROPOSED,
        updated_at=now,
        **{f"{side}_agreed_version": new},
        **changes,
    )
    if updated != 1:
        raise _stale(goal_pk, read_version)
    return new


def _supersede_pending_closure(goal, user, now) -> None:
    Closure.objects.filter(goal=goal, answer=Closure.Answer.PENDING).update(
        answer=Closure.Answer.SUPERSEDED, answered_by=user, answered_at=now
    )


@dataclass
class EditResult:
    goal: Goal
    changed: bool


def edit_goal(
    user,
    goal: Goal,
    version: int,
    *,
    text=UNCHANGED,
    why=UNCHANGED,
    value_ids=UNCHANGED,
    request=None,
    at=None,
) -> EditResult:
    """A new version from `version`; the editor agrees to it, the other side must again."""
    client = goal.client
    side = writer_side(user, client)
    new_text = _clean_goal_text(text) if text is not UNCHANGED else None
    new_why = _clean_why(why) if why is not UNCHANGED else None
    new_values = _resolve_values(client, value_ids) if value_ids is not UNCHANGED else None
    with transaction.atomic():
        current = current_goal(goal.pk)
        if current.version != version or not current.is_open:
            raise _stale(goal.pk, version)
        before = _snapshot(current)
        after = dict(before)
        if new_text is not None:
            after["text"] = new_text
        if new_why is not None:
            after["why"] = new_why
        if new_values is not None:
            after["values"] = [v.text for v in new_values]
        if after == before:
            audit.record(request, "read", _targets(client, current), actor=user)
            return EditResult(current, False)
        now = _now(at)
        number = _new_version(goal.pk, version, side, now, text=after["text"], why=after["why"])
        current.refresh_from_db()
        if new_values is not None:
            current.values.set(new_values)
        record = GoalVersion.objects.create(
            goal=current,
            number=number,
            kind=VersionKind.EDITED,
            text=after["text"],
            why=after["why"],
            values=after["values"],
            levels=after["levels"],
            weight=after["weight"],
            author=user,
            side=side,
            created_at=now,
            **{f"{side}_agreed_at": now},
        )
        _supersede_pending_closure(current, user, now)
        audit.record(request, "update", _targets(client, current, record), actor=user)
    return EditResult(current, True)


@transaction.atomic
def agree_to_goal(user, goal: Goal, version: int, *, request=None, at=None) -> Goal:
    """Agree to the wording (and scale) at `version`; refused if the goal has moved on."""
    client = goal.client
    side = writer_side(user, client)
    now = _now(at)
    updated = Goal.objects.filter(pk=goal.pk, version=version, status__in=OPEN_STATUSES).update(
        **{f"{side}_agreed_version": version}
    )
    if updated != 1:
        raise _stale(goal.pk, version)
    became_mutual = Goal.objects.filter(
        pk=goal.pk,
        version=version,
        status=GoalStatus.PROPOSED,
        client_agreed_version=version,
        counselor_agreed_version=version,
    ).update(status=GoalStatus.AGREED, updated_at=now)
    record = GoalVersion.objects.get(goal_id=goal.pk, number=version)
    if record.agreed_at(side) is None:
        setattr(record, f"{side}_agreed_at", now)
        record.save(update_fields=[f"{side}_agreed_at"])
    if became_mutual:
        # A request to revisit is answered once the goal was changed after it and both agreed.
        Revisit.objects.filter(
            goal_id=goal.pk, resolved_at__isnull=True, created_at__lt=record.created_at
        ).update(resolved_at=now, resolved_by=user, resolution=Revisit.Resolution.REVISED)
    current = current_goal(goal.pk)
    audit.record(
        request, "agree", _targets(client, current, record), actor=user, detail=f"v{version}"
    )
    return current


# -- Goal Attainment Scaling ------------------------------------------------------------------


def parse_levels(raw) -> dict[int, str]:
    """Five levels, −2…+2, each in its own words; keys as the API sends them ("-2" … "2")."""
    if not isinstance(raw, dict):
        raise Problem("levels", "Give the five levels as an object with keys -2, -1, 0, 1 and 2.")
    levels: dict[int, str] = {}
    for key, text in raw.items():
        try:
            level = int(str(key).strip())
        except ValueError:
            level = None
        if level not in LEVELS or str(key).strip() not in {"-2", "-1", "0", "1", "2", "+1", "+2"}:
            raise Problem("levels", f"“{str(key)[:10]}” is not a level; use -2, -1, 0, 1 and 2.")
        if level in levels:
            raise Problem("levels", f"Level {level_label(level)} is given twice.")
        levels[level] = clean_text(
            text,
            f"levels.{level}",
            LEVEL_TEXT_MAX,
            blank=f"Describe level {level_label(level)} in a few words.",
        )
    missing = [level_label(level) for level in LEVELS if level not in levels]
    if missing:
        raise Problem("levels", f"Describe all five levels; missing: {', '.join(missing)}.")
    seen: dict[str, int] = {}
    for level in LEVELS:
        key = " ".join(levels[level].lower().split())
        if key in seen:
            raise Problem(
                "levels",
                f"Levels {level_label(seen[key])} and {level_label(level)} say the same thing; "
                "each level describes a different outcome.",
            )
        seen[key] = level
    return levels


def clean_weight(weight) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= WEIGHT_MAX:
        raise Problem("weight", f"The weight is a whole number from 1 to {WEIGHT_MAX}.")
    return weight


def set_scale(
    user, goal: Goal, levels, *, weight=None, version=None, request=None, at=None
) -> EditResult:
    """Write (or rewrite) the five levels: a new version of the goal, agreed like its words."""
    client = goal.client
    side = writer_side(user, client)
    parsed = parse_levels(levels)
    new_weight = clean_weight(weight) if weight is not None else None
    with transaction.atomic():
        current = current_goal(goal.pk)
        read_version = current.version if version is None else version
        if current.version != read_version or not current.is_open:
            raise _stale(goal.pk, read_version)
        before = _snapshot(current)
        after = dict(before)
        after["levels"] = {str(level): text for level, text in parsed.items()}
        after["levels"] = {str(level): after["levels"][str(level)] for level in LEVELS}
        if new_weight is not None:
            after["weight"] = new_weight
        if after == before:
            audit.record(request, "read", _targets(client, current), actor=user)
            return EditResult(current, False)
        now = _now(at)
        number = _new_version(goal.pk, read_version, side, now, weight=after["weight"])
        current.refresh_from_db()
        ScaleLevel.objects.filter(goal=current).delete()
        rows = ScaleLevel.objects.bulk_create(
            ScaleLevel(goal=current, level=level, text=text) for level, text in parsed.items()
        )
        record = GoalVersion.objects.create(
            goal=current,
            number=number,
            kind=VersionKind.SCALE,
            text=after["text"],
            why=after["why"],
            values=after["values"],
            levels=after["levels"],
            weight=after["weight"],
            author=user,
            side=side,
            created_at=now,
            **{f"{side}_agreed_at": now},
        )
        _supersede_pending_closure(current, user, now)
        audit.record(request, "update", _targets(client, current, record, *rows), actor=user)
    return EditResult(current, True)


def clean_level(level) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise Problem("level", "Choose a level from −2 to +2.")
    return level


@transaction.atomic
def rate_goal(user, goal: Goal, level, *, request=None, at=None) -> Rating:
    """Where the goal stands now, in this side's view."""
    client = goal.client
    side = writer_side(user, client)
    level = clean_level(level)
    if goal.status == GoalStatus.RETIRED:
        raise Problem("level", "This goal was retired; it is no longer rated.")
    if not ScaleLevel.objects.filter(goal=goal).exists():
        raise Problem("level", "This goal has no scale yet: write its five levels together first.")
    rating = Rating.objects.create(
        goal=goal,
        side=side,
        level=level,
        rated_by=user,
        rated_at=_now(at),
        goal_version=Goal.objects.filter(pk=goal.pk).values_list("version", flat=True).get(),
    )
    audit.record(request, "create", _targets(client, rating), actor=user)
    return rating


# -- revisiting and closing -------------------------------------------------------------------


@transaction.atomic
def request_revisit(user, goal: Goal, reason, *, request=None, at=None) -> Revisit:
    client = goal.client
    side = writer_side(user, client)
    reason = clean_text(
        reason, "reason", NOTE_MAX, blank="Say what you would like to talk over, in a sentence."
    )
    current = current_goal(goal.pk)
    if not current.is_open:
        raise _stale(goal.pk)
    revisit = Revisit.objects.create(
        goal=current, side=side, reason=reason, requested_by=user, created_at=_now(at)
    )
    audit.record(request, "create", _targets(client, revisit), actor=user)
    return revisit


@transaction.atomic
def resolve_revisit(user, revisit: Revisit, *, request=None, at=None) -> Revisit:
    """Either side marks the request talked over, the goal kept as it is."""
    client = revisit.goal.client
    writer_side(user, client)
    Revisit.objects.filter(pk=revisit.pk, resolved_at__isnull=True).update(
        resolved_at=_now(at), resolved_by=user, resolution=Revisit.Resolution.TALKED
    )
    revisit.refresh_from_db()
    audit.record(request, "update", _targets(client, revisit), actor=user)
    return revisit


def pending_closure(goal) -> Closure | None:
    return (
        Closure.objects.filter(goal=goal, answer=Closure.Answer.PENDING)
        .select_related("proposed_by")
        .first()
    )


@transaction.atomic
def propose_closure(
    user, goal: Goal, outcome, note, version: int, *, request=None, at=None
) -> Closure:
    """One side proposes the goal achieved or retired, saying why; the other confirms."""
    client = goal.client
    side = writer_side(user, client)
    if outcome not in Closure.Outcome.values:
        raise Problem("outcome", "Choose achieved or retired.")
    note = clean_text(
        note,
        "note",
        NOTE_MAX,
        blank="Add a note: what was reached, or why the goal is being set aside.",
    )
    now = _now(at)
    # Touching the row under the version check serialises proposals for the same goal.
    touched = Goal.objects.filter(pk=goal.pk, version=version, status__in=OPEN_STATUSES).update(
        updated_at=F("updated_at")
    )
    if touched != 1:
        raise _stale(goal.pk, version)
    current = current_goal(goal.pk)
    if outcome == GoalStatus.ACHIEVED and current.status != GoalStatus.AGREED:
        raise Problem(
            "outcome",
            "A goal is achieved once both of you have agreed to it. "
            "Agree to it first, or propose retiring it.",
        )
    existing = pending_closure(current)
    if existing is not None:
        raise Conflict(
            current,
            f"{existing.proposed_by.name} already proposed closing this goal; "
            "answer that proposal first.",
        )
    closure = Closure.objects.create(
        goal=current, outcome=outcome, note=note, side=side, proposed_by=user, proposed_at=now
    )
    audit.record(request, "propose_close", _targets(client, closure), actor=user, detail=outcome)
    return closure


@transaction.atomic
def answer_closure(user, goal: Goal, accept: bool, note="", *, request=None, at=None) -> Goal:
    """The other side confirms or declines; the proposer may withdraw."""
    client = goal.client
    side = writer_side(user, client)
    note = clean_text(note, "note", NOTE_MAX)
    closure = pending_closure(goal)
    if closure is None:
        raise Conflict(current_goal(goal.pk), "No proposal to close this goal is waiting.")
    own = closure.side == side
    if accept and own:
        raise Problem(
            "accept",
            "You proposed this; the other side confirms it. You can withdraw it instead.",
        )
    if accept:
        answer = Closure.Answer.CONFIRMED
    elif own:
        answer = Closure.Answer.WITHDRAWN
    else:
        answer = Closure.Answer.DECLINED
    now = _now(at)
    answered = Closure.objects.filter(pk=closure.pk, answer=Closure.Answer.PENDING).update(
        answer=answer, answered_by=user, answered_at=now, answer_note=note
    )
    if answered != 1:
        raise Conflict(current_goal(goal.pk), "This proposal was already answered.")
    targets = [closure]
    if accept:
        closed = Goal.objects.filter(pk=goal.pk, status__in=OPEN_STATUSES).update(
            status=closure.outcome, closed_at=now, updated_at=now
        )
        if closed != 1:
            raise _stale(goal.pk)
        Revisit.objects.filter(goal_id=goal.pk, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=user, resolution=Revisit.Resolution.CLOSED
        )
        # Imported here: the tasks services build on these goal services.
        from alliance.homework.services import drop_tasks_of_closed_goal

        targets += drop_tasks_of_closed_goal(goal, user, closure, now)
    current = current_goal(goal.pk)
    audit.record(request, f"close_{answer}", _targets(client, current, *targets), actor=user)
    return current
