"""The client's Goal Attainment Scaling summary, now and over time, from each side's ratings.

Which goals count: every goal with a scale that was not retired (achieved goals keep counting,
they are part of what was attained). Each side's T-score uses that side's latest rating of each
goal it has rated, weighted by the goal's agreed weight, with ρ = 0.3; the maths is the
psychometrics core's. `t_score` is the client's own view; the counselor's is reported beside it.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance.goals.models import Goal, GoalStatus, Rating, ScaleLevel, Side
from alliance.psychometrics.gas import RHO, gas_t_score


def scaled_goals(client):
    has_scale = Exists(ScaleLevel.objects.filter(goal=OuterRef("pk")))
    return (
        Goal.objects.filter(client=client)
        .exclude(status=GoalStatus.RETIRED)
        .filter(has_scale)
        .prefetch_related("levels")
        .order_by("created_at", "id")
    )


def t_score(latest: dict, weights: dict) -> float | None:
    """T over the goals in `latest` (goal id → Rating); None when nothing is rated."""
    if not latest:
        return None
    goal_ids = sorted(latest)
    levels = [latest[goal_id].level for goal_id in goal_ids]
    return round(gas_t_score(levels, [weights[goal_id] for goal_id in goal_ids], RHO), 1)


def summary(client) -> dict:
    goals = list(scaled_goals(client))
    weights = {goal.pk: goal.weight for goal in goals}
    ratings = Rating.objects.filter(goal_id__in=weights).order_by("rated_at", "id")
    latest: dict[str, dict] = {side: {} for side in Side.values}
    by_day: dict = {}
    for rating in ratings:
        latest[rating.side][rating.goal_id] = rating
        day = timezone.localdate(rating.rated_at)
        # Later ratings the same day overwrite: each day keeps its closing score.
        by_day.setdefault(day, {})[rating.side] = t_score(latest[rating.side], weights)
    history = []
    carried = {side: None for side in Side.values}
    for day in sorted(by_day):
        carried.update(by_day[day])
        history.append({"date": day, **carried})
    return {
        "t_score": t_score(latest[Side.CLIENT], weights),
        "t_score_counselor": t_score(latest[Side.COUNSELOR], weights),
        "rho": RHO,
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "status": goal.status,
                "weight": goal.weight,
                "levels": {str(level.level): level.text for level in goal.levels.all()},
                **{
                    side: (
                        {"level": rated.level, "rated_at": rated.rated_at}
                        if (rated := latest[side].get(goal.pk))
                        else None
                    )
                    for side in Side.values
                },
            }
            for goal in goals
        ],
        "history": history,
    }
