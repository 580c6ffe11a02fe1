"""What people do about alerts: the counselor acknowledges and records repairs, the client says
"something isn't working"."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.alerts import rules
from alliance.alerts.evaluation import Evaluation, as_rating, raise_finding
from alliance.alerts.families import (
    ACTION_NOUNS,
    ALLIANCE,
    BEHAVIOUR,
    OUTCOME,
    RISK,
    actions_for,
    closes_by_review,
    family,
)
from alliance.alerts.models import CONCERN_MAX, NOTE_MAX, Alert, Concern, Repair, RepairKind, Status
from alliance.alerts.thresholds import thresholds_for
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.errors import Conflict, Invalid, NotAllowed
from alliance.measures.instruments import ALLIANCE_FORM
from alliance.measures.models import Response
from alliance.once import store_once

KEY_MAX = 64


# --- The counselor's side -----------------------------------------------------------------


def can_act(user: User, alert: Alert) -> bool:
    """The client's counselor, and the clinic's supervisors for acknowledging."""
    return alert.client.is_own_counselor(user) or (
        user.role == Role.SUPERVISOR and user.clinic_id == alert.clinic_id
    )


def can_repair(user: User, alert: Alert) -> bool:
    """Who records what was done: the client's counselor; for a risk alert, a clinic supervisor
    too, since safety cannot wait for the counselor's next working day."""
    if alert.client.is_own_counselor(user):
        return True
    return family(alert.rule) == RISK and can_act(user, alert)


def accepts_actions(alert: Alert) -> bool:
    """Whether anything more can be recorded about the alert: while it is open, and, for an
    outcome or risk alert, after its review too (a safety plan agreed after the assessment)."""
    return alert.is_active or (closes_by_review(alert.rule) and alert.status == Status.REVIEWED)


def acknowledge(alert: Alert, *, user: User, request=None) -> Alert:
    """Mark the alert as seen. Doing it again changes nothing."""
    if not can_act(user, alert):
        raise NotAllowed("The client's counselor or a clinic supervisor acknowledges alerts.")
    if alert.status != Status.OPEN:
        return alert
    now = timezone.now()
    with transaction.atomic():
        alert.status = Status.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = user
        alert.updated_at = now
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
        audit.record(
            request,
            "update",
            audit.for_object(alert, alert.client),
            actor=user,
            detail="acknowledged",
        )
    return alert


WRONG_FAMILY = {
    RISK: "A risk alert takes risk actions ({kinds}), not a rupture repair or another kind.",
    OUTCOME: "An outcome alert takes a review ({kinds}).",
    ALLIANCE: "This alert takes a repair ({kinds}).",
    BEHAVIOUR: "This alert takes a repair ({kinds}).",
}


def check_repair(kind: str, *, note: str, rule: str = "alliance") -> str:
    """The rules an action about an alert of `rule` follows, shared by the page and the API:
    a kind that alert's family accepts, and a note where the kind needs one. Returns the
    note."""
    accepted = {action.kind: action for action in actions_for(rule)}
    if kind not in RepairKind.values:
        raise Invalid(f"Kind must be one of {', '.join(accepted)}.", field="kind")
    if kind not in accepted:
        message = WRONG_FAMILY[family(rule)].format(kinds=", ".join(accepted))
        raise Invalid(message, field="kind")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise Invalid(f"The note can be at most {NOTE_MAX} characters.", field="note")
    if accepted[kind].note_required and not note:
        if family(rule) == RISK:
            raise Invalid(
                "Write what was done and agreed in the note: it is part of the risk record.",
                field="note",
            )
        raise Invalid("Describe what you did in the note.", field="note")
    return note


def record_repair(
    alert: Alert,
    *,
    user: User,
    kind: str,
    note: str,
    request=None,
    at: datetime | None = None,
) -> Repair:
    """Record what was done about an alert.

    A repair of an alliance or behaviour alert sets it waiting for the client's next check-in.
    A review of an outcome alert, or a risk action on a risk alert, closes it: those alerts
    close only this way (`families`).
    """
    if not can_repair(user, alert):
        if family(alert.rule) == RISK:
            raise NotAllowed("The client's counselor or a clinic supervisor records a risk review.")
        raise NotAllowed("Only the client's counselor records a repair.")
    note = check_repair(kind, note=note, rule=alert.rule)
    if not accepts_actions(alert):
        raise Conflict("This alert has already recovered; there is nothing to repair.")
    at = at or timezone.now()
    with transaction.atomic():
        repair = Repair.objects.create(
            alert=alert, kind=kind, note=note, recorded_by=user, created_at=at
        )
        fields = ["status", "updated_at"]
        if closes_by_review(alert.rule):
            if alert.is_active:
                alert.status, alert.closed_at = Status.REVIEWED, at
                fields.append("closed_at")
        else:
            alert.status = Status.REPAIRED
        alert.updated_at = at
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = at, user
            fields += ["acknowledged_at", "acknowledged_by"]
        alert.save(update_fields=fields)
        audit.record(
            request,
            "create",
            [audit.for_object(repair, alert.client), audit.for_object(alert, alert.client)],
            actor=user,
            detail=ACTION_NOUNS[family(alert.rule)],
        )
    return repair


# --- The client's side --------------------------------------------------------------------


def check_concern(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > CONCERN_MAX:
        raise Invalid(f"Please keep it to {CONCERN_MAX} characters.", field="text")
    return text


def raise_concern(
    client: Client, *, user: User, text: str | None, key: str = "", request=None
) -> tuple[Concern, bool]:
    """The client's "something isn't working": stored with their words, and an alert for the
    counselor. Returns the concern and whether it is new (a repeated key returns the first)."""
    if not client.is_own_record(user):
        raise NotAllowed("Only the client raises a concern about their own care.")
    text = check_concern(text)
    key = (key or "")[:KEY_MAX]
    t = thresholds_for(client.clinic_id)

    def store() -> Concern:
        concern = Concern.objects.create(client=client, text=text, idempotency_key=key)
        audit.record(request, "create", audit.for_object(concern, client), actor=user)
        wanted = int(t["alliance_drop"]["baseline_ratings"])
        recent = list(
            Response.objects.filter(client=client, instrument=ALLIANCE_FORM).order_by(
                "-submitted_at", "-pk"
            )[:wanted]
        )
        ratings = [as_rating(r) for r in reversed(recent)]
        finding = rules.client_voice(concern.pk, concern.created_at, bool(text), ratings)
        raise_finding(Evaluation(client, t), finding, concern.created_at)
        return concern

    # A retry returns the first concern; the same key with other words would lose them.
    return store_once(
        key,
        earlier=lambda: Concern.objects.filter(client=client, idempotency_key=key).first(),
        same=lambda earlier: earlier.text == text,
        store=store,
        different="This idempotency key was already used for a concern with other words; send "
        "a new key for a new concern.",
    )
