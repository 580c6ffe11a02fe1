"""An alert as the API and the pages show it: title, evidence (respecting the prediction lock),
suggested next steps, repairs and follow-ups."""

from alliance.alerts import comparison
from alliance.alerts.services import DEFAULTS
from alliance.alerts.suggestions import suggestions_for
from alliance.measures.instruments import short_name

TITLES = {name: rule["title"] for name, rule in DEFAULTS["rules"].items()}


# Rules about one outcome measure name it, so "Reliable deterioration" on PHQ-9 and on GAD-7
# read as the two alerts they are.
PER_MEASURE = {"reliable_deterioration", "not_on_track"}


def title(rule: str, subject: str = "") -> str:
    text = TITLES.get(rule, rule.replace("_", " ").capitalize())
    if rule in PER_MEASURE and subject:
        text += f" ({short_name(subject)})"
    return text


def suggestions(alert) -> list[dict]:
    return [step.to_dict() for step in suggestions_for(alert.rule, alert.scopes)]


def alert_out(alert, user, locked: set[int]) -> dict:
    return {
        "id": alert.pk,
        "client_id": alert.client_id,
        "rule": alert.rule,
        "severity": alert.severity,
        "status": alert.status,
        "evidence": comparison.evidence_for(alert, user, locked),
        "suggestions": suggestions(alert),
        "created_at": alert.created_at,
    }


def alert_detail_out(alert, user) -> dict:
    locked = comparison.locked_sessions(user, alert.client)
    return alert_out(alert, user, locked) | {
        "title": title(alert.rule, alert.subject),
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by_id": alert.acknowledged_by_id,
        "closed_at": alert.closed_at,
        "repairs": [
            {
                "id": repair.pk,
                "kind": repair.kind,
                "note": repair.note,
                "recorded_by_id": repair.recorded_by_id,
                "created_at": repair.created_at,
            }
            for repair in alert.repairs.all()
        ],
        "follow_ups": alert.follow_ups,
    }
