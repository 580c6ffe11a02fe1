"""Next steps per rule, and the comparison in plain words."""

import pytest

from alliance.alerts import rules
from alliance.alerts.suggestions import BY_SCOPE, REPAIR, suggestions_for
from alliance.alerts.wording import describe


def texts(rule, scopes=()):
    return [step.text for step in suggestions_for(rule, scopes)]


def test_it_suggests_raising_the_relationship_for_a_bond_drop_citing_repair_research():
    steps = suggestions_for("alliance_drop", ("bond",))
    assert steps[0].text.startswith("Raise the relationship openly next session")
    assert steps[0].citation == REPAIR
    assert any("Acknowledge your part" in step.text for step in steps)
    assert steps[-1].text.startswith("Record what you tried as a repair")


def test_it_links_a_goal_drop_to_revisiting_goals_and_a_task_misfit_to_renegotiating():
    goal = suggestions_for("alliance_drop", ("goal",))
    assert goal[0].action == "goals" and "Revisit the goals together" in goal[0].text
    tasks = suggestions_for("tasks_off_track")
    assert tasks[0].action == "tasks" and tasks[0].text.startswith("Renegotiate the task")


def test_it_prefers_the_parts_to_the_whole_and_lists_each_step_once():
    steps = texts("alliance_drop", ("bond", "total"))
    assert not any(text.startswith("Name the change in the check-in") for text in steps)
    assert len(steps) == len(set(steps))
    assert texts("weak_spot", ("total",))[0].startswith("Name the change")


def test_every_rule_has_next_steps_and_risk_asks_for_assessment_today():
    for rule in rules.load_defaults()["rules"]:
        assert suggestions_for(rule), rule
    assert texts("risk")[0].startswith("Assess risk today")


def test_it_tells_the_client_what_their_counselor_expected_and_where_they_differ():
    verdicts = {"goal": "agree", "task": "agree", "bond": "client_lower", "total": "agree"}
    assert describe(verdicts, audience="client", client_name="Amira", counselor_name="Maya") == (
        "Maya expected your answers about the goals and the tasks; "
        "you rated the bond lower than Maya expected."
    )


def test_it_tells_the_counselor_the_same_from_their_side():
    verdicts = {"goal": "agree", "task": "client_higher", "bond": "client_lower"}
    assert describe(verdicts, audience="counselor", client_name="Amira", counselor_name="Maya") == (
        "You expected Amira's answers about the goals; Amira rated the bond lower than you "
        "expected; Amira rated the tasks higher than you expected."
    )


def test_an_expected_low_rating_is_never_called_agreement():
    """The client rated the goal statements "seldom" to "sometimes" and Maya predicted just
    that: Maya expected those answers, and the goal ratings are low. Never "you and Maya agree
    on the goals"."""
    verdicts = {"goal": "agree", "task": "agree", "bond": "agree"}
    means = {"goal": 1.75, "task": 4.5, "bond": 4.75, "total": 3.667}
    words = describe(
        verdicts, audience="client", client_name="Sam", counselor_name="Maya", client_means=means
    )
    assert words == (
        "Maya expected your answers about the goals, the tasks and the bond. "
        "Your own ratings of the goals (“sometimes” on average) are low."
    )
    assert "agree" not in words
    staff = describe(
        verdicts, audience="counselor", client_name="Sam", counselor_name="Maya", client_means=means
    )
    assert staff.endswith("Sam's own ratings of the goals (“sometimes” on average) are low.")


def test_it_says_plainly_when_the_clients_own_ratings_are_high_and_refuses_an_unknown_audience():
    verdicts = {"goal": "agree", "task": "agree", "bond": "agree"}
    means = {"goal": 4.5, "task": 4.0, "bond": 5.0}
    assert describe(
        verdicts, audience="client", client_name="A", counselor_name="Maya", client_means=means
    ) == (
        "Maya expected your answers about the goals, the tasks and the bond. Your own ratings "
        "of the goals, the tasks and the bond are “fairly often” or higher."
    )
    with pytest.raises(ValueError, match="audience"):
        describe(verdicts, audience="supervisor", client_name="A", counselor_name="M")


def test_every_claim_in_a_suggestion_names_its_source_or_says_it_is_ours():
    """A step either gives plain advice (no citation), or names the source of exactly the claim
    it rests on (the claim, then the source with its year), or says it is our heuristic."""
    import re

    from alliance.alerts.suggestions import HEURISTIC

    steps = [step for rule in rules.load_defaults()["rules"] for step in suggestions_for(rule)]
    steps += [step for scope in ("bond", "goal", "task", "total") for step in BY_SCOPE[scope]]
    for step in steps:
        if step.citation in (None, HEURISTIC):
            continue
        claim, _, source = step.citation.partition(": ")
        assert claim and source, step.citation
        assert re.search(r"\b(19|20)\d\d\b", source), step.citation


def test_every_threshold_reasoning_says_whose_it_is():
    import re

    defaults = rules.load_defaults()["rules"]
    for name, rule in defaults.items():
        for spec in [rule, *rule["params"].values()]:
            reasoning = spec.get("reasoning")
            if reasoning is None:
                continue
            assert spec.get("source") == rules.HEURISTIC, name
            assert re.search(r"\b(our|ours)\b", reasoning, re.IGNORECASE), (name, reasoning)
