"""The words both sides read about agreement, as template tags: `{% load agreement %}`.

Loaded under that name from `alliance/goals/templatetags/agreement.py`: Django finds tag
libraries only in installed apps, and this shared mechanism is not one.
"""

from django import template

from alliance.agreement.services import targets
from alliance.audit import services as audit
from alliance.care.models import Side

register = template.Library()


def _name(side: str, client, viewer_side) -> str:
    if side == viewer_side:
        return "you"
    return client.user.name if side == Side.CLIENT else client.counselor.name


@register.simple_tag
def agreement_text(item, client, viewer_side=None) -> str:
    """ "You agreed to version 3; waiting for Carmen." — the state of a goal or task in words."""
    if not item.is_open:
        return f"{item.get_status_display()} by agreement."
    agreed = [side for side in Side.values if item.agreed_by(side)]
    waiting = item.waiting_for()
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


def section(context, client, user, shown: list, **more) -> dict:
    """The context of a section showing `shown`, a client's records, on another app's page
    (an inclusion tag's): who is looking and from which side, with `more`. The records shown
    are audited as listed."""
    request = context.get("request")
    if shown:
        audit.record(request, "list", targets(client, *shown), actor=user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "client": client,
        "side": client.side_of(user),
        **more,
    }
