"""Goals, values, attainment scales and ratings under /api/v1/.

Reading takes sight of the client (`Client.objects.visible_to`); writing takes being the client
or their counselor. Supervisors and administrators who can see a goal and try to change it get
403; anyone else gets 404. A change based on an old version gets 409 with the current goal.
"""

from datetime import date, datetime
from functools import wraps
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from alliance.access import get_visible_or_404
from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.goals import attainment, services
from alliance.goals.models import (
    GOAL_TEXT_MAX,
    LEVEL_TEXT_MAX,
    NOTE_MAX,
    VALUE_TEXT_MAX,
    VALUES_PER_CLIENT,
    WEIGHT_MAX,
    WHY_MAX,
    Closure,
    Goal,
    Rating,
    Revisit,
    Value,
)

router = Router(tags=["goals"])

Id = Annotated[int, Field(ge=1, le=2**62)]
VersionNumber = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]


# -- errors shared with the tasks API ---------------------------------------------------------


class Detail(Schema):
    detail: str


def raise_problem(problem: services.Problem):
    loc = ["body", *problem.field.split(".")]
    raise ValidationError([{"loc": loc, "msg": problem.message, "type": "value_error"}])


def answers_errors(serialize):
    """Turn the services' refusals into the API's answers: 422, 403, or 409 with `current`."""

    def decorator(operation):
        @wraps(operation)
        def wrapper(request, *args, **kwargs):
            try:
                return operation(request, *args, **kwargs)
            except services.Problem as problem:
                raise_problem(problem)
            except services.ReadOnly as refusal:
                raise HttpError(403, refusal.message)
            except services.Conflict as conflict:
                body = {"detail": conflict.message, "current": serialize(conflict.current)}
                return Status(409, body)

        return wrapper

    return decorator


# -- shapes -----------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str


class AgreedOut(Schema):
    client: bool
    counselor: bool


class ValueOut(Schema):
    id: int
    text: str


class ScaleOut(Schema):
    levels: dict[str, str]
    weight: int


class RevisitOut(Schema):
    id: int
    goal_id: int
    side: str
    reason: str
    requested_by: PersonOut
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class ClosureOut(Schema):
    id: int
    outcome: str
    note: str
    side: str
    proposed_by: PersonOut
    proposed_at: datetime
    answer: str
    answered_at: datetime | None


class GoalOut(Schema):
    id: int
    client_id: int
    text: str
    why: str
    status: str
    version: int
    agreed: AgreedOut
    values: list[ValueOut]
    scale: ScaleOut | None
    closure: ClosureOut | None = Field(description="A proposal to close the goal, if waiting.")
    revisits: list[RevisitOut] = Field(description="Requests to revisit not yet answered.")
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class GoalList(Schema):
    items: list[GoalOut]
    count: int


class GoalConflict(Schema):
    detail: str
    current: GoalOut


class GoalIn(Schema):
    text: str = Field(max_length=GOAL_TEXT_MAX, description="The goal in the client's words.")
    why: str = Field(default="", max_length=WHY_MAX, description="Why this matters to me.")
    values: list[Id] = Field(
        default_factory=list,
        max_length=VALUES_PER_CLIENT,
        description="Ids of the client's values this goal serves.",
    )


class GoalPatch(Schema):
    version: VersionNumber = Field(description="The version the change is based on.")
    text: str | None = Field(default=None, max_length=GOAL_TEXT_MAX)
    why: str | None = Field(default=None, max_length=WHY_MAX)
    values: list[Id] | None = Field(default=None, max_length=VALUES_PER_CLIENT)


class AgreeIn(Schema):
    version: VersionNumber = Field(description="The version you agree to.")


class RevisitIn(Schema):
    reason: str = Field(max_length=NOTE_MAX)


LevelKey = Annotated[str, Field(max_length=3)]
LevelText = Annotated[str, Field(max_length=LEVEL_TEXT_MAX)]


class ScaleIn(Schema):
    levels: dict[LevelKey, LevelText] = Field(
        max_length=10,
        description='Five levels, keys "-2", "-1", "0", "1", "2", each in its own words.',
    )
    weight: int | None = Field(default=None, strict=True, ge=1, le=WEIGHT_MAX)
    version: VersionNumber | None = Field(
        default=None, description="The version the scale is based on; stale gives 409."
    )


class RatingIn(Schema):
    level: int = Field(strict=True, ge=-2, le=2)


class RatingOut(Schema):
    id: int
    goal_id: int
    side: str
    level: int
    rated_by: PersonOut
    rated_at: datetime
    goal_version: int


