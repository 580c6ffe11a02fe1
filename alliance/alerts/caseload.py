"""Each client's open alerts as flags on the caseload, most urgent clients first.

One query for every client's open alerts, whatever the number of clients or the length of
their history: it reads only the alert rows still open, never the check-ins behind them.
"""

from collections import defaultdict

from alliance.alerts.models import SEVERITY_RANK, Alert
from alliance.alerts.presenting import title

NO_FLAGS = len(SEVERITY_RANK)


def with_flags(clients: list) -> list:
    """`clients` sorted by urgency, each with `.flags` (most severe first) and `.urgency`.

    Open alerts of one kind about one client make one flag with a count (three positive
    item-9 answers are one red flag saying 3), linking to the most recent of them.
    """
    found = defaultdict(dict)
    rows = (
        Alert.objects.active()
        .filter(client__in=[client.pk for client in clients])
        .order_by("-created_at", "-pk")
        .values_list("client_id", "pk", "rule", "subject", "severity", "created_at")
    )
    for client_id, pk, rule, subject, severity, created_at in rows:
        label = title(rule, subject)
        flag = found[client_id].get(label)
        if flag is None:
            found[client_id][label] = {
                "id": pk,
                "title": label,
                "severity": severity,
                "rank": SEVERITY_RANK[severity],
                "created_at": created_at,
                "count": 1,
            }
        else:
            flag["count"] += 1
            if SEVERITY_RANK[severity] < flag["rank"]:
                flag["severity"], flag["rank"] = severity, SEVERITY_RANK[severity]
    for client in clients:
        flags = sorted(
            found.get(client.pk, {}).values(),
            key=lambda f: (f["rank"], -f["created_at"].timestamp()),
        )
        client.flags = flags
        client.urgency = flags[0]["rank"] if flags else NO_FLAGS
    # Most severe flag first, then the most flags; the caller's order (by name) breaks ties.
    return sorted(clients, key=lambda c: (c.urgency, -sum(f["count"] for f in c.flags)))
