"""Alerts for the demo clinic, raised by the rules from the demo history, with what was done.

The demo's check-ins are written in bulk, so the rules are replayed over each client's history
in the order things happened. The demo shows:
- Priya's rupture: one alert for the check-in that showed it (the alliance fell, two parts
  were weak, and Maya had expected more), repaired at the next session and recovered;
- Jordan's risk answers: the first is reviewed by Maya the next morning (risk assessed, safety
  plan agreed); a later one opens a new risk alert, left open for the counselor to act on,
  with the answer after it in its history;
- Alex's hard few weeks: a reliable worsening that eased by itself and stays open, its history
  stating the facts, until Tom reviews it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.alerts.actions import record_repair
from alliance.alerts.evaluation import sweep
from alliance.alerts.models import Alert, RepairKind
from alliance.alerts.replay import replay_history
from alliance.care.models import Attendance, Client

REPAIRED_CLIENT = "priya@riverside.example"
REVIEWED_RISK_CLIENT = "jordan@riverside.example"

# What the counselor did for each kind of alert in the demo, and what they noted.
REPAIRS = {
    "alliance": (
        RepairKind.EXPLORED,
        "Said I had noticed the check-in and that I had expected it to be better than she "
        "felt it was. She said the breathing exercises felt like being told to calm down and "
        "she had not felt heard since the session about her sister; I acknowledged I had "
        "pushed the exercises too hard. We dropped the daily diary for a two-line note after "
        "difficult evenings and agreed to talk about the week first.",
    ),
    "reliable_deterioration": (
        RepairKind.REVIEWED_WITH_CLIENT,
        "Went through the PHQ-9 with her; slowed down and went back to the formulation.",
    ),
    "no_reliable_improvement": (
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

# Maya's risk review the morning after Jordan's first answer to item 9.
RISK_REVIEW = (
    (
        RepairKind.RISK_ASSESSED,
        "Phoned Jordan the next morning. Passing thoughts of being better off dead, no plan "
        "or intent, no past attempts; lives with his sister. Discussed with Sol.",
    ),
    (
        RepairKind.SAFETY_PLAN,
        "Agreed a safety plan by phone: warning signs, who to call, the crisis numbers; his "
        "sister knows. We will go through it again at Thursday's session.",
    ),
)


@transaction.atomic
def seed_alerts(clinic) -> None:
    """Replay the rules over each demo client's history, recording what was done as it
    happened: Priya's repairs at the session after each alert, Maya's risk review of Jordan's
    first risk answer the next morning."""
    clients = Client.objects.filter(clinic=clinic).select_related("user", "counselor")
    for client in clients:
        pending = []
        repaired = client.user.email == REPAIRED_CLIENT
        reviews_risk = client.user.email == REVIEWED_RISK_CLIENT

        def before(
            kind, row, client=client, pending=pending, repaired=repaired, reviews_risk=reviews_risk
        ):
            changed = False
            if reviews_risk and not pending:
                changed = _review_first_risk(client, pending)
            if not repaired or kind != "session" or row.attendance != Attendance.ATTENDED:
                return changed
            # The counselor raises each new alert at the next session, before its check-in.
            when = row.created_at - datetime.timedelta(minutes=30)
            for alert in Alert.objects.active().filter(client=client, repairs__isnull=True):
                if alert.pk in pending or alert.created_at >= when:
                    continue
                kind_of, note = REPAIRS.get(alert.rule, (RepairKind.EXPLORED, ""))
                record_repair(alert, user=client.counselor, kind=kind_of, note=note, at=when)
                pending.append(alert.pk)
                changed = True
            return changed

        replay_history(client, on_event=before)
    sweep(clients=list(clients))


def _review_first_risk(client, pending: list) -> bool:
    alert = Alert.objects.active().filter(client=client, rule="risk").first()
    if alert is None:
        return False
    evening = timezone.localtime(alert.created_at)
    morning = evening.replace(hour=9, minute=30) + datetime.timedelta(days=1)
    for minutes, (kind, note) in enumerate(RISK_REVIEW):
        record_repair(
            alert,
            user=client.counselor,
            kind=kind,
            note=note,
            at=morning + datetime.timedelta(minutes=20 * minutes),
        )
    pending.append(alert.pk)
    return True
