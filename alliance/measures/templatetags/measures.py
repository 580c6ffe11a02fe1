"""The check-in sections of the client's home page and of a client's page for staff."""

from django import template

from alliance.care.models import Session
from alliance.measures import history, services
from alliance.measures.instruments import CLIENT, COUNSELOR, all_instruments, title
from alliance.measures.models import Response

register = template.Library()

RECENT_SESSIONS = 5
RECENT_PER_FORM = 5


@register.inclusion_tag("measures/home_section.html")
def client_checkins_section(client):
    """What the client sees on their home page: check-ins waiting, and the latest answered."""
    # The client's own home page: they are the reader.
    visible = Response.objects.visible_to(client.user).filter(client=client)
    recent = list(visible[: RECENT_PER_FORM * 4])
    return {
        "client": client,
        "due": services.due_checkins(client, CLIENT),
        "tables": history.tables(
            recent, per_instrument=RECENT_PER_FORM, for_client_of=client.counselor.name
        ),
    }


@register.inclusion_tag("measures/client_section.html", takes_context=True)
def counselor_checkins_section(context, client):
    """Sessions, check-ins due, the schedule and the latest scores on a client's page."""
    user = context["request"].user
    is_counselor = client.is_own_counselor(user)
    due = services.due_checkins(client)
    schedule = services.schedule_for(client)
    instruments = all_instruments()
    visible = Response.objects.visible_to(user).filter(client=client)
    recent = list(visible[: RECENT_PER_FORM * 4 * 3])
    return {
        "client": client,
        "user": user,
        "is_counselor": is_counselor,
        "sessions": list(Session.objects.filter(client=client)[:RECENT_SESSIONS]),
        "due_counselor": [d for d in due if d.instrument.respondent == COUNSELOR],
        "due_client": [d for d in due if d.instrument.respondent == CLIENT],
        "schedule": [
            (title(instrument), services.describe_interval(schedule.interval(code)))
            for code, instrument in instruments.items()
            if schedule.interval(code) > 0
        ],
        "tables": history.tables(recent, per_instrument=RECENT_PER_FORM),
    }
