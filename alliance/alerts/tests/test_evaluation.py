"""Rules evaluated when check-ins, sessions, task logs and concerns are stored."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.alerts import actions, evaluation, replay
from alliance.alerts.models import Alert, ClinicAlertSettings, Status
from alliance.alerts.tests.helpers import (
    answer,
    checkin,
    make_alert,
    phq9,
    predict,
    session,
    wai,
)
from alliance.measures.models import Response


def alerts(client, rule=None):
    found = Alert.objects.filter(client=client)
    return list(found.filter(rule=rule) if rule else found)


def test_it_raises_a_bond_drop_when_a_check_in_falls_below_the_clients_own_level(personas):
    checkin(personas.a, bond=5, days_ago=14)
    checkin(personas.a, bond=5, days_ago=7)
    assert alerts(personas.a) == []
    _, low = checkin(personas.a, bond=3.75)
    [alert] = alerts(personas.a, "alliance")
    assert alert.severity == "attention"
    assert alert.status == Status.OPEN
    assert alert.key == f"session:{low.session_id}"
    assert alert.scopes == ["bond"]
    assert list(alert.evidence["findings"]) == ["alliance_drop"]
    assert alert.evidence["findings"]["alliance_drop"]["scopes"]["bond"]["earlier"] == 5
    assert alert.evidence["session_id"] == low.session_id
    assert alert.evidence["response_id"] == low.pk


def test_it_raises_no_drop_for_steady_ratings_near_the_ceiling(personas):
    for days_ago, bond in ((21, 5), (14, 4.75), (7, 5), (0, 4.5)):
        checkin(personas.a, bond=bond, days_ago=days_ago)
    assert alerts(personas.a) == []


def test_it_keeps_one_open_alert_while_the_alliance_stays_low(personas):
    checkin(personas.a, bond=5, days_ago=14)
    checkin(personas.a, bond=3.5, days_ago=7)
    checkin(personas.a, bond=3.25)
    assert len(alerts(personas.a, "alliance")) == 1


def test_it_raises_a_weak_spot_below_fairly_often(personas):
    checkin(personas.a, task=2.75)
    [alert] = alerts(personas.a, "alliance")
    assert alert.scopes == ["task"]
    assert list(alert.evidence["findings"]) == ["weak_spot"]


def test_it_raises_a_gap_once_both_views_of_a_session_are_in(personas):
    held, answered = checkin(personas.a, bond=3.5)
    assert alerts(personas.a) == []
    predict(personas.a, held, bond=5)
    [alert] = alerts(personas.a, "alliance")
    assert alert.severity == "info"
    assert alert.key == f"session:{held.pk}"
    assert alert.evidence["findings"]["two_view_gap"]["scopes"]["bond"]["gap"] == 1.5
    assert alert.evidence["response_id"] == answered.pk


def test_one_check_in_that_trips_several_rules_raises_one_alert(personas):
    """A drop, a weak spot and the two views apart at one check-in: one alert with every
    finding in its evidence and one set of suggestions, not three alerts."""
    from alliance.alerts.presenting import suggestions

    checkin(personas.a, days_ago=7)
    held, _ = checkin(personas.a, task=2.5, bond=3.5)
    [alert] = alerts(personas.a)
    assert set(alert.evidence["findings"]) == {"alliance_drop", "weak_spot"}
    predict(personas.a, held, task=5, bond=5)
    [alert] = alerts(personas.a)
    assert alert.rule == "alliance"
    assert set(alert.evidence["findings"]) == {"alliance_drop", "weak_spot", "two_view_gap"}
    assert alert.severity == "attention"
    texts = [step["text"] for step in suggestions(alert)]
    assert len(texts) == len(set(texts))
    assert any(t.startswith("Look at the comparison together") for t in texts)
    assert any(t.startswith("Raise the relationship openly") for t in texts)
    assert texts[-1].startswith("Record what you tried as a repair")
    actions.record_repair(alert, user=personas.c1, kind="explored", note="One talk for it all.")
    alert.refresh_from_db()
    assert alert.status == Status.REPAIRED


def test_the_prediction_coming_first_gives_the_same_single_alert(personas):
    checkin(personas.a, days_ago=7)
    held = session(personas.a)
    predict(personas.a, held, bond=5)
    wai(personas.a, held, bond=3.5)
    [alert] = alerts(personas.a)
    assert set(alert.evidence["findings"]) == {"alliance_drop", "two_view_gap"}


def test_it_raises_no_gap_when_the_counselor_expected_about_what_the_client_said(personas):
    held, _ = checkin(personas.a, bond=4.5)
    predict(personas.a, held, bond=5)
    assert alerts(personas.a, "two_view_gap") == []


def test_it_raises_reliable_deterioration_on_phq9(personas):
    phq9(personas.a, session(personas.a, days_ago=7), each=1)
    phq9(personas.a, session(personas.a), each=2)  # 8 → 16
    [alert] = alerts(personas.a, "reliable_deterioration")
    assert alert.subject == "phq9"
    assert alert.evidence["change"] == 8


def test_it_raises_the_review_point_after_the_set_number_of_sessions(personas):
    for days_ago in range(70, 0, -10):
        phq9(personas.a, session(personas.a, days_ago=days_ago), each=2)  # 16 every time
    assert alerts(personas.a, "no_reliable_improvement") == []  # seven sessions so far
    phq9(personas.a, session(personas.a), each=2)
    [alert] = alerts(personas.a, "no_reliable_improvement")
    assert alert.evidence["attended_sessions"] == 8
    assert alert.severity == "info"


def test_it_raises_no_review_point_for_a_client_who_improved(personas):
    for days_ago, each in ((70, 2), (60, 2), (50, 2), (40, 1), (30, 1), (20, 1), (10, 1), (0, 1)):
        phq9(personas.a, session(personas.a, days_ago=days_ago), each=each)
    assert alerts(personas.a, "no_reliable_improvement") == []


def test_it_raises_an_urgent_risk_alert_for_item_9_and_tells_counselor_and_supervisor(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = phq9(personas.a, session(personas.a), each=0, item9=1)
    [alert] = alerts(personas.a, "risk")
    assert alert.severity == "urgent"
    assert alert.evidence["flags"][0]["item"] == "phq9_9"
    assert alert.key == f"response:{response.pk}"
    [message] = mail.outbox
    assert sorted(message.to) == ["carmen@north.test", "sol@north.test"]
    assert f"/alerts/{alert.pk}/" in message.body
    assert "Amira" not in message.body and "phq9" not in message.body.lower()


def test_a_later_risk_answer_joins_the_open_risk_alert_and_tells_people_again(
    personas, django_capture_on_commit_callbacks
):
    """Each positive answer used to open another risk alert. While one is open, the next answer
    is written into its history and the counselor and supervisors are told again."""
    with django_capture_on_commit_callbacks(execute=True):
        phq9(personas.a, session(personas.a, days_ago=14), item9=1)
    [alert] = alerts(personas.a, "risk")
    actions.acknowledge(alert, user=personas.c1)
    with django_capture_on_commit_callbacks(execute=True):
        phq9(personas.a, session(personas.a, days_ago=7), item9=0)
        later = phq9(personas.a, session(personas.a), item9=2)
    [alert] = alerts(personas.a, "risk")
    assert [entry["status"] for entry in alert.follow_ups] == ["no_flag", "flag_again"]
    assert alert.follow_ups[-1]["details"]["response_id"] == later.pk
    assert alert.status == Status.OPEN  # a new answer asks for attention again
    assert len(mail.outbox) == 2
    assert "something new" in mail.outbox[1].subject
    assert sorted(mail.outbox[1].to) == ["carmen@north.test", "sol@north.test"]
    assert "Amira" not in mail.outbox[1].body and "item" not in mail.outbox[1].body


def test_a_risk_answer_after_a_review_opens_a_new_risk_alert(personas):
    phq9(personas.a, session(personas.a, days_ago=7), item9=1)
    [alert] = alerts(personas.a, "risk")
    actions.record_repair(
        alert, user=personas.c1, kind="risk_assessed", note="Assessed by phone; plan agreed."
    )
    phq9(personas.a, session(personas.a), item9=1)
    assert len(alerts(personas.a, "risk")) == 2


def test_it_raises_no_risk_alert_when_item_9_is_zero(personas):
    phq9(personas.a, session(personas.a), each=3, item9=0)
    assert alerts(personas.a, "risk") == []


def test_it_raises_missed_sessions_after_two_in_a_row(personas):
    session(personas.a, days_ago=14)
    session(personas.a, days_ago=7, attendance="cancelled")
    assert alerts(personas.a, "sessions_missed") == []
    session(personas.a, attendance="no_show")
    [alert] = alerts(personas.a, "sessions_missed")
    assert [s["attendance"] for s in alert.evidence["sessions"]] == ["cancelled", "no_show"]


def test_it_raises_no_check_ins_when_three_sessions_went_unanswered(personas):
    checkin(personas.a, days_ago=40)
    for days_ago in (30, 20, 3):
        session(personas.a, days_ago=days_ago)
    assert alerts(personas.a, "no_checkins") == []  # the latest window is still open
    assert evaluation.sweep() == []
    week_later = timezone.localdate() + timedelta(days=4)
    assert len(evaluation.sweep(today=week_later)) == 1
    [alert] = alerts(personas.a, "no_checkins")
    assert len(alert.evidence["sessions"]) == 3
    assert evaluation.sweep(today=week_later) == []  # the same evidence makes one alert


def test_it_raises_no_check_ins_when_a_new_session_closes_the_third_window(personas):
    for days_ago in (3, 2, 1):
        session(personas.a, days_ago=days_ago)
    assert alerts(personas.a, "no_checkins") == []
    session(personas.a)
    assert len(alerts(personas.a, "no_checkins")) == 1


def test_a_clinic_can_switch_a_rule_off_and_tune_another(personas):
    ClinicAlertSettings.objects.create(
        clinic=personas.clinic,
        thresholds={"weak_spot": {"enabled": False}, "two_view_gap": {"gap_mean": 0.5}},
    )
    held, _ = checkin(personas.a, task=2.5, bond=4.5)
    predict(personas.a, held, task=2.5, bond=5)
    [alert] = alerts(personas.a, "alliance")
    assert list(alert.evidence["findings"]) == ["two_view_gap"]


def test_a_clinics_thresholds_apply_only_to_its_own_clients(personas):
    ClinicAlertSettings.objects.create(
        clinic=personas.other_clinic, thresholds={"weak_spot": {"enabled": False}}
    )
    checkin(personas.a, task=2.5)
    assert len(alerts(personas.a, "alliance")) == 1


# --- idempotency and atomicity ------------------------------------------------------------


def test_evaluating_the_same_evidence_twice_makes_one_alert(personas):
    _, low = checkin(personas.a, task=2)
    evaluation.on_response(low)
    evaluation.on_response(Response.objects.get(pk=low.pk))
    assert len(alerts(personas.a, "alliance")) == 1


def test_the_database_refuses_a_second_alert_for_the_same_evidence(personas):
    first = make_alert(personas.a, key="response:1")
    first.status = Status.RECOVERED
    first.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_alert(personas.a, key="response:1")


def test_the_database_refuses_a_second_open_alert_about_the_same_subject(personas):
    make_alert(personas.a, key="response:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_alert(personas.a, key="response:2")


def test_a_failing_evaluation_stores_no_check_in(personas, monkeypatch):
    held = session(personas.a)

    def broken(*args, **kwargs):
        raise RuntimeError("rule failed")

    monkeypatch.setattr(evaluation.rules, "weak_spot", broken)
    with pytest.raises(RuntimeError):
        wai(personas.a, held, task=2)
    assert not Response.objects.filter(client=personas.a).exists()
    assert alerts(personas.a) == []


def test_a_failing_evaluation_stores_no_session(personas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("rule failed")

    monkeypatch.setattr(evaluation.rules, "sessions_missed", broken)
    with pytest.raises(RuntimeError):
        session(personas.a, attendance="cancelled")
    assert not personas.a.sessions.exists()


# --- follow-up ----------------------------------------------------------------------------


def low_alliance(personas):
    checkin(personas.a, bond=5, days_ago=14)
    checkin(personas.a, bond=3.5, days_ago=7)
    [alert] = alerts(personas.a, "alliance")
    return alert


def test_the_next_check_in_after_a_repair_recovers_the_alert(personas):
    alert = low_alliance(personas)
    actions.record_repair(
        alert, user=personas.c1, kind="explored", note="We talked about the missed call."
    )
    alert.refresh_from_db()
    assert alert.status == Status.REPAIRED
    assert alert.acknowledged_by == personas.c1
    checkin(personas.a, bond=4.75)
    alert.refresh_from_db()
    assert alert.status == Status.RECOVERED
    assert alert.closed_at is not None
    assert alert.follow_ups[-1]["status"] == "recovered"


def test_the_alert_stays_open_as_still_low_and_recovers_later(personas):
    alert = low_alliance(personas)
    actions.record_repair(alert, user=personas.c1, kind="acknowledged_part", note="")
    checkin(personas.a, bond=4)
    alert.refresh_from_db()
    assert alert.status == Status.STILL_LOW
    assert alert.is_active
    checkin(personas.a, bond=5)
    alert.refresh_from_db()
    assert alert.status == Status.RECOVERED
    assert [entry["status"] for entry in alert.follow_ups] == ["still_low", "recovered"]


def test_before_any_repair_a_low_check_in_changes_nothing(personas):
    alert = low_alliance(personas)
    checkin(personas.a, bond=4)
    alert.refresh_from_db()
    assert alert.status == Status.OPEN
    assert alert.follow_ups == []


def test_before_any_repair_something_new_joins_the_open_alert(personas):
    alert = low_alliance(personas)
    checkin(personas.a, bond=4, task=2.5)
    alert.refresh_from_db()
    assert alerts(personas.a, "alliance") == [alert]
    assert alert.status == Status.OPEN
    [entry] = alert.follow_ups
    assert entry["repaired"] is False
    assert set(entry["details"]["new"]) == {"alliance_drop", "weak_spot"}


def test_an_alert_closes_on_its_own_when_the_measure_recovers_without_a_repair(personas):
    alert = low_alliance(personas)
    checkin(personas.a, bond=5)
    alert.refresh_from_db()
    assert alert.status == Status.RECOVERED
    assert alert.follow_ups[-1]["repaired"] is False


def test_a_risk_alert_stays_open_until_a_repair_whatever_the_next_answers(personas):
    phq9(personas.a, session(personas.a, days_ago=7), item9=1)
    phq9(personas.a, session(personas.a), item9=0)
    [alert] = alerts(personas.a, "risk")
    assert alert.status == Status.OPEN


def test_a_risk_alert_closes_when_a_risk_review_is_recorded_not_on_a_better_answer(personas):
    phq9(personas.a, session(personas.a, days_ago=7), item9=1)
    [alert] = alerts(personas.a, "risk")
    phq9(personas.a, session(personas.a, days_ago=3), item9=0)
    alert.refresh_from_db()
    assert alert.is_active
    actions.record_repair(
        alert, user=personas.supervisor, kind="safety_plan", note="Reviewed the safety plan."
    )
    alert.refresh_from_db()
    assert alert.status == Status.REVIEWED and alert.closed_at is not None
    assert alert.get_status_display() == "Risk review recorded"
    phq9(personas.a, session(personas.a), item9=0)
    alert.refresh_from_db()
    assert alert.status == Status.REVIEWED


def test_a_worsening_that_eases_stays_open_until_a_review(personas):
    """PHQ-9 5 → 11 raises a reliable worsening; the next 10 used to close it as "recovered …
    back at the earlier level". It stays open, its history stating the facts."""

    def totalling(*values):
        return {f"phq9_{n}": v for n, v in enumerate(values, 1)}

    answer(personas.a, "phq9", totalling(1, 1, 1, 1, 1, 0, 0, 0, 0), session(personas.a, 14))
    answer(personas.a, "phq9", totalling(2, 2, 2, 2, 1, 1, 1, 0, 0), session(personas.a, 7))
    [alert] = alerts(personas.a, "reliable_deterioration")
    answer(personas.a, "phq9", totalling(2, 2, 2, 1, 1, 1, 1, 0, 0), session(personas.a))
    alert.refresh_from_db()
    assert alert.is_active and alert.closed_at is None
    [entry] = alert.follow_ups
    assert entry["status"] == "eased"
    assert entry["details"]["summary"] == (
        "PHQ-9 10 now, 5 at the start: no longer a reliable worsening, "
        "at or above the cut-off (10)."
    )
    assert alert.get_status_display() == "Open until a review is recorded"
    actions.record_repair(
        alert, user=personas.c1, kind="reviewed_with_client", note="Went through it together."
    )
    alert.refresh_from_db()
    assert alert.status == Status.REVIEWED