class RatingList(Schema):
    items: list[RatingOut]
    count: int


class VersionAgreedAt(Schema):
    client: datetime | None
    counselor: datetime | None


class VersionOut(Schema):
    number: int
    kind: str
    text: str
    why: str
    values: list[str]
    levels: dict[str, str] | None
    weight: int
    author: PersonOut
    side: str
    created_at: datetime
    agreed_at: VersionAgreedAt


class VersionList(Schema):
    items: list[VersionOut]
    count: int


class ClosureIn(Schema):
    outcome: Literal["achieved", "retired"]
    note: str = Field(max_length=NOTE_MAX)
    version: VersionNumber


class AnswerIn(Schema):
    note: str = Field(default="", max_length=NOTE_MAX)


class ValueIn(Schema):
    text: str = Field(max_length=VALUE_TEXT_MAX)


class ValueList(Schema):
    items: list[ValueOut]
    count: int


class SideRating(Schema):
    level: int
    rated_at: datetime


class GasGoal(Schema):
    id: int
    text: str
    status: str
    weight: int
    levels: dict[str, str]
    client: SideRating | None
    counselor: SideRating | None


class GasPoint(Schema):
    date: date
    client: float | None
    counselor: float | None


class GasOut(Schema):
    t_score: float | None = Field(
        description="The client's GAS T-score from their latest rating of each goal."
    )
    t_score_counselor: float | None = Field(
        description="The same from the counselor's latest ratings."
    )
    rho: float
    goals: list[GasGoal]
    history: list[GasPoint] = Field(description="Each side's T-score at the end of each day.")


# -- loading and shaping ----------------------------------------------------------------------


def goal_queryset(user):
    return Goal.objects.visible_to(user).with_relations()


def person(user) -> dict:
    return {"id": user.pk, "name": user.name}


def revisit_out(revisit: Revisit) -> dict:
    return {
        "id": revisit.pk,
        "goal_id": revisit.goal_id,
        "side": revisit.side,
        "reason": revisit.reason,
        "requested_by": person(revisit.requested_by),
        "created_at": revisit.created_at,
        "resolved_at": revisit.resolved_at,
        "resolution": revisit.resolution,
    }


def closure_out(closure: Closure) -> dict:
    return {
        "id": closure.pk,
        "outcome": closure.outcome,
        "note": closure.note,
        "side": closure.side,
        "proposed_by": person(closure.proposed_by),
        "proposed_at": closure.proposed_at,
        "answer": closure.answer,
        "answered_at": closure.answered_at,
    }


def goal_out(goal: Goal) -> dict:
    """Serialise a goal; reloads it with its relations when they were not prefetched."""
    if not hasattr(goal, "pending_closures"):
        # Re-read after a write; access was checked when the goal was first reached.
        goal = Goal.objects.filter(pk=goal.pk).with_relations().get()
    levels = {str(level.level): level.text for level in goal.levels.all()}
    closure = goal.pending_closures[0] if goal.pending_closures else None
    return {
        "id": goal.pk,
        "client_id": goal.client_id,
        "text": goal.text,
        "why": goal.why,
        "status": goal.status,
        "version": goal.version,
        "agreed": goal.agreed,
        "values": [{"id": v.pk, "text": v.text} for v in goal.values.all()],
        "scale": {"levels": levels, "weight": goal.weight} if levels else None,
        "closure": closure_out(closure) if closure else None,
        "revisits": [revisit_out(r) for r in goal.open_revisits],
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
        "closed_at": goal.closed_at,
    }


def visible_goal(request, goal_id) -> Goal:
    return get_visible_or_404(goal_queryset(request.user), goal_id)


def rating_out(rating: Rating) -> dict:
    return {
        "id": rating.pk,
        "goal_id": rating.goal_id,
        "side": rating.side,
        "level": rating.level,
        "rated_by": person(rating.rated_by),
        "rated_at": rating.rated_at,
        "goal_version": rating.goal_version,
    }


def value_out(value: Value) -> dict:
    return {"id": value.pk, "text": value.text}


def _targets(client, objects):
    return [audit.for_object(obj, client) for obj in objects]


# -- goals ------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/goals", response=GoalList, summary="The client's goals")
def list_goals(request, client_id: int):
    client = visible_client(request, client_id)
    goals = list(goal_queryset(request.user).filter(client=client).order_by("created_at", "id"))
    audit.record(request, "list", _targets(client, goals) or audit.for_client(client))
    return {"items": [goal_out(g) for g in goals], "count": len(goals)}


