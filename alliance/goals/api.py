"""Goals, values, attainment scales and ratings under /api/v1/.

A goal's operations as an agreed record (list, read, propose, change, agree, every version,
close) are the agreement mechanism's (`alliance.agreement.api.RecordApi`); the goals' own are
here. Reading takes sight of the client (`Client.objects.visible_to`); writing takes being the
client or their counselor. Supervisors and administrators who can see a goal and try to change
it get 403; anyone else gets 404. A change based on an old version gets 409 with the current
goal. Refusals are answered by the API's one handler (`alliance.api`).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from alliance.access import get_visible_or_404
from alliance.agreement.api import (
    AgreedOut,
    Id,
    PersonOut,
    ProposalOut,
    RecordApi,
    VersionNumber,
    VersionOut,
    agreed_record,
    person,
    proposal_out,
)
from alliance.agreement.services import targets
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
from alliance.schemas import Detail

router = Router(tags=["goals"])


# -- shapes -----------------------------------------------------------------------------------


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


class ClosureOut(ProposalOut):
    outcome: str


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


class GoalVersionOut(VersionOut):
    kind: str
    text: str
    why: str
    values: list[str]
    levels: dict[str, str] | None
    weight: int


class ClosureIn(Schema):
    outcome: Literal["achieved", "retired"]
    note: str = Field(max_length=NOTE_MAX)
    version: VersionNumber


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


# -- shaping ----------------------------------------------------------------------------------


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
    return {**proposal_out(closure), "outcome": closure.outcome}


def goal_out(goal: Goal) -> dict:
    """A goal read `with_relations()`."""
    levels = {str(level.level): level.text for level in goal.levels.all()}
    closure = goal.pending_end
    return {
        **agreed_record(goal),
        "text": goal.text,
        "why": goal.why,
        "values": [{"id": v.pk, "text": v.text} for v in goal.values.all()],
        "scale": {"levels": levels, "weight": goal.weight} if levels else None,
        "closure": closure_out(closure) if closure else None,
        "revisits": [revisit_out(r) for r in goal.open_revisits],
        "closed_at": goal.closed_at,
    }


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


# -- goals ------------------------------------------------------------------------------------

goals = RecordApi(router, Goal, out=GoalOut, shape=goal_out)
goals.create(GoalIn, services.propose_goal, renamed={"values": "value_ids"})
goals.update(GoalPatch, services.edit_goal, renamed={"values": "value_ids"})
goals.versions(GoalVersionOut)
goals.ending(
    ClosureIn,
    ClosureOut,
    closure_out,
    segment="closure",
    description="Achieved or retired, with a note; the goal closes when the other side confirms.",
)


@router.post(
    "/goals/{goal_id}/revisit",
    response={201: RevisitOut, 403: Detail, 409: goals.conflict},
    summary="Ask to revisit a goal",
)
def revisit_goal(request, goal_id: int, payload: RevisitIn):
    """The reason is shown to the other side until the goal is changed and agreed again, or
    either side marks it talked over."""
    goal = goals.record(request, goal_id)
    revisit = services.request_revisit(request.user, goal, payload.reason, request=request)
    return Status(201, revisit_out(revisit))


@router.post(
    "/goals/{goal_id}/revisit/{revisit_id}/resolve",
    response={200: RevisitOut, 403: Detail},
    summary="Mark a revisit request talked over",
)
def resolve_revisit(request, goal_id: int, revisit_id: int):
    goal = goals.record(request, goal_id)
    revisit = get_visible_or_404(
        Revisit.objects.filter(goal=goal).select_related("requested_by", "goal__client"),
        revisit_id,
    )
    return revisit_out(services.resolve_revisit(request.user, revisit, request=request))


# -- Goal Attainment Scaling ------------------------------------------------------------------


@router.put(
    "/goals/{goal_id}/scale",
    response=goals.writes,
    summary="Write the five attainment levels",
)
def put_scale(request, goal_id: int, payload: ScaleIn):
    """A new version of the goal: the writer agrees to it, the other side is asked to."""
    goal = goals.record(request, goal_id)
    revision = services.set_scale(
        request.user,
        goal,
        payload.levels,
        weight=payload.weight,
        version=payload.version,
        request=request,
    )
    return goals.shaped(revision.record)


@router.post(
    "/goals/{goal_id}/ratings",
    response={201: RatingOut, 403: Detail},
    summary="Rate where the goal stands now",
)
def rate_goal(request, goal_id: int, payload: RatingIn):
    goal = goals.record(request, goal_id)
    rating = services.rate_goal(request.user, goal, payload.level, request=request)
    return Status(201, rating_out(rating))


@router.get("/goals/{goal_id}/ratings", response=RatingList, summary="Every rating of a goal")
def list_ratings(request, goal_id: int):
    goal = goals.record(request, goal_id)
    ratings = list(goal.ratings.select_related("rated_by").order_by("rated_at", "id"))
    audit.record(
        request, "list", targets(goal.client, *ratings) or audit.for_object(goal, goal.client)
    )
    return {"items": [rating_out(r) for r in ratings], "count": len(ratings)}


@router.get("/clients/{client_id}/gas", response=GasOut, summary="Goal attainment over time")
def client_gas(request, client_id: int):
    """`t_score` is from the client's own latest ratings, `t_score_counselor` from the
    counselor's; retired goals and goals without a scale do not count."""
    client = visible_client(request, client_id)
    result = attainment.summary(client)
    goal_targets = [
        audit.Target("Goal", g["id"], client.pk, client.clinic_id) for g in result["goals"]
    ]
    audit.record(request, "read", goal_targets or audit.for_client(client), detail="attainment")
    return result


# -- values -----------------------------------------------------------------------------------


@router.get("/clients/{client_id}/values", response=ValueList, summary="The client's values")
def list_values(request, client_id: int):
    client = visible_client(request, client_id)
    values = list(Value.objects.filter(client=client))
    audit.record(request, "list", targets(client, *values) or audit.for_client(client))
    return {"items": [value_out(v) for v in values], "count": len(values)}


@router.post(
    "/clients/{client_id}/values",
    response={201: ValueOut, 403: Detail},
    summary="Add a value (the client only)",
)
def create_value(request, client_id: int, payload: ValueIn):
    client = visible_client(request, client_id)
    value = services.add_value(request.user, client, payload.text, request=request)
    return Status(201, value_out(value))


def _visible_value(request, value_id) -> Value:
    return get_visible_or_404(
        Value.objects.visible_to(request.user).select_related("client"), value_id
    )


@router.patch("/values/{value_id}", response={200: ValueOut, 403: Detail}, summary="Reword a value")
def update_value(request, value_id: int, payload: ValueIn):
    value = _visible_value(request, value_id)
    return value_out(services.rename_value(request.user, value, payload.text, request=request))


@router.delete("/values/{value_id}", response={204: None, 403: Detail}, summary="Remove a value")
def delete_value(request, value_id: int):
    """Goals keep what they said in their history; they stop linking to the value."""
    services.remove_value(request.user, _visible_value(request, value_id), request=request)
    return Status(204, None)
