"""Goals on other apps' pages, and the goals' own words.

The section tags are how the care pages show goals without their views knowing about them:
each reaches the goals through `visible_to` and writes its own audit event. Tasks are shown
beside them by the app that has tasks (`homework_tags`).
"""

from django import template

from alliance.agreement.tags import section
from alliance.goals import attainment
from alliance.goals.models import Goal, level_label

register = template.Library()


@register.filter
def signed_level(level) -> str:
    return level_label(int(level))


def _goals_context(context, client, user, *, limit_closed: int):
    goals = list(Goal.objects.visible_to(user).filter(client=client).with_relations())
    side = client.side_of(user)
    open_goals = [g for g in goals if g.is_open]
    return section(
        context,
        client,
        user,
        goals,
        open_goals=open_goals,
        closed_goals=[g for g in goals if not g.is_open][-limit_closed:] if limit_closed else [],
        waiting=[g for g in open_goals if side and not g.agreed_by(side)],
        revisits=[r for g in open_goals for r in g.open_revisits],
        gas=attainment.summary(client),
    )


@register.inclusion_tag("goals/section_home.html", takes_context=True)
def goals_home(context, client, user):
    """The client's own goals on their home page."""
    return _goals_context(context, client, user, limit_closed=0)


@register.inclusion_tag("goals/section_counselor.html", takes_context=True)
def goals_for_staff(context, client, user):
    """Goals, agreement and revisit requests at a glance, on the client's page."""
    return _goals_context(context, client, user, limit_closed=3)
