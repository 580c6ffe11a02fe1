"""A clinic's own alert thresholds and whether clients see the comparison."""

from alliance.alerts.models import ClinicAlertSettings
from alliance.alerts.thresholds import thresholds_for


def form_data(**changes):
    data = {
        "show_comparison_to_clients": "on",
        "alliance_drop__enabled": "on",
        "alliance_drop__subscale_mean_drop": "1.0",
        "alliance_drop__total_mean_drop": "0.5",
        "alliance_drop__baseline_ratings": "3",
        "alliance_drop__min_earlier_ratings": "1",
        "alliance_drop__recovery_margin": "0.25",
        "weak_spot__enabled": "on",
        "weak_spot__below_mean": "3.0",
        "two_view_gap__enabled": "on",
        "two_view_gap__gap_mean": "1.0",
        "two_view_gap__agree_within": "0.5",
        "reliable_deterioration__enabled": "on",
        "no_reliable_improvement__enabled": "on",
        "no_reliable_improvement__by_session": "8",
        "tasks_off_track__enabled": "on",
        "tasks_off_track__in_a_row": "2",
        "tasks_off_track__poor_fit_at_most": "2",
        "sessions_missed__enabled": "on",
        "sessions_missed__in_a_row": "2",
        "no_checkins__enabled": "on",
        "no_checkins__sessions": "3",
        "no_checkins__window_days": "7",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_shows_each_threshold_with_its_source(personas, web_as):
    html = web_as(personas.supervisor).get("/alerts/settings/").content.decode()
    assert "Alliance heuristic: WAI-SR ratings sit near the top of the scale" in html
    assert "NHS" not in html or "Reliable worsening" in html
    assert "not Lambert&#x27;s OQ-45" in html
    assert "risk__enabled" not in html and "client_voice__enabled" not in html


def test_a_supervisor_changes_thresholds_and_hides_the_comparison(personas, web_as):
    response = web_as(personas.supervisor).post(
        "/alerts/settings/",
        form_data(
            show_comparison_to_clients=None,
            two_view_gap__gap_mean="0.75",
            no_checkins__enabled=None,
        ),
    )
    assert response.status_code == 302
    saved = ClinicAlertSettings.objects.get(clinic=personas.clinic)
    assert saved.show_comparison_to_clients is False
    assert saved.thresholds == {
        "two_view_gap": {"gap_mean": 0.75},
        "no_checkins": {"enabled": False},
    }
    resolved = thresholds_for(personas.clinic.pk)
    assert resolved["two_view_gap"]["gap_mean"] == 0.75
    assert resolved["no_checkins"]["enabled"] is False
    assert thresholds_for(personas.other_clinic.pk)["no_checkins"]["enabled"] is True


def test_a_value_out_of_range_is_reshown_with_its_message(personas, web_as):
    response = web_as(personas.admin).post(
        "/alerts/settings/", form_data(weak_spot__below_mean="7", no_checkins__sessions="2.5")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 5.0." in html
    assert "Enter a whole number." in html
    assert not ClinicAlertSettings.objects.exists()


def test_counselors_and_clients_cannot_reach_the_settings(personas, web_as):
    assert web_as(personas.c1).get("/alerts/settings/").status_code == 404
    assert web_as(personas.a.user).post("/alerts/settings/", form_data()).status_code == 404
    assert not ClinicAlertSettings.objects.exists()


def test_a_change_is_seen_at_once_although_resolved_thresholds_are_kept(personas):
    before = thresholds_for(personas.clinic.pk)
    before["no_checkins"]["enabled"] = False  # a caller's copy: others never see this
    assert thresholds_for(personas.clinic.pk)["no_checkins"]["enabled"] is True
    ClinicAlertSettings.objects.update_or_create(
        clinic=personas.clinic, defaults={"thresholds": {"no_checkins": {"enabled": False}}}
    )
    assert thresholds_for(personas.clinic.pk)["no_checkins"]["enabled"] is False
    assert thresholds_for(personas.other_clinic.pk)["no_checkins"]["enabled"] is True
