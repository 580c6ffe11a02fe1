"""Next steps per rule, and the comparison in plain words."""

import pytest

from alliance.alerts import rules
from alliance.alerts.suggestions import REPAIR, suggestions_for
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


def test_it_tells_the_client_where_they_agree_and_differ_from_their_counselor():
    verdicts = {"goal": "agree", "task": "agree", "bond": "client_lower", "total": "agree"}
    assert describe(verdicts, audience="client", client_name="Amira", counselor_name="Maya") == (
        "You and Maya agree on the goals and the tasks; "
        "you rated the bond lower than Maya expected."
    )


def test_it_tells_the_counselor_the_same_from_their_side():
    verdicts = {"goal": "agree", "task": "client_higher", "bond": "client_lower"}
    assert describe(verdicts, audience="counselor", client_name="Amira", counselor_name="Maya") == (
        "You and Amira agree on the goals; Amira rated the bond lower than you expected; "
        "Amira rated the tasks higher than you expected."
    )


def test_it_says_full_agreement_plainly_and_refuses_an_unknown_audience():
    verdicts = {"goal": "agree", "task": "agree", "bond": "agree"}
    assert describe(verdicts, audience="client", client_name="A", counselor_name="Maya") == (
        "You and Maya agree on the goals, the tasks and the bond."
    )
    with pytest.raises(ValueError, match="audience"):
        describe(verdicts, audience="supervisor", client_name="A", counselor_name="M")
