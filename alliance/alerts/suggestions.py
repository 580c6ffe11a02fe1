"""What to try next, per rule and per part of the alliance concerned.

Each alert carries concrete next steps, not only the signal. A step that rests on an empirical
claim carries the source of exactly that claim in `citation`, or says in `citation` that it is
Alliance's own heuristic; a step that is plain advice with no claim in it carries neither.
`action` names a page the step leads to (goals, tasks, check-in schedule, comparison); the web
layer turns it into a link.

Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

REPAIR = (
    "Rupture repair is associated with better outcomes: Eubanks CF, Muran JC, Safran JD. "
    "Alliance rupture repair: a meta-analysis. Psychotherapy. 2018;55(4):508–519."
)
VIEWS_DIFFER = (
    "Clients' and therapists' ratings of the alliance agree only moderately (r = .36): Tryon "
    "GS, Blackwell SC, Hammel EF. A meta-analytic examination of client–therapist perspectives "
    "of the working alliance. Psychotherapy Research. 2007;17(6):629–642."
)
ALLIANCE_OUTCOME = (
    "The alliance and outcome go together (r = .28 across 295 studies): Flückiger C, Del Re "
    "AC, Wampold BE, Horvath AO. The alliance in adult psychotherapy: a meta-analytic "
    "synthesis. Psychotherapy. 2018;55(4):316–340."
)
ITEM_9 = (
    "Any answer above 'Not at all' to PHQ-9 item 9 needs further assessment by a competent "
    "person, whatever the total: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a "
    "brief depression severity measure. J Gen Intern Med. 2001;16(9):606–613."
)
HEURISTIC = "Alliance's own heuristic, not a research finding."


@dataclass(frozen=True)
class Suggestion:
    text: str
    citation: str | None = None
    action: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


RECORD = Suggestion(
    "Record what you tried as a repair: the client's next check-in shows whether it held."
)
REVIEW = Suggestion(
    "Record your review: the alert stays open until you do, whatever the next scores say."
)
RISK_REVIEW = Suggestion(
    "Record each step of the risk review (risk assessed, safety plan, contact, referral): the "
    "alert stays open until a risk review is recorded."
)

BY_SCOPE = {
    "bond": [
        Suggestion(
            "Raise the relationship openly next session: say you noticed the check-in and ask "
            "how working together has felt lately, including anything you did that did not sit "
            "well.",
            REPAIR,
        ),
        Suggestion(
            "Acknowledge your part in any strain without defending it, and validate what the "
            "client tells you.",
            REPAIR,
        ),
        Suggestion(
            "Listen for quiet withdrawal (short answers, changing the subject, going along) as "
            "much as for open complaint.",
            HEURISTIC,
        ),
    ],
    "goal": [
        Suggestion(
            "Revisit the goals together: ask whether each still says, in the client's words, "
            "what they want from this work, and agree any new wording both ways.",
            REPAIR,
            "goals",
        ),
    ],
    "task": [
        Suggestion(
            "Ask how the way you work together is landing; explain the reason for the current "
            "approach, or change it with the client.",
            REPAIR,
        ),
        Suggestion("Renegotiate tasks between sessions that are not helping.", None, "tasks"),
    ],
    "total": [
        Suggestion(
            "Name the change in the check-in and ask openly how the sessions have been going "
            "for the client.",
            REPAIR,
        ),
    ],
}

BY_RULE = {
    "two_view_gap": [
        Suggestion(
            "Look at the comparison together: show the client where your expectations and "
            "their answers differ, and ask about the items furthest apart.",
            None,
            "comparison",
        ),
        Suggestion(
            "Check your own sense of the work: your view of the alliance and the client's can "
            "differ, so a strain they feel may not show in how the sessions feel to you.",
            VIEWS_DIFFER,
        ),
    ],
    "reliable_deterioration": [
        Suggestion(
            "Go through the latest answers with the client and ask what has changed in their "
            "life and in the work."
        ),
        Suggestion(
            "Check safety, review the formulation and the approach, and talk it over in "
            "supervision; consider whether the plan, the frequency or a referral should "
            "change."
        ),
        Suggestion(
            "Ask how the client feels about the work itself: how the alliance is going and "
            "how the client is doing are related.",
            ALLIANCE_OUTCOME,
        ),
    ],
    "no_reliable_improvement": [
        Suggestion(
            "Review progress against the goals with the client and ask what would make the "
            "work more useful to them.",
            None,
            "goals",
        ),
        Suggestion(
            "Bring the case to supervision; consider a change of approach, intensity or "
            "focus rather than more of the same."
        ),
    ],
    "tasks_off_track": [
        Suggestion(
            "Renegotiate the task: ask what got in the way and whether it fits the goal and the "
            "client's week; make it smaller or different and agree the new version together.",
            REPAIR,
            "tasks",
        ),
        Suggestion(
            "Explain how the task links to the goal it serves, and check that the client sees "
            "the link too."
        ),
    ],
    "sessions_missed": [
        Suggestion(
            "Reach out warmly and without blame; ask whether the time, the format or the work "
            "itself needs to change."
        ),
        Suggestion(
            "When you next meet, ask about the relationship as well as the practicalities: a "
            "missed session may be a step back from the work.",
            HEURISTIC,
        ),
    ],
    "no_checkins": [
        Suggestion(
            "Ask whether the check-ins feel useful or a burden, and show how you use their answers."
        ),
        Suggestion(
            "Agree a check-in schedule that suits the client if the current one is too often.",
            None,
            "checkins",
        ),
    ],
    "client_voice": [
        Suggestion(
            "Thank the client for saying so, and invite them to say more: next session, or "
            "sooner if it cannot wait.",
            REPAIR,
        ),
        Suggestion(
            "Explore what isn't working without defending yourself, and acknowledge your part.",
            REPAIR,
        ),
        Suggestion(
            "Agree together what to change (goals, tasks or the way you work) and check back "
            "at the next session whether it helped."
        ),
    ],
    "risk": [
        Suggestion(
            "Assess risk today, following your clinic's safety procedure; do not wait for the "
            "next session.",
            ITEM_9,
        ),
        Suggestion("Make or review a safety plan with the client."),
        Suggestion("Tell your supervisor and record the assessment and what you agreed."),
    ],
}

SCOPED_RULES = {"alliance_drop", "weak_spot"}
SCOPE_ORDER = ("bond", "goal", "task", "total")
CLOSING = {"reliable_deterioration": REVIEW, "no_reliable_improvement": REVIEW, "risk": RISK_REVIEW}


def suggestions_for(
    rule: str, scopes: Sequence[str] = (), *, findings: Sequence[str] = ()
) -> list[Suggestion]:
    """Next steps for an alert of `rule` concerning `scopes`, most specific first, each once.

    An alliance check-in's alert (`rule` "alliance") gathers several `findings` (the alliance
    rules it tripped): one set of steps for them all.
    """
    steps: list[Suggestion] = []
    parts = [rule]
    if rule == "alliance":
        parts = list(findings) or ["alliance_drop"]
    if any(part in SCOPED_RULES for part in parts):
        chosen = [scope for scope in SCOPE_ORDER if scope in scopes] or ["total"]
        if len(chosen) > 1 and "total" in chosen:
            chosen.remove("total")  # the parts say more than the whole
        for scope in chosen:
            steps.extend(BY_SCOPE[scope])
    for part in parts:
        steps.extend(BY_RULE.get(part, []))
    steps.append(CLOSING.get(rule, RECORD))
    unique = []
    for step in steps:
        if step not in unique:
            unique.append(step)
    return unique