def test_a_reviewed_worsening_is_not_raised_again_until_it_eased_in_between(personas):
    phq9(personas.a, session(personas.a, days_ago=21), each=0)  # 0
    phq9(personas.a, session(personas.a, days_ago=14), each=1)  # 8: reliably worse
    [alert] = alerts(personas.a, "reliable_deterioration")
    actions.record_repair(alert, user=personas.c1, kind="plan_changed", note="")
    phq9(personas.a, session(personas.a, days_ago=7), each=1)  # still 8: the same worsening
    assert len(alerts(personas.a, "reliable_deterioration")) == 1
    phq9(personas.a, session(personas.a, days_ago=3), each=0)  # eased
    phq9(personas.a, session(personas.a), each=1)  # worse again: news
    assert len(alerts(personas.a, "reliable_deterioration")) == 2


def test_a_repair_can_be_recorded_after_the_fact_and_replayed(personas):
    alert = low_alliance(personas)
    checkin(personas.a, bond=4)
    actions.record_repair(
        alert, user=personas.c1, kind="explored", note="", at=timezone.now() - timedelta(days=3)
    )
    replay.replay_follow_ups(alert)
    alert.refresh_from_db()
    assert alert.status == Status.STILL_LOW
    assert alert.follow_ups[-1]["repaired"] is True