@router.post(
    "/clients/{client_id}/goals",
    response={201: GoalOut, 403: Detail},
    summary="Propose a goal",
)
@answers_errors(goal_out)
def create_goal(request, client_id: int, payload: GoalIn):
    """Either side proposes; the proposer agrees to version 1, the other side is asked to."""
    client = visible_client(request, client_id)
    goal = services.propose_goal(
        request.user, client, payload.text, payload.why, payload.values, request=request
    )
    return Status(201, goal_out(goal))


@router.get("/goals/{goal_id}", response=GoalOut, summary="One goal")
def get_goal(request, goal_id: int):
    goal = visible_goal(request, goal_id)
    audit.record(request, "read", audit.for_object(goal, goal.client))
    return goal_out(goal)


@router.patch(
    "/goals/{goal_id}",
    response={200: GoalOut, 403: Detail, 409: GoalConflict},
    summary="Change a goal's wording",
)
@answers_errors(goal_out)
def update_goal(request, goal_id: int, payload: GoalPatch):
    """A new version from `version`. The editor agrees to it; the other side's agreement is
    cleared. Based on an old version: 409 with the current goal, nothing changed."""
    goal = visible_goal(request, goal_id)
    changes = payload.dict(exclude_unset=True)
    changes.pop("version")
    kwargs = {}
    if "text" in changes:
        kwargs["text"] = changes["text"]
    if "why" in changes:
        kwargs["why"] = changes["why"] or ""
    if "values" in changes:
        kwargs["value_ids"] = changes["values"] or []
    result = services.edit_goal(request.user, goal, payload.version, request=request, **kwargs)
    return goal_out(result.goal)


@router.post(
    "/goals/{goal_id}/agree",
    response={200: GoalOut, 403: Detail, 409: GoalConflict},
    summary="Agree to the current version",
)
@answers_errors(goal_out)
def agree_goal(request, goal_id: int, payload: AgreeIn):
    goal = visible_goal(request, goal_id)
    return goal_out(services.agree_to_goal(request.user, goal, payload.version, request=request))


@router.post(
    "/goals/{goal_id}/revisit",
    response={201: RevisitOut, 403: Detail, 409: GoalConflict},
    summary="Ask to revisit a goal",
)
@answers_errors(goal_out)
def revisit_goal(request, goal_id: int, payload: RevisitIn):
    """The reason is shown to the other side until the goal is changed and agreed again, or
    either side marks it talked over."""
    goal = visible_goal(request, goal_id)
    revisit = services.request_revisit(request.user, goal, payload.reason, request=request)
    return Status(201, revisit_out(revisit))


@router.post(
    "/goals/{goal_id}/revisit/{revisit_id}/resolve",
    response={200: RevisitOut, 403: Detail},
    summary="Mark a revisit request talked over",
)
@answers_errors(goal_out)
def resolve_revisit(request, goal_id: int, revisit_id: int):
    goal = visible_goal(request, goal_id)
    revisit = get_visible_or_404(
        Revisit.objects.filter(goal=goal).select_related("requested_by", "goal__client"),
        revisit_id,
    )
    return revisit_out(services.resolve_revisit(request.user, revisit, request=request))


@router.get("/goals/{goal_id}/versions", response=VersionList, summary="Every version")
def list_versions(request, goal_id: int):
    goal = visible_goal(request, goal_id)
    versions = list(goal.versions.select_related("author").order_by("number"))
    audit.record(request, "read", _targets(goal.client, versions))
    items = [
        {
            "number": v.number,
            "kind": v.kind,
            "text": v.text,
            "why": v.why,
            "values": v.values,
            "levels": v.levels,
            "weight": v.weight,
            "author": person(v.author),
            "side": v.side,
            "created_at": v.created_at,
            "agreed_at": {"client": v.client_agreed_at, "counselor": v.counselor_agreed_at},
        }
        for v in versions
    ]
    return {"items": items, "count": len(items)}


@router.post(
    "/goals/{goal_id}/closure",
    response={201: ClosureOut, 403: Detail, 409: GoalConflict},
    summary="Propose closing a goal",
)
@answers_errors(goal_out)
def propose_closure(request, goal_id: int, payload: ClosureIn):
    """Achieved or retired, with a note; the goal closes when the other side confirms."""
    goal = visible_goal(request, goal_id)
    closure = services.propose_closure(
        request.user, goal, payload.outcome, payload.note, payload.version, request=request
    )
    return Status(201, closure_out(closure))


