"""Alerts for the demo clinic, raised by the rules from the demo history, with repairs.

The demo's check-ins are written in bulk, so the rules are replayed over each client's history
in the order things happened. Priya's counselor repairs every alert of her rupture at the
session after it was raised, and her next check-ins show the repair holding; Jordan's alerts
(getting worse, thoughts of self-harm at the end) are left open for the counselor to act on.
"""

import datetime

from django.db import transaction

from alliance.alerts.actions import record_repair
from alliance.alerts.evaluation import sweep
from alliance.alerts.models import Alert, RepairKind
from alliance.alerts.replay import replay_history
from alliance.care.models import Attendance, Client

REPAIRED_CLIENT = "priya@riverside.example"

# What the counselor did for each kind of alert in the demo, and what they noted.
REPAIRS = {
    "alliance_drop": (
        RepairKind.EXPLORED,
        "Said I had noticed the check-in. She said the breathing exercises felt like being "
        "told to calm down; I acknowledged I had pushed them too hard and we agreed to talk "
        "about the week first.",
    ),
    "weak_spot": (
        RepairKind.RENEGOTIATED_TASKS,
        "Dropped the daily diary; she chose a two-line note after difficult evenings instead.",
    ),
    "two_view_gap": (
        RepairKind.ACKNOWLEDGED_PART,
        "Showed her the comparison. I had expected the bond to be stronger than she felt it "
        "was; she said she had not felt heard since the session about her sister.",
    ),
    "reliable_deterioration": (
        RepairKind.CHANGED_APPROACH,
        "Reviewed the PHQ-9 with her; slowed down and went back to the formulation.",
    ),
    "not_on_track": (
        RepairKind.REVISITED_GOALS,
        "Revisited the goals; the work-stress goal was no longer hers, so we reworded it.",
    ),
    "tasks_off_track": (
        RepairKind.RENEGOTIATED_TASKS,
        "Made the task smaller and tied it to the goal she cares about most.",
    ),
    "sessions_missed": (RepairKind.REACHED_OUT, "Phoned to ask whether the time still works."),
    "no_checkins": (RepairKind.EXPLAINED, "Explained how I use the check-ins."),
    "client_voice": (RepairKind.EXPLORED, "Asked her to say more and took it seriously."),
}


@transaction.atomic
def seed_alerts(clinic) -> None:
    """Replay the rules over each demo client's history; repair Priya's alerts as they come."""
    clients = Client.objects.filter(clinic=clinic).select_related("user", "counselor")
    for client in clients:
        pending = []
        repaired = client.user.email == REPAIRED_CLIENT

        def before(kind, row, client=client, pending=pending, repaired=repaired):
            if not repaired or kind != "session" or row.attendance != Attendance.ATTENDED:
                return
            # The counselor raises each new alert at the next session, before its check-in.
            when = row.created_at - datetime.timedelta(minutes=30)
            for alert in Alert.objects.active().filter(client=client, repairs__isnull=True):
                if alert.pk in pending or alert.created_at >= when:
                    continue
                kind_of, note = REPAIRS.get(alert.rule, (RepairKind.EXPLORED, ""))
                record_repair(alert, user=client.counselor, kind=kind_of, note=note, at=when)
                pending.append(alert.pk)

        replay_history(client, on_event=before)
    sweep(clients=list(clients))
