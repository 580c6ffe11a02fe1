"""Each rule on plain data: when it fires, when it does not, and its follow-up."""

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from alliance.alerts import rules
from alliance.alerts.rules import (
    RECOVERED,
    STILL_LOW,
    CheckInWindow,
    Measure,
    Rating,
    SessionEntry,
    TaskLogEntry,
    ThresholdError,
    ViewPair,
)
from alliance.psychometrics import get_instrument

T = rules.resolve(rules.load_defaults())
WAI = get_instrument("wai-sr")
SUBSCALES = {sub.name: list(sub.items) for sub in WAI.subscales}
START = date(2025, 1, 6)


def rating(ref, goal=4.75, task=4.75, bond=4.75, week=None):
    """A WAI-SR rating whose subscale item means are as given (each a multiple of 0.25)."""
    answers = {}
    for scope, mean in (("goal", goal), ("task", task), ("bond", bond)):
        total = round(mean * 4)
        values = [total // 4 + (1 if n < total % 4 else 0) for n in range(4)]
        answers.update(dict(zip(SUBSCALES[scope], values, strict=True)))
    means = {scope: sum(answers[i] for i in SUBSCALES[scope]) / 4 for scope in SUBSCALES}
    means["total"] = round(sum(answers.values()) / 12, 3)
    return Rating(ref, START + timedelta(weeks=ref if week is None else week), answers, means)


# --- alliance drop ------------------------------------------------------------------------


def test_it_finds_a_bond_drop_against_the_clients_own_baseline():
    history = [rating(1), rating(2, bond=4.5), rating(3), rating(4, bond=3.5)]
    finding = rules.alliance_drop(history, T["alliance_drop"], SUBSCALES)
    assert finding.rule == "alliance_drop"
    assert finding.key == "response:4"
    assert finding.subject == "wai-sr"
    assert finding.scopes == ("bond",)
    bond = finding.evidence["scopes"]["bond"]
    assert bond == {"now": 3.5, "earlier": 4.667, "change": -1.167, "threshold": 1.0}
    assert finding.evidence["baseline"]["response_ids"] == [1, 2, 3]
    assert {item["item"] for item in finding.evidence["items"]} <= set(SUBSCALES["bond"])
    assert finding.evidence["items"]
    assert "The bond fell from 4.67 to 3.50" in finding.evidence["summary"]


def test_it_counts_a_fall_of_exactly_one_point_as_a_drop():
    history = [rating(1, bond=4.75), rating(2, bond=3.75)]
    finding = rules.alliance_drop(history, T["alliance_drop"], SUBSCALES)
    assert finding is not None and finding.scopes == ("bond",)


def test_it_ignores_a_fall_just_short_of_the_threshold():
    history = [rating(1, bond=4.75), rating(2, bond=4.0)]
    assert rules.alliance_drop(history, T["alliance_drop"], SUBSCALES) is None


def test_it_finds_a_broad_drop_in_the_total_when_no_subscale_falls_a_full_point():
    history = [rating(1, 5, 5, 5), rating(2, 4.25, 4.5, 4.5)]
    finding = rules.alliance_drop(history, T["alliance_drop"], SUBSCALES)
    assert finding.scopes == ("total",)
    assert finding.evidence["scopes"]["total"]["change"] == -0.583


def test_it_needs_an_earlier_rating_and_uses_only_the_last_few_as_baseline():
    assert rules.alliance_drop([rating(1, bond=2)], T["alliance_drop"], SUBSCALES) is None
    # An old high rating outside the three-rating baseline does not make today's level a drop.
    history = [rating(1, bond=5), rating(2, bond=3.5), rating(3, bond=3.5), rating(4, bond=3.5)]
    history.append(rating(5, bond=3.25))
    assert rules.alliance_drop(history, T["alliance_drop"], SUBSCALES) is None


def test_it_honours_a_clinics_stricter_threshold():
    stricter = T["alliance_drop"] | {"subscale_mean_drop": 0.5}
    history = [rating(1, bond=4.75), rating(2, bond=4.25)]
    assert rules.alliance_drop(history, T["alliance_drop"], SUBSCALES) is None
    assert rules.alliance_drop(history, stricter, SUBSCALES).scopes == ("bond",)


def test_it_calls_a_drop_recovered_when_the_measure_is_back_at_its_earlier_level():
    finding = rules.alliance_drop(
        [rating(1), rating(2), rating(3, bond=3.25)], T["alliance_drop"], SUBSCALES
    )
    status, details = rules.alliance_drop_followed(
        finding.evidence, rating(4, bond=4.5), T["alliance_drop"]
    )
    assert status == RECOVERED
    assert details["scopes"]["bond"]["back"] is True
    status, _ = rules.alliance_drop_followed(
        finding.evidence, rating(4, bond=4.0), T["alliance_drop"]
    )
    assert status == STILL_LOW


# --- weak spot ----------------------------------------------------------------------------


def test_it_finds_a_subscale_below_fairly_often():
    finding = rules.weak_spot(rating(7, task=2.75), T["weak_spot"], SUBSCALES)
    assert finding.scopes == ("task",)
    assert finding.key == "response:7"
    assert finding.evidence["scopes"]["task"] == {"now": 2.75, "threshold": 3.0}
    assert all(item["now"] < 3 for item in finding.evidence["items"])
    assert "Agreement on tasks (2.75) averaged below 3" in finding.evidence["summary"]


def test_it_leaves_a_subscale_at_exactly_fairly_often_alone():
    assert (
        rules.weak_spot(rating(7, task=3.0, goal=3.0, bond=3.0), T["weak_spot"], SUBSCALES) is None
    )


def test_it_follows_a_weak_spot_up():
    finding = rules.weak_spot(rating(1, goal=2.5), T["weak_spot"], SUBSCALES)
    assert (
        rules.weak_spot_followed(finding.evidence, rating(2, goal=3), T["weak_spot"])[0]
        == RECOVERED
    )
    assert (
        rules.weak_spot_followed(finding.evidence, rating(2, goal=2.75), T["weak_spot"])[0]
        == STILL_LOW
    )


# --- two views ----------------------------------------------------------------------------


def pair(session, client, predicted):
    from alliance.psychometrics import compare_views
    from alliance.psychometrics.compare import view_means

    result = compare_views(
        WAI, client.answers, get_instrument("wai-sr-predicted"), predicted.answers
    )
    return ViewPair(session, client.when, view_means(result, WAI), result["items"])


def test_it_finds_a_counselor_who_expected_a_stronger_bond_than_the_client_felt():
    finding = rules.two_view_gap(
        pair(12, rating(1, bond=3.5), rating(1, bond=4.75)), T["two_view_gap"], SUBSCALES
    )
    assert finding.key == "session:12"
    assert finding.scopes == ("bond",)
    assert finding.evidence["scopes"]["bond"]["gap"] == 1.25
    assert finding.evidence["items"][0]["gap"] > 0


def test_it_does_not_alert_when_the_client_rated_higher_than_expected_or_close():
    assert (
        rules.two_view_gap(
            pair(1, rating(1, bond=5), rating(1, bond=3)), T["two_view_gap"], SUBSCALES
        )
        is None
    )
    assert (
        rules.two_view_gap(
            pair(1, rating(1, bond=4), rating(1, bond=4.75)), T["two_view_gap"], SUBSCALES
        )
        is None
    )


def test_it_follows_a_gap_up_at_the_next_compared_session():
    finding = rules.two_view_gap(
        pair(1, rating(1, bond=3), rating(1, bond=5)), T["two_view_gap"], SUBSCALES
    )
    closer = pair(2, rating(2, bond=4.5), rating(2, bond=5))
    assert rules.two_view_gap_followed(finding.evidence, closer, T["two_view_gap"])[0] == RECOVERED
    apart = pair(2, rating(2, bond=3.5), rating(2, bond=5))
    assert rules.two_view_gap_followed(finding.evidence, apart, T["two_view_gap"])[0] == STILL_LOW


# --- outcome ------------------------------------------------------------------------------

PHQ9 = get_instrument("phq9")
GAD7 = get_instrument("gad7")


def measures(*totals, flags=()):
    return [
        Measure(n, START + timedelta(weeks=n), total, flags) for n, total in enumerate(totals, 1)
    ]


def test_it_finds_reliable_deterioration_since_the_first_measure():
    finding = rules.reliable_deterioration(PHQ9, measures(8, 10, 14))
    assert finding.rule == "reliable_deterioration"
    assert finding.subject == "phq9"
    assert finding.key == "response:3"
    assert finding.evidence["change"] == 6
    assert finding.evidence["reliable_change_size"] == 6
    assert "NHS" in finding.evidence["citation"]
    assert "PHQ-9 went from 8" in finding.evidence["summary"]


def test_it_does_not_call_a_change_below_the_reliable_size_deterioration():
    assert rules.reliable_deterioration(PHQ9, measures(8, 13)) is None
    assert rules.reliable_deterioration(GAD7, measures(8, 11)) is None
    assert rules.reliable_deterioration(GAD7, measures(8, 12)) is not None
    assert rules.reliable_deterioration(PHQ9, measures(8)) is None


def test_it_follows_deterioration_up_in_words_true_to_the_rule():
    """The follow-up that used to say "recovered … back at the earlier level" at 10 after 5 → 11
    states the facts instead, and never closes the alert (only a review does)."""
    finding = rules.reliable_deterioration(PHQ9, measures(5, 11))
    state, details = rules.reliable_deterioration_followed(
        PHQ9, finding.evidence, Measure(9, START, 10)
    )
    assert state == "eased"
    assert state not in (RECOVERED, STILL_LOW)
    assert details["summary"] == (
        "PHQ-9 10 now, 5 at the start: no longer a reliable worsening, "
        "at or above the cut-off (10)."
    )
    assert details["still_reliably_worse"] is False and details["at_or_above_cutoff"] is True
    state, details = rules.reliable_deterioration_followed(
        PHQ9, finding.evidence, Measure(9, START, 16)
    )
    assert state == "still_worse"
    assert details["summary"] == (
        "PHQ-9 16 now, 5 at the start: still a reliable worsening (11 points; 6 count), "
        "at or above the cut-off (10)."
    )
    state, details = rules.reliable_deterioration_followed(
        PHQ9, finding.evidence, Measure(9, START, 7)
    )
    assert details["summary"].endswith("no longer a reliable worsening, below the cut-off (10).")


def test_it_finds_a_client_at_caseness_without_reliable_improvement_by_the_review_point():
    t = T["no_reliable_improvement"]
    finding = rules.no_reliable_improvement(PHQ9, measures(15, 14, 12), 8, t)
    assert finding.rule == "no_reliable_improvement"
    assert finding.key == "by-session:8"
    assert finding.evidence["attended_sessions"] == 8
    assert "no reliable improvement" in finding.evidence["summary"]
    assert "our own marker" in finding.evidence["summary"]
    assert "on track" not in finding.evidence["summary"]


def test_it_does_not_raise_the_review_point_too_early_improving_or_below_caseness():
    t = T["no_reliable_improvement"]
    assert rules.no_reliable_improvement(PHQ9, measures(15, 14), 7, t) is None
    assert rules.no_reliable_improvement(PHQ9, measures(15, 9), 8, t) is None
    assert rules.no_reliable_improvement(PHQ9, measures(6, 6), 8, t) is None
    # Reliably worse is the deterioration rule's business, not this one's.
    assert rules.no_reliable_improvement(PHQ9, measures(12, 19), 8, t) is None


def test_it_follows_the_review_point_up_with_the_facts():
    finding = rules.no_reliable_improvement(GAD7, measures(12, 11), 8, T["no_reliable_improvement"])
    state, details = rules.no_reliable_improvement_followed(
        GAD7, finding.evidence, Measure(5, START, 8)
    )
    assert state == "improved"
    assert details["summary"] == (
        "GAD-7 8 now, 12 at the start: a reliable improvement now, at or above the cut-off (8)."
    )
    state, details = rules.no_reliable_improvement_followed(
        GAD7, finding.evidence, Measure(5, START, 9)
    )
    assert state == "not_yet"
    assert "no reliable improvement yet (4 points count)" in details["summary"]


def test_it_names_the_review_point_so_it_is_not_mistaken_for_lamberts_signal():
    defaults = rules.load_defaults()
    assert "not_on_track" not in defaults["rules"]
    spec = defaults["rules"]["no_reliable_improvement"]["params"]["by_session"]
    assert spec["source"] == rules.HEURISTIC
    for words in ("not Lambert's OQ-45", "measurably improved", "Kadera", "Hansen"):
        assert words in spec["reasoning"]


def test_it_raises_risk_from_the_urgent_item_9_flag():
    answers = {f"phq9_{n}": 1 for n in range(1, 10)}
    measure = Measure(31, START, 9, ("suicide_risk_item9",))
    finding = rules.risk(measure, PHQ9, answers)
    assert finding.rule == "risk"
    assert finding.key == "response:31"
    # One subject for every risk answer: while a risk alert is open, the next joins it.
    assert finding.subject == "risk"
    assert finding.evidence["flags"][0]["item"] == "phq9_9"
    assert finding.evidence["flags"][0]["answer"] == 1
    assert "Kroenke" in finding.evidence["citation"]


def test_it_raises_no_risk_without_the_flag():
    assert rules.risk(Measure(31, START, 20, ()), PHQ9, {}) is None
    assert rules.risk(Measure(31, START, 20, ("unknown",)), PHQ9, {}) is None


def test_it_states_what_a_later_answer_said_without_closing_anything():
    state, details = rules.risk_answered(Measure(2, START, 7, ()), PHQ9, {"phq9_9": 0})
    assert state == "no_flag"
    assert "no urgent answer this time (item 9: 0)" in details["summary"]
    assert "stays open until a risk review is recorded" in details["summary"]
    state, details = rules.risk_answered(
        Measure(3, START, 7, ("suicide_risk_item9",)), PHQ9, {"phq9_9": 2}
    )
    assert state == "flag_again"
    assert details["flags"][0]["answer"] == 2
    assert details["response_id"] == 3


# --- one alert per alliance check-in --------------------------------------------------------


def test_it_gathers_every_alliance_finding_of_a_check_in_into_one():
    history = [rating(1), rating(2, task=2.5, bond=3.5)]
    latest = history[-1]
    pair = ViewPair(
        7,
        latest.when,
        {"bond": {"client": 3.5, "counselor": 5.0, "difference": 1.5}},
        {},
    )
    found = [
        rules.alliance_drop(history, T["alliance_drop"], SUBSCALES),
        rules.weak_spot(latest, T["weak_spot"], SUBSCALES),
        rules.two_view_gap(pair, T["two_view_gap"], SUBSCALES),
    ]
    severities = {rule: T[rule]["severity"] for rule in rules.ALLIANCE_RULES}
    finding = rules.alliance_checkin(
        found, ref=2, session=7, when=latest.when, severities=severities
    )
    assert finding.rule == "alliance" and finding.subject == "wai-sr"
    assert finding.key == "session:7"
    assert set(finding.evidence["findings"]) == {"alliance_drop", "weak_spot", "two_view_gap"}
    assert set(finding.scopes) == {"task", "bond", "total"}
    assert finding.severity == "attention"  # the worst of attention and info
    assert finding.evidence["response_id"] == 2
    for one in found:
        assert one.evidence["summary"] in finding.evidence["summary"]
    assert rules.alliance_checkin([None], ref=2, session=7, when=START, severities={}) is None


def test_it_follows_a_gathered_alert_up_finding_by_finding():
    history = [rating(1), rating(2, task=2.5)]
    severities = {rule: T[rule]["severity"] for rule in rules.ALLIANCE_RULES}
    found = [rules.weak_spot(history[-1], T["weak_spot"], SUBSCALES)]
    evidence = rules.alliance_checkin(
        found, ref=2, session=None, when=START, severities=severities
    ).evidence
    status, details = rules.alliance_followed(
        evidence, latest=rating(3), pair=None, fired=[], previous=None, t=T
    )
    assert status == RECOVERED
    assert details["findings"]["weak_spot"]["back"] is True
    still = rating(4, goal=2.5)
    fired = [rules.weak_spot(still, T["weak_spot"], SUBSCALES)]
    status, details = rules.alliance_followed(
        evidence, latest=still, pair=None, fired=fired, previous=None, t=T
    )
    # The task is back, but the goals are now low: something new keeps it open.
    assert status == STILL_LOW
    assert set(details["new"]) == {"weak_spot"}


# --- behaviour ----------------------------------------------------------------------------


def logs(*entries):
    return [
        TaskLogEntry(n, START + timedelta(days=n), 5, status, fit)
        for n, (status, fit) in enumerate(entries, 1)
    ]


def test_it_finds_two_task_logs_in_a_row_not_done_or_a_poor_fit():
    finding = rules.tasks_off_track(
        logs(("done", 4), ("not_done", None), ("done", 2)), T["tasks_off_track"]
    )
    assert finding.key == "logs:2,3"
    assert [entry["status"] for entry in finding.evidence["logs"]] == ["not_done", "done"]


def test_it_does_not_flag_tasks_when_one_of_the_last_two_went_well():
    assert rules.tasks_off_track(logs(("not_done", 1), ("done", 4)), T["tasks_off_track"]) is None
    assert rules.tasks_off_track(logs(("not_done", 1), ("partly", 3)), T["tasks_off_track"]) is None
    assert rules.tasks_off_track(logs(("not_done", 1)), T["tasks_off_track"]) is None


def test_it_follows_tasks_up_at_the_next_log():
    finding = rules.tasks_off_track(
        logs(("not_done", None), ("not_done", None)), T["tasks_off_track"]
    )
    good = TaskLogEntry(9, START, 5, "partly", 4)
    assert (
        rules.tasks_off_track_followed(finding.evidence, good, T["tasks_off_track"])[0] == RECOVERED
    )
    bad = TaskLogEntry(9, START, 5, "done", 1)
    assert (
        rules.tasks_off_track_followed(finding.evidence, bad, T["tasks_off_track"])[0] == STILL_LOW
    )


def sessions(*attendance):
    return [SessionEntry(n, START + timedelta(weeks=n), a) for n, a in enumerate(attendance, 1)]


def test_it_finds_two_cancelled_or_missed_sessions_in_a_row():
    finding = rules.sessions_missed(
        sessions("attended", "cancelled", "no_show"), T["sessions_missed"]
    )
    assert finding.key == "sessions:2,3"
    assert finding.subject == "sessions"


def test_it_does_not_flag_one_missed_session_or_a_missed_one_followed_by_attendance():
    assert rules.sessions_missed(sessions("attended", "no_show"), T["sessions_missed"]) is None
    assert rules.sessions_missed(sessions("no_show", "attended"), T["sessions_missed"]) is None


def test_it_follows_missed_sessions_up_at_the_next_session():
    finding = rules.sessions_missed(sessions("cancelled", "cancelled"), T["sessions_missed"])
    attended = SessionEntry(9, START, "attended")
    assert rules.sessions_missed_followed(finding.evidence, attended)[0] == RECOVERED
    assert (
        rules.sessions_missed_followed(finding.evidence, SessionEntry(9, START, "no_show"))[0]
        == STILL_LOW
    )


def windows(*answered, due=None):
    due = due or [True] * len(answered)
    return [
        CheckInWindow(n, START + timedelta(weeks=n), d, a)
        for n, (a, d) in enumerate(zip(answered, due, strict=True), 1)
    ]


def test_it_finds_three_sessions_whose_check_in_went_unanswered():
    found = windows(True, False, False, False)
    today = found[-1].when + timedelta(days=7)
    finding = rules.no_checkins(found, today, T["no_checkins"])
    assert finding.key == "sessions:2,3,4"


def test_it_waits_a_week_before_counting_the_latest_sessions_check_in_as_missed():
    found = windows(True, False, False, False)
    assert rules.no_checkins(found, found[-1].when + timedelta(days=6), T["no_checkins"]) is None


def test_it_skips_sessions_where_no_check_in_was_due():
    found = windows(True, False, False, False, False, due=[True, True, True, False, True])
    today = found[-1].when + timedelta(days=30)
    assert rules.no_checkins(found, today, T["no_checkins"]).key == "sessions:2,3,5"
    found = windows(False, True, False, False, due=[True, True, False, True])
    assert rules.no_checkins(found, today, T["no_checkins"]) is None


def test_it_follows_missing_check_ins_up_at_the_next_answer():
    assert rules.no_checkins_followed({}, Measure(3, START, 10))[0] == RECOVERED


# --- client voice -------------------------------------------------------------------------


def test_it_always_turns_a_concern_into_a_finding_with_the_level_to_return_to():
    finding = rules.client_voice(4, START, True, [rating(1, bond=4.5), rating(2, bond=5)])
    assert finding.key == finding.subject == "concern:4"
    assert finding.evidence["with_words"] is True
    assert finding.evidence["baseline"]["bond"] == 4.75
    follow = T["alliance_drop"] | T["weak_spot"]
    assert (
        rules.client_voice_followed(finding.evidence, rating(3, bond=4.5), follow)[0] == RECOVERED
    )
    assert (
        rules.client_voice_followed(finding.evidence, rating(3, bond=4.25), follow)[0] == STILL_LOW
    )


def test_it_follows_a_concern_without_earlier_ratings_by_the_weak_spot_line():
    finding = rules.client_voice(4, START, False, [])
    follow = T["alliance_drop"] | T["weak_spot"]
    assert finding.evidence["baseline"] == {}
    assert rules.client_voice_followed(finding.evidence, rating(3), follow)[0] == RECOVERED
    assert (
        rules.client_voice_followed(finding.evidence, rating(3, task=2.5), follow)[0] == STILL_LOW
    )


# --- thresholds ---------------------------------------------------------------------------


def test_every_threshold_has_a_citation_or_is_marked_as_our_heuristic_with_reasons():
    data = rules.load_defaults()
    for name, rule in data["rules"].items():
        for param, spec in rule["params"].items():
            sourced = spec.get("citation") or (
                spec.get("source") == "Alliance heuristic" and len(spec.get("reasoning", "")) > 40
            )
            assert sourced, f"{name}.{param}"


def test_it_refuses_a_threshold_file_with_an_unsourced_number(tmp_path):
    data = rules.load_defaults()
    del data["rules"]["weak_spot"]["params"]["below_mean"]["source"]
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ThresholdError, match="weak_spot.below_mean: needs a 'citation'"):
        rules.load_defaults(path)


