"""The alliance sections of the client's home page and of a client's page for staff."""

from django import template

from alliance.alerts import comparison
from alliance.alerts.models import Alert
from alliance.alerts.presenting import title
from alliance.measures.lock import locked_sessions

register = template.Library()


@register.filter
def get_part(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def signed(value):
    """+0.25, −0.5, 0: a gap with its direction, with a true minus sign."""
    if value is None:
        return "–"
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return "0"


@register.filter
def first_word(name):
    return comparison.first_name(name)


@register.inclusion_tag("alerts/home_section.html")
def client_home_alerts(client):
    """The crisis text while a risk alert is open (nothing about the alert itself), the latest
    comparison in plain words, and the "something isn't working" button."""
    crisis = Alert.objects.active().filter(client=client, rule="risk").exists()
    latest = None
    if comparison.shown_to_client(client):
        compared = comparison.sessions_compared(
            client, reader=client.user, audience="client", limit=1
        )
        latest = compared[-1] if compared else None
    return {
        "client": client,
        "crisis": crisis,
        "latest": latest,
        "counselor_first": comparison.first_name(client.counselor.name),
    }


@register.inclusion_tag("alerts/client_section.html", takes_context=True)
def client_alliance_panel(context, client):
    """Open alerts, sessions waiting for the counselor's prediction, the latest comparison."""
    user = context["request"].user
    flags = list(Alert.objects.active().filter(client=client).order_by("-created_at", "-pk"))
    flags.sort(key=lambda alert: alert.rank)
    for alert in flags:
        alert.title = title(alert.rule, alert.subject)
    compared = comparison.sessions_compared(client, reader=user, audience="counselor", limit=1)
    return {
        "client": client,
        "flags": flags,
        "locked": len(locked_sessions(user, client)),
        "latest": compared[-1] if compared else None,
    }
