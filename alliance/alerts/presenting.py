"""An alert as the API and the pages show it: title, status in words fit for its kind,
evidence and follow-ups (without the numbers of check-ins the reader may not see yet),
suggested next steps, what may be recorded about it, and what has been."""

from alliance.alerts import comparison
from alliance.alerts.actions import accepts_actions
from alliance.alerts.families import actions_for, status_words
from alliance.alerts.models import Concern
from alliance.alerts.suggestions import suggestions_for
from alliance.alerts.thresholds import DEFAULTS
from alliance.measures.instruments import short_name

TITLES = {name: rule["title"] for name, rule in DEFAULTS["rules"].items()}


# Rules about one outcome measure name it, so "Reliable worsening" on PHQ-9 and on GAD-7
# read as the two alerts they are.
PER_MEASURE = {"reliable_deterioration", "no_reliable_improvement"}


def title(rule: str, subject: str = "") -> str:
    text = TITLES.get(rule, rule.replace("_", " ").capitalize())
    if rule in PER_MEASURE and subject:
        text += f" ({short_name(subject)})"
    return text


def findings_of(alert) -> list[str]:
    """The alliance rules gathered into an alliance check-in's alert, in their order."""
    found = (alert.evidence or {}).get("findings") or {}
    return [rule for rule in ("alliance_drop", "weak_spot", "two_view_gap") if rule in found]


def suggestions(alert) -> list[dict]:
    steps = suggestions_for(alert.rule, alert.scopes, findings=findings_of(alert))
    return [step.to_dict() for step in steps]


def actions(alert) -> list[dict]:
    """The kinds of action the alert accepts now (none once it is closed for good)."""
    if not accepts_actions(alert):
        return []
    return [
        {"kind": a.kind, "label": a.label, "note_required": a.note_required}
        for a in actions_for(alert.rule)
    ]


def concern_of(alert) -> Concern | None:
    """The client's own words behind a client-voice alert."""
    if alert.rule != "client_voice":
        return None
    return Concern.objects.filter(
        pk=alert.evidence.get("concern_id"), client_id=alert.client_id
    ).first()


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


def alert_detail_out(alert, user, concern: Concern | None = None) -> dict:
    withheld = comparison.withheld_for(user, [alert])
    return alert_out(alert, withheld) | {
        "title": title(alert.rule, alert.subject),
        "status_text": status_words(alert.rule, alert.status),
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by_id": alert.acknowledged_by_id,
        "closed_at": alert.closed_at,
        "actions": actions(alert),
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
        "concern": (
            {
                "id": concern.pk,
                "client_id": concern.client_id,
                "text": concern.text,
                "created_at": concern.created_at,
            }
            if concern is not None
            else None
        ),
    }
