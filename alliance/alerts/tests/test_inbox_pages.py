"""The alerts inbox, one alert's page, acknowledging and recording a repair on the web."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from alliance.alerts.models import Alert, Repair, Status
from alliance.alerts.tests.helpers import checkin, make_alert, phq9, predict, session


def test_the_inbox_lists_open_alerts_most_urgent_first(personas, web_as):
    make_alert(personas.a, rule="two_view_gap", severity="info")
    phq9(personas.b, session(personas.b), item9=1)
    make_alert(personas.d)  # Chidi's client
    page = web_as(personas.c1).get("/alerts/")
    assert page.status_code == 200
    shown = [(a.client.name, a.severity) for a in page.context["alerts"]]
    assert shown == [("Ben", "urgent"), ("Amira", "info")]
    html = page.content.decode()
    assert "1 urgent alert" in html
    assert html.index("Risk: thoughts of self-harm") < html.index("The two views differ")


def test_a_supervisor_sees_the_whole_clinics_urgent_alerts_with_counselors(personas, web_as):
    phq9(personas.d, session(personas.d), item9=1)
    page = web_as(personas.supervisor).get("/alerts/")
    html = page.content.decode()
    assert [a.client.name for a in page.context["alerts"]] == ["Dana"]
    assert "Chidi Counselor" in html


def test_the_inbox_shows_recovered_alerts_apart(personas, web_as):
    closed = make_alert(personas.a)
    Alert.objects.filter(pk=closed.pk).update(status=Status.RECOVERED)
    web = web_as(personas.c1)
    assert web.get("/alerts/").context["alerts"] == []
    assert [a.pk for a in web.get("/alerts/?show=closed").context["alerts"]] == [closed.pk]
    assert web.get(f"/alerts/?client={personas.d.pk}").status_code == 404


def test_an_alert_page_shows_the_evidence_and_what_to_try(personas, web_as):
    earlier, _ = checkin(personas.a, bond=5, days_ago=7)
    predict(personas.a, earlier, bond=5)
    held, _ = checkin(personas.a, bond=3.5)
    predict(personas.a, held, bond=4)
    alert = Alert.objects.get(rule="alliance")
    html = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "Alliance check-in needs attention: Amira" in html
    assert "The bond fell from 5.00 to 3.50" in html
    assert "I believe Carmen Counselor likes me." in html
    assert "Raise the relationship openly next session" in html
    assert "Eubanks CF, Muran JC, Safran JD" in html
    assert "Record a repair" in html


def test_a_goal_drop_links_to_the_goals_and_to_revisiting_each(personas, web_as):
    from alliance.goals.tests.helpers import make_goal

    goal = make_goal(personas, text="Sleep before midnight", agreed=True)
    alert = make_alert(personas.a, rule="alliance_drop", scopes=["goal"])
    html = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "Revisit the goals together" in html
    assert f'href="/clients/{personas.a.pk}/goals/"' in html
    assert f'href="/goals/{goal.pk}/revisit/">Sleep before midnight</a>' in html
    supervisor = web_as(personas.supervisor).get(f"/alerts/{alert.pk}/").content.decode()
    assert "/revisit/" not in supervisor


def test_an_alert_of_an_unpredicted_session_asks_for_the_prediction_first(personas, web_as):
    checkin(personas.a, bond=5, days_ago=7)
    checkin(personas.a, bond=3.5)
    alert = Alert.objects.get(rule="alliance")
    html = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "hidden until you record your prediction" in html
    assert "3.50" not in html and "likes me" not in html


def test_the_counselor_acknowledges_and_records_a_repair(personas, web_as):
    alert = make_alert(personas.a)
    web = web_as(personas.c1)
    response = web.post(f"/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Status.ACKNOWLEDGED
    response = web.post(
        f"/alerts/{alert.pk}/repair/",
        {"kind": "renegotiated_tasks", "note": "Halved the reading task."},
        follow=True,
    )
    html = response.content.decode()
    assert "Repair recorded. Amira&#x27;s next check-in will show whether it held." in html
    assert "Renegotiated tasks together" in html and "Halved the reading task." in html
    alert.refresh_from_db()
    assert alert.status == Status.REPAIRED


def test_a_bad_repair_is_reshown_with_its_message(personas, web_as):
    alert = make_alert(personas.a)
    web = web_as(personas.c1)
    response = web.post(f"/alerts/{alert.pk}/repair/", {"kind": "other", "note": ""})
    assert response.status_code == 422
    assert "Describe what you did in the note." in response.content.decode()
    response = web.post(f"/alerts/{alert.pk}/repair/", {"note": "x"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Repair.objects.exists()


def test_the_sweep_command_reports_new_alerts(personas, capsys):
    checkin(personas.a, days_ago=60)
    for days_ago in (40, 30, 3):
        session(personas.a, days_ago=days_ago)
    call_command("alerts", "sweep")
    assert "0 new alerts" in capsys.readouterr().out
    later = (timezone.localdate() + timedelta(days=5)).isoformat()
    call_command("alerts", "sweep", "--date", later)
    assert "1 new alert." in capsys.readouterr().out
    call_command("alerts", "sweep", "--date", later)
    assert "0 new alerts" in capsys.readouterr().out


def test_the_sweep_command_refuses_a_bad_date(personas):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("alerts", "sweep", "--date", "tomorrow")


def test_a_risk_alert_page_offers_risk_actions_to_the_supervisor_too(personas, web_as):
    alert = make_alert(personas.a, rule="risk", subject="risk", severity="urgent")
    web = web_as(personas.supervisor)
    html = web.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Record a risk review" in html
    assert "Agreed or reviewed a safety plan" in html
    assert "Acknowledged my part in it" not in html
    refused = web.post(f"/alerts/{alert.pk}/repair/", {"kind": "risk_assessed", "note": ""})
    assert refused.status_code == 422
    assert "part of the risk record" in refused.content.decode()
    done = web.post(
        f"/alerts/{alert.pk}/repair/",
        {"kind": "risk_assessed", "note": "Phoned; no plan or intent."},
        follow=True,
    )
    assert "Risk review recorded." in done.content.decode()
    alert.refresh_from_db()
    assert alert.status == Status.REVIEWED


def test_an_outcome_alert_page_states_the_facts_of_later_check_ins(personas, web_as):
    alert = make_alert(
        personas.a,
        rule="reliable_deterioration",
        subject="phq9",
        evidence={
            "measure": "phq9",
            "date": "2026-03-02T18:00:00",
            "first": {"date": "2026-01-05T18:00:00", "total": 5},
            "latest": {"total": 11},
            "summary": "PHQ-9 went from 5 at the first check-in to 11.",
        },
        follow_ups=[
            {
                "at": "2026-03-09T18:00:00+00:00",
                "ref": "7",
                "status": "eased",
                "details": {
                    "summary": "PHQ-9 10 now, 5 at the start: no longer a reliable worsening, "
                    "at or above the cut-off (10)."
                },
            }
        ],
    )
    html = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "no longer a reliable worsening, at or above the cut-off (10)." in html
    assert "back at the earlier level" not in html and "Recovered" not in html
    assert "Open until a review is recorded" in html
    assert "Record a review" in html
