"""Writes to goals, values, scales and ratings: each one transaction with its audit event.

A goal is proposed, versioned, agreed and closed by the agreement mechanism
(`alliance.agreement.services`), which also holds the rule for concurrent changes: every change
is a conditional UPDATE on the version number, so of two changes based on the same version one
wins and the other is refused with the current goal. What is the goals' own is here: values,
the attainment scale and its weight, ratings, and requests to revisit a goal, which are answered
when a changed goal is agreed again, or when it is closed.

Closing a goal announces `goal_closed` inside the closing transaction (`Goal.on_ended`); the
apps above goals act on it (homework ends the goal's tasks) and return what they changed, which
the goal's audit event names with it.
"""

from django.db import transaction

from alliance.agreement import services as agreement
from alliance.agreement.services import Revision, clean_text, moment, targets
from alliance.audit import services as audit
from alliance.care.models import Client, Side
from alliance.errors import Invalid, NotAllowed
from alliance.goals.models import (
    GOAL_TEXT_MAX,
    LEVEL_TEXT_MAX,
    LEVELS,
    NOTE_MAX,
    VALUE_TEXT_MAX,
    VALUES_PER_CLIENT,
    WEIGHT_MAX,
    WHY_MAX,
    Closure,
    Goal,
    GoalStatus,
    Rating,
    Revisit,
    ScaleLevel,
    Value,
    VersionKind,
    level_label,
)


def writer(user, client) -> str:
    """The side `user` writes goals for; refused for anyone who only reads them."""
    return agreement.writer(user, client, Goal)


# -- values -----------------------------------------------------------------------------------


def _client_only(user, client, what: str) -> None:
    if client.side_of(user) != Side.CLIENT:
        raise NotAllowed(f"{what} belong to the client; only they change the list.")


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
        raise Invalid(f"“{text}” is already on your list.", field="text")


@transaction.atomic
def add_value(user, client, text, *, request=None, at=None) -> Value:
    _client_only(user, client, "Values")
    text = _clean_value_text(text)
    values = _held_values(client)
    _refuse_same_text(text, values)
    if len(values) >= VALUES_PER_CLIENT:
        raise Invalid(
            f"Keep the list short: {VALUES_PER_CLIENT} values at most. Remove one to add another.",
            field="text",
        )
    value = Value.objects.create(client=client, text=text, created_at=moment(at))
    audit.record(request, "create", targets(client, value), actor=user)
    return value


@transaction.atomic
def rename_value(user, value: Value, text, *, request=None) -> Value:
    client = value.client
    _client_only(user, client, "Values")
    text = _clean_value_text(text)
    _refuse_same_text(text, _held_values(client), exclude_pk=value.pk)
    value.text = text
    value.save(update_fields=["text"])
    audit.record(request, "update", targets(client, value), actor=user)
    return value


@transaction.atomic
def remove_value(user, value: Value, *, request=None) -> None:
    client = value.client
    _client_only(user, client, "Values")
    audit.record(request, "delete", targets(client, value), actor=user)
    value.delete()


def _resolve_values(client, value_ids) -> list[Value]:
    if value_ids is None:
        return []
    ids = []
    for raw in value_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise Invalid("Choose values from the client's list.", field="values")
    ids = list(dict.fromkeys(ids))
    found = list(Value.objects.filter(client=client, pk__in=ids))
    if len(found) != len(ids):
        raise Invalid("Choose values from the client's own list.", field="values")
    return sorted(found, key=lambda v: (v.created_at, v.pk))


# -- goals ------------------------------------------------------------------------------------


def _clean_goal_text(text):
    return clean_text(text, "text", GOAL_TEXT_MAX, blank="Write the goal in a few words.")


def _clean_why(why):
    return clean_text(why, "why", WHY_MAX)


def propose_goal(user, client, text, why="", value_ids=(), *, request=None, at=None) -> Goal:
    """Either side proposes; the proposer's agreement to version 1 comes with it."""
    writer(user, client)
    text = _clean_goal_text(text)
    why = _clean_why(why)
    values = _resolve_values(client, value_ids)
    return agreement.propose(
        user,
        client,
        Goal,
        {"text": text, "why": why},
        attach=lambda goal: goal.values.set(values),
        version_fields={"kind": VersionKind.PROPOSED},
        request=request,
        at=at,
    )


def edit_goal(user, goal: Goal, version: int, *, request=None, at=None, **fields) -> Revision:
    """A new version from `version`; the editor agrees to it, the other side must again.
    `fields`: any of `text`, `why` and `value_ids`; those left out stay as they are."""
    writer(user, goal.client)
    relinks, value_ids = "value_ids" in fields, fields.pop("value_ids", None)
    cleaners = {"text": _clean_goal_text, "why": _clean_why}
    changes = {name: cleaners[name](value) for name, value in fields.items()}
    values = _resolve_values(goal.client, value_ids) if relinks else None
    if values is not None:
        changes["values"] = [value.text for value in values]

    def link_values(current):
        if values is not None:
            current.values.set(values)
        return []

    return _revise(user, goal, version, changes, link_values, VersionKind.EDITED, request, at)


# Agreeing to a goal is the mechanism's; what follows for a goal is `Goal.on_agreed`.
agree_to_goal = agreement.agree


# -- Goal Attainment Scaling ------------------------------------------------------------------


