"""Rule families: how an alert of each kind is closed, what may be recorded about it, and the
words its status is told in.

- *Alliance* alerts (a check-in showing strain in the working alliance, the client's own "something
  isn't working") are about the relationship: the counselor records a repair, and the alert
  closes when the next alliance check-in is back at the earlier level ("recovered").
- *Behaviour* alerts (tasks, sessions, check-ins) close the same way when the behaviour is back
  on track.
- *Outcome* alerts (a reliable worsening, no reliable improvement by the review point) and *risk*
  alerts never close by themselves: later check-ins are written into their history as facts, and
  the alert stays open until someone records a review. A better score is not a review.

Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

ALLIANCE, BEHAVIOUR, OUTCOME, RISK = "alliance", "behaviour", "outcome", "risk"

FAMILIES = {
    "alliance": ALLIANCE,
    "alliance_drop": ALLIANCE,
    "weak_spot": ALLIANCE,
    "two_view_gap": ALLIANCE,
    "client_voice": ALLIANCE,
    "reliable_deterioration": OUTCOME,
    "no_reliable_improvement": OUTCOME,
    "risk": RISK,
    "tasks_off_track": BEHAVIOUR,
    "sessions_missed": BEHAVIOUR,
    "no_checkins": BEHAVIOUR,
}

# Families whose alerts close only when a review is recorded, never on later numbers.
REVIEWED_FAMILIES = frozenset({OUTCOME, RISK})


def family(rule: str) -> str:
    return FAMILIES.get(rule, BEHAVIOUR)


def closes_by_review(rule: str) -> bool:
    return family(rule) in REVIEWED_FAMILIES


@dataclass(frozen=True)
class Action:
    """Something a person records about an alert: its stored kind and the words for it."""

    kind: str
    label: str
    note_required: bool = False


# Offered both after a rupture and after a worsening.
REVISITED_GOALS = Action("revisited_goals", "Revisited goals together")
SOMETHING_ELSE = Action("other", "Something else (described in the note)", note_required=True)

# Immediate and expressive rupture-repair moves (Eubanks, Muran & Safran 2018).
REPAIRS = (
    Action("explored", "Talked openly about what happened between us"),
    Action("acknowledged_part", "Acknowledged my part in it"),
    REVISITED_GOALS,
    Action("renegotiated_tasks", "Renegotiated tasks together"),
    Action("explained", "Explained the reason for what we do"),
    Action("changed_approach", "Changed pace or approach"),
    Action("reached_out", "Reached out between sessions"),
    SOMETHING_ELSE,
)

# What a review of a worsening or of slow progress can be.
REVIEWS = (
    Action("reviewed_with_client", "Went through the check-ins with the client"),
    REVISITED_GOALS,
    Action("plan_changed", "Changed the plan, focus or intensity"),
    Action("supervision", "Talked it over in supervision"),
    Action("risk_assessed", "Assessed risk"),
    Action("referred_on", "Referred on or stepped up care"),
    SOMETHING_ELSE,
)

# A risk answer asks for clinical safety work, not rupture repair; every step is documented.
RISK_ACTIONS = (
    Action("risk_assessed", "Assessed risk", note_required=True),
    Action("safety_plan", "Agreed or reviewed a safety plan", note_required=True),
    Action("client_contacted", "Contacted the client", note_required=True),
    Action("referred_on", "Referred on", note_required=True),
    Action("emergency_services", "Involved emergency services", note_required=True),
)

ACTIONS = {ALLIANCE: REPAIRS, BEHAVIOUR: REPAIRS, OUTCOME: REVIEWS, RISK: RISK_ACTIONS}

# Every kind ever stored, with its words; "safety" is kept for repairs recorded before risk
# alerts had actions of their own.
KIND_LABELS = {action.kind: action.label for actions in ACTIONS.values() for action in actions} | {
    "safety": "Assessed safety and agreed a plan"
}


def actions_for(rule: str) -> tuple[Action, ...]:
    return ACTIONS[family(rule)]


# What each family calls a recorded action, in a heading and in a sentence.
ACTION_NOUNS = {ALLIANCE: "repair", BEHAVIOUR: "action", OUTCOME: "review", RISK: "risk review"}

STATUS_WORDS = {
    ALLIANCE: {
        "open": "Open",
        "acknowledged": "Acknowledged",
        "repaired": "Repair recorded, waiting for the next check-in",
        "still_low": "Still low after the repair",
        "recovered": "Recovered",
    },
    BEHAVIOUR: {
        "open": "Open",
        "acknowledged": "Acknowledged",
        "repaired": "Action recorded, waiting to see what happens next",
        "still_low": "Not back on track yet after the action",
        "recovered": "Back on track",
    },
    OUTCOME: {
        "open": "Open until a review is recorded",
        "acknowledged": "Acknowledged, waiting for a review",
        "reviewed": "Reviewed",
    },
    RISK: {
        "open": "Open until a risk review is recorded",
        "acknowledged": "Acknowledged, waiting for a risk review",
        "reviewed": "Risk review recorded",
    },
}


def status_words(rule: str, status: str) -> str:
    words = STATUS_WORDS[family(rule)]
    return words.get(status, status.replace("_", " ").capitalize())