@router.post(
    "/goals/{goal_id}/closure/confirm",
    response={200: GoalOut, 403: Detail, 409: GoalConflict},
    summary="Confirm the other side's proposal to close",
)
@answers_errors(goal_out)
def confirm_closure(request, goal_id: int, payload: AnswerIn):
    goal = visible_goal(request, goal_id)
    return goal_out(
        services.answer_closure(request.user, goal, True, payload.note, request=request)
    )


@router.post(
    "/goals/{goal_id}/closure/decline",
    response={200: GoalOut, 403: Detail, 409: GoalConflict},
    summary="Decline (or, as proposer, withdraw) a proposal to close",
)
@answers_errors(goal_out)
def decline_closure(request, goal_id: int, payload: AnswerIn):
    goal = visible_goal(request, goal_id)
    return goal_out(
        services.answer_closure(request.user, goal, False, payload.note, request=request)
    )


# -- Goal Attainment Scaling ------------------------------------------------------------------


@router.put(
    "/goals/{goal_id}/scale",
    response={200: GoalOut, 403: Detail, 409: GoalConflict},
    summary="Write the five attainment levels",
)
@answers_errors(goal_out)
def put_scale(request, goal_id: int, payload: ScaleIn):
    """A new version of the goal: the writer agrees to it, the other side is asked to."""
    goal = visible_goal(request, goal_id)
    result = services.set_scale(
        request.user,
        goal,
        payload.levels,
        weight=payload.weight,
        version=payload.version,
        request=request,
    )
    return goal_out(result.goal)


@router.post(
    "/goals/{goal_id}/ratings",
    response={201: RatingOut, 403: Detail},
    summary="Rate where the goal stands now",
)
@answers_errors(goal_out)
def rate_goal(request, goal_id: int, payload: RatingIn):
    goal = visible_goal(request, goal_id)
    rating = services.rate_goal(request.user, goal, payload.level, request=request)
    return Status(201, rating_out(rating))


@router.get("/goals/{goal_id}/ratings", response=RatingList, summary="Every rating of a goal")
def list_ratings(request, goal_id: int):
    goal = visible_goal(request, goal_id)
    ratings = list(goal.ratings.select_related("rated_by").order_by("rated_at", "id"))
    audit.record(
        request, "list", _targets(goal.client, ratings) or audit.for_object(goal, goal.client)
    )
    return {"items": [rating_out(r) for r in ratings], "count": len(ratings)}


@router.get("/clients/{client_id}/gas", response=GasOut, summary="Goal attainment over time")
def client_gas(request, client_id: int):
    """`t_score` is from the client's own latest ratings, `t_score_counselor` from the
    counselor's; retired goals and goals without a scale do not count."""
    client = visible_client(request, client_id)
    result = attainment.summary(client)
    goals = [audit.Target("Goal", g["id"], client.pk, client.clinic_id) for g in result["goals"]]
    audit.record(request, "read", goals or audit.for_client(client), detail="attainment")
    return result


# -- values -----------------------------------------------------------------------------------


@router.get("/clients/{client_id}/values", response=ValueList, summary="The client's values")
def list_values(request, client_id: int):
    client = visible_client(request, client_id)
    values = list(Value.objects.filter(client=client))
    audit.record(request, "list", _targets(client, values) or audit.for_client(client))
    return {"items": [value_out(v) for v in values], "count": len(values)}


@router.post(
    "/clients/{client_id}/values",
    response={201: ValueOut, 403: Detail},
    summary="Add a value (the client only)",
)
@answers_errors(goal_out)
def create_value(request, client_id: int, payload: ValueIn):
    client = visible_client(request, client_id)
    value = services.add_value(request.user, client, payload.text, request=request)
    return Status(201, value_out(value))


@router.patch("/values/{value_id}", response={200: ValueOut, 403: Detail}, summary="Reword a value")
@answers_errors(goal_out)
def update_value(request, value_id: int, payload: ValueIn):
    value = get_visible_or_404(
        Value.objects.visible_to(request.user).select_related("client"), value_id
    )
    return value_out(services.rename_value(request.user, value, payload.text, request=request))


@router.delete("/values/{value_id}", response={204: None, 403: Detail}, summary="Remove a value")
@answers_errors(goal_out)
def delete_value(request, value_id: int):
    """Goals keep what they said in their history; they stop linking to the value."""
    value = get_visible_or_404(
        Value.objects.visible_to(request.user).select_related("client"), value_id
    )
    services.remove_value(request.user, value, request=request)
    return Status(204, None)