def test_it_applies_a_clinics_overrides_and_refuses_bad_ones():
    defaults = rules.load_defaults()
    resolved = rules.resolve(
        defaults, {"two_view_gap": {"gap_mean": 0.75}, "no_checkins": {"enabled": False}}
    )
    assert resolved["two_view_gap"]["gap_mean"] == 0.75
    assert resolved["no_checkins"]["enabled"] is False
    assert resolved["alliance_drop"]["subscale_mean_drop"] == 1.0
    with pytest.raises(ThresholdError, match="risk.enabled: this rule cannot be switched off"):
        rules.resolve(defaults, {"risk": {"enabled": False}})
    with pytest.raises(ThresholdError, match="must be from 0.25 to 4.0"):
        rules.check_overrides(defaults, {"two_view_gap": {"gap_mean": 9}})
    with pytest.raises(ThresholdError, match="no such parameter"):
        rules.check_overrides(defaults, {"two_view_gap": {"size": 1}})
    with pytest.raises(ThresholdError, match="no such rule"):
        rules.check_overrides(defaults, {"mood": {}})
    with pytest.raises(ThresholdError, match="whole number"):
        rules.check_overrides(defaults, {"no_checkins": {"sessions": 2.5}})


def test_the_rules_module_imports_no_django():
    code = (
        "import sys, alliance.alerts.rules, alliance.alerts.suggestions, alliance.alerts.wording; "
    )
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"
