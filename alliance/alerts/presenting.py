"""An alert as the API and the pages show it: title, evidence and follow-ups (without the
numbers of check-ins the reader may not see yet), suggested next steps, repairs."""

from alliance.alerts import comparison
from alliance.alerts.suggestions import suggestions_for
from alliance.alerts.thresholds import DEFAULTS
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


def alert_out(alert, withheld: set[int]) -> dict:
    """`withheld`: the check-ins the reader may not see yet (`comparison.withheld_for`)."""
    return {
        "id": alert.pk,
        "client_id": alert.client_id,
        "rule": alert.rule,
        "severity": alert.severity,
        "status": alert.status,
        "evidence": comparison.evidence_for(alert, withheld),
        "suggestions": suggestions(alert),
        "created_at": alert.created_at,
    }


def alert_detail_out(alert, user) -> dict:
    withheld = comparison.withheld_for(user, [alert])
    return alert_out(alert, withheld) | {
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
        "follow_ups": comparison.follow_ups_for(alert, withheld),
    }