def parse_levels(raw) -> dict[int, str]:
    """Five levels, −2…+2, each in its own words; keys as the API sends them ("-2" … "2")."""
    if not isinstance(raw, dict):
        raise Invalid(
            "Give the five levels as an object with keys -2, -1, 0, 1 and 2.", field="levels"
        )
    levels: dict[int, str] = {}
    for key, text in raw.items():
        try:
            level = int(str(key).strip())
        except ValueError:
            level = None
        if level not in LEVELS or str(key).strip() not in {"-2", "-1", "0", "1", "2", "+1", "+2"}:
            raise Invalid(
                f"“{str(key)[:10]}” is not a level; use -2, -1, 0, 1 and 2.", field="levels"
            )
        if level in levels:
            raise Invalid(f"Level {level_label(level)} is given twice.", field="levels")
        levels[level] = clean_text(
            text,
            f"levels.{level}",
            LEVEL_TEXT_MAX,
            blank=f"Describe level {level_label(level)} in a few words.",
        )
    missing = [level_label(level) for level in LEVELS if level not in levels]
    if missing:
        raise Invalid(f"Describe all five levels; missing: {', '.join(missing)}.", field="levels")
    seen: dict[str, int] = {}
    for level in LEVELS:
        key = " ".join(levels[level].lower().split())
        if key in seen:
            raise Invalid(
                f"Levels {level_label(seen[key])} and {level_label(level)} say the same thing; "
                "each level describes a different outcome.",
                field="levels",
            )
        seen[key] = level
    return levels


def clean_weight(weight) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= WEIGHT_MAX:
        raise Invalid(f"The weight is a whole number from 1 to {WEIGHT_MAX}.", field="weight")
    return weight


def set_scale(
    user, goal: Goal, levels, *, weight=None, version=None, request=None, at=None
) -> Revision:
    """Write (or rewrite) the five levels: a new version of the goal, agreed like its words.
    Without `version`, the goal's version as it is read now."""
    writer(user, goal.client)
    parsed = parse_levels(levels)
    changes = {"levels": {str(level): parsed[level] for level in LEVELS}}
    if weight is not None:
        changes["weight"] = clean_weight(weight)

    def write_levels(current):
        ScaleLevel.objects.filter(goal=current).delete()
        return ScaleLevel.objects.bulk_create(
            ScaleLevel(goal=current, level=level, text=text) for level, text in parsed.items()
        )

    if version is None:
        version = Goal.objects.filter(pk=goal.pk).values_list("version", flat=True).get()
    return _revise(user, goal, version, changes, write_levels, VersionKind.SCALE, request, at)


def _revise(user, goal: Goal, version, changes, apply, kind, request, at):
    """A new version of the goal through the shared agreement rules, marked with the kind of
    change (a rewrite of its words or of its scale) that the history shows."""
    return agreement.revise(
        user,
        goal,
        version,
        changes,
        apply=apply,
        version_fields={"kind": kind},
        request=request,
        at=at,
    )


def clean_level(level) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise Invalid("Choose a level from −2 to +2.", field="level")
    return level


@transaction.atomic
def rate_goal(user, goal: Goal, level, *, request=None, at=None) -> Rating:
    """Where the goal stands now, in this side's view."""
    client = goal.client
    side = writer(user, client)
    level = clean_level(level)
    if goal.status == GoalStatus.RETIRED:
        raise Invalid("This goal was retired; it is no longer rated.", field="level")
    if not ScaleLevel.objects.filter(goal=goal).exists():
        raise Invalid(
            "This goal has no scale yet: write its five levels together first.", field="level"
        )
    rating = Rating.objects.create(
        goal=goal,
        side=side,
        level=level,
        rated_by=user,
        rated_at=moment(at),
        goal_version=Goal.objects.filter(pk=goal.pk).values_list("version", flat=True).get(),
    )
    audit.record(request, "create", targets(client, rating), actor=user)
    return rating


# -- revisiting and closing -------------------------------------------------------------------


@transaction.atomic
def request_revisit(user, goal: Goal, reason, *, request=None, at=None) -> Revisit:
    client = goal.client
    side = writer(user, client)
    reason = clean_text(
        reason, "reason", NOTE_MAX, blank="Say what you would like to talk over, in a sentence."
    )
    current = agreement.current(Goal, goal.pk)
    if not current.is_open:
        raise agreement.stale(Goal, goal.pk)
    revisit = Revisit.objects.create(
        goal=current, side=side, reason=reason, requested_by=user, created_at=moment(at)
    )
    audit.record(request, "create", targets(client, revisit), actor=user)
    return revisit


@transaction.atomic
def resolve_revisit(user, revisit: Revisit, *, request=None, at=None) -> Revisit:
    """Either side marks the request talked over, the goal kept as it is."""
    client = revisit.goal.client
    writer(user, client)
    Revisit.objects.filter(pk=revisit.pk, resolved_at__isnull=True).update(
        resolved_at=moment(at), resolved_by=user, resolution=Revisit.Resolution.TALKED
    )
    revisit.refresh_from_db()
    audit.record(request, "update", targets(client, revisit), actor=user)
    return revisit


def propose_closure(
    user, goal: Goal, outcome, note, version: int, *, request=None, at=None
) -> Closure:
    """One side proposes the goal achieved or retired, saying why; the other confirms. What a
    goal allows is `Closure.check_allowed`."""
    return agreement.propose_end(user, goal, note, version, outcome=outcome, request=request, at=at)


# Answering it is the mechanism's; what follows from closing a goal is `Goal.on_ended`.
answer_closure = agreement.answer_end
