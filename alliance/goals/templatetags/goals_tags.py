"""Goals on other apps' pages, and the words both sides read about agreement.

The two section tags are how the care pages show goals and tasks without their views knowing
about them: each reaches the records through `visible_to` and writes its own audit event.
"""

from django import template

from alliance.audit import services as audit
from alliance.goals import attainment
from alliance.goals.models import CLOSED_STATUSES, Goal, Side, level_label, side_of
from alliance.homework.glance import glance
from alliance.homework.models import Task

register = template.Library()


def _name(side: str, client, viewer_side) -> str:
    if side == viewer_side:
        return "you"
    return client.user.name if side == Side.CLIENT else client.counselor.name


@register.filter
def side_name(side: str, client) -> str:
    return client.user.name if side == Side.CLIENT else client.counselor.name


@register.filter
def signed_level(level) -> str:
    return level_label(int(level))


@register.simple_tag
def agreement_text(item, client, viewer_side=None) -> str:
    """ "You agreed to version 3; waiting for Carmen." — the state of a goal or task in words."""
    if item.status in CLOSED_STATUSES or item.status == "dropped":
        return f"{item.get_status_display()} by agreement."
    agreed = [side for side in Side.values if item.agreed_by(side)]
    waiting = [side for side in Side.values if not item.agreed_by(side)]
    if not waiting:
        both = "You both" if viewer_side else "Both"
        return f"{both} agreed to version {item.version}."
    if agreed:
        who = _name(agreed[0], client, viewer_side)
        other = _name(waiting[0], client, viewer_side)
        text = f"{who} agreed to version {item.version}; waiting for {other} to agree."
        return text[0].upper() + text[1:]
    return f"Version {item.version} is waiting for both of you to agree."


@register.simple_tag
def waiting_for_me(item, viewer_side) -> bool:
    return bool(viewer_side) and item.is_open and not item.agreed_by(viewer_side)


def _goals_context(context, client, user, *, limit_closed: int):
    request = context.get("request")
    goals = list(Goal.objects.visible_to(user).filter(client=client).with_relations())
    tasks = list(
        Task.objects.visible_to(user)
        .filter(client=client)
        .with_relations()
        .order_by("created_at", "id")
    )
    summaries = glance(t.pk for t in tasks)
    side = side_of(user, client)
    open_goals = [g for g in goals if g.is_open]
    closed = [g for g in goals if not g.is_open][-limit_closed:] if limit_closed else []
    open_tasks = [t for t in tasks if t.is_open]
    gas = attainment.summary(client)
    targets = [audit.for_object(obj, client) for obj in [*goals, *tasks]]
    if targets:
        audit.record(request, "list", targets, actor=user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "client": client,
        "side": side,
        "open_goals": open_goals,
        "closed_goals": closed,
        "waiting": [g for g in open_goals if side and not g.agreed_by(side)],
        "revisits": [r for g in open_goals for r in g.open_revisits],
        "task_rows": [(t, summaries[t.pk]) for t in open_tasks],
        "tasks_waiting": [t for t in open_tasks if side and not t.agreed_by(side)],
        "gas": gas,
    }


@register.inclusion_tag("goals/section_home.html", takes_context=True)
def goals_home(context, client, user):
    """The client's own goals and tasks on their home page, with two-tap task logging."""
    return _goals_context(context, client, user, limit_closed=0)


@register.inclusion_tag("goals/section_counselor.html", takes_context=True)
def goals_for_staff(context, client, user):
    """Goals, agreement, revisit requests and tasks at a glance, on the client's page."""
    return _goals_context(context, client, user, limit_closed=3)
