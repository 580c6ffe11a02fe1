"""Who sees alerts, repairs and the client's concerns.

Alerts are the counselor's working notes about the relationship: `Alert.objects.visible_to`
gives them to the staff who see the record and to no client. Repairs are reached only through
their alert. A concern is the client's own words, seen by the client and the staff who see
the record (`Concern.objects.visible_to`).
"""

from alliance.accounts.privacy import Audience, DataKind, Sees, register
from alliance.alerts.models import Alert, Repair


def repairs_shown(user, client):
    return Repair.objects.filter(alert__in=Alert.objects.visible_to(user), alert__client=client)


CONCERNS = register(
    DataKind(
        key="concerns",
        model="alerts.Concern",
        title="When you say something isn't working",
        description=(
            "What you write when you tell your counselor that something isn't working. "
            "Your counselor gets an alert about it."
        ),
        sees={Audience.YOU: Sees.ALL, Audience.COUNSELOR: Sees.ALL, Audience.CLINIC: Sees.ALL},
        writers=frozenset({Audience.YOU}),
        order=40,
    )
)

ALERTS = register(
    DataKind(
        key="alerts",
        model="alerts.Alert",
        title="Alerts for your counselor",
        description=(
            "Alliance raises an alert for your counselor when something suggests your work "
            "together needs attention: low or falling scores, your view and theirs far "
            "apart, tasks that aren't working out, missed sessions or check-ins, an answer "
            "that suggests you may not be safe, or you saying something isn't working. Each "
            "says why and what might help, and your counselor records what they did about "
            "it. An alert about your Working together answers reaches them at once, but "
            "shows its numbers only once they may see those answers."
        ),
        sees={
            Audience.YOU: Sees.NOTHING,
            Audience.COUNSELOR: Sees.ALL,
            Audience.CLINIC: Sees.ALL,
        },
        parts={"alerts.Repair": "alert__client"},
        routes={"alerts.Repair": repairs_shown},
        order=45,
    )
)
