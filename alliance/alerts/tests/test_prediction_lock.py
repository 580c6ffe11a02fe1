"""Who sees which check-in answers while a session's prediction is outstanding."""

import pytest

from alliance.alerts.models import ClinicAlertSettings
from alliance.alerts.tests.helpers import checkin, predict, session
from alliance.errors import Invalid, NotAllowed
from alliance.measures import services
from alliance.measures.lock import prediction_refused
from alliance.measures.models import Response


def seen(user, client):
    visible = Response.objects.visible_to(user).filter(client=client)
    return sorted((r.session_id, r.instrument) for r in visible)


def test_the_counselor_sees_a_sessions_answers_only_after_predicting(personas):
    held, answers = checkin(personas.a, bond=3)
    assert seen(personas.c1, personas.a) == []
    predict(personas.a, held, bond=4)
    assert seen(personas.c1, personas.a) == [
        (held.pk, "wai-sr"),
        (held.pk, "wai-sr-predicted"),
    ]


def test_skipping_opens_the_answers_and_closes_the_prediction(personas):
    held, _ = checkin(personas.a, bond=3)
    assert prediction_refused(held) is None
    services.skip_prediction(held, user=personas.c1)
    assert seen(personas.c1, personas.a) == [(held.pk, "wai-sr")]
    assert "would not be one" in prediction_refused(held)


def test_supervisors_are_not_locked_out(personas):
    held, _ = checkin(personas.a, bond=3)
    assert seen(personas.supervisor, personas.a) == [(held.pk, "wai-sr")]
    assert seen(personas.admin, personas.a) == [(held.pk, "wai-sr")]


def test_the_client_sees_a_prediction_only_after_answering_that_session(personas):
    held = session(personas.a)
    predict(personas.a, held)
    assert seen(personas.a.user, personas.a) == []
    checkin_session, _ = checkin(personas.a)
    assert seen(personas.a.user, personas.a) == [(checkin_session.pk, "wai-sr")]


def test_the_client_sees_no_prediction_when_the_clinic_hides_the_comparison(personas):
    held, _ = checkin(personas.a)
    predict(personas.a, held)
    assert (held.pk, "wai-sr-predicted") in seen(personas.a.user, personas.a)
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    assert seen(personas.a.user, personas.a) == [(held.pk, "wai-sr")]
    assert (held.pk, "wai-sr-predicted") in seen(personas.c1, personas.a)


def test_skipping_is_refused_after_predicting_and_for_others(personas):
    held, _ = checkin(personas.a)
    predict(personas.a, held)
    with pytest.raises(Invalid, match="You already predicted for this session."):
        services.skip_prediction(held, user=personas.c1)
    other, _ = checkin(personas.a)
    with pytest.raises(NotAllowed):
        services.skip_prediction(other, user=personas.supervisor)


# --- the check-in pages and API respect it ------------------------------------------------


def test_the_counselors_api_and_pages_hide_answers_until_the_prediction(personas, api_as, web_as):
    held, answers = checkin(personas.a, bond=3)
    url = f"/api/v1/clients/{personas.a.pk}/responses?instrument=wai-sr"
    assert api_as(personas.c1).get(url).json() == {"items": [], "count": 0}
    assert api_as(personas.supervisor).get(url).json()["count"] == 1
    web = web_as(personas.c1)
    assert web.get(f"/clients/{personas.a.pk}/check-ins/{answers.pk}/").status_code == 404
    assert (
        f"/check-ins/{answers.pk}/"
        not in web.get(f"/clients/{personas.a.pk}/check-ins/").content.decode()
    )
    predict(personas.a, held, bond=5)
    assert api_as(personas.c1).get(url).json()["count"] == 1
    page = web.get(f"/clients/{personas.a.pk}/check-ins/{answers.pk}/")
    assert page.status_code == 200


def test_a_prediction_after_skipping_is_refused(personas, api_as):
    held, _ = checkin(personas.a)
    services.skip_prediction(held, user=personas.c1)
    body = {"instrument": "wai-sr-predicted", "answers": {f"wai_{n}": 4 for n in range(1, 13)}}
    body["session_id"] = held.pk
    response = api_as(personas.c1).post(
        f"/api/v1/clients/{personas.a.pk}/responses", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "session_id"]
    assert "would not be one" in response.json()["detail"][0]["msg"]
    assert not Response.objects.filter(instrument="wai-sr-predicted").exists()


def test_the_client_sees_the_prediction_only_after_answering(personas, web_as, api_as):
    held = session(personas.a)
    prediction = predict(personas.a, held, bond=4)
    web = web_as(personas.a.user)
    assert web.get(f"/home/check-ins/{prediction.pk}/").status_code == 404
    assert "expected you to answer" not in web.get("/home/progress/").content.decode()
    url = f"/api/v1/clients/{personas.a.pk}/responses?instrument=wai-sr-predicted"
    assert api_as(personas.a.user).get(url).json()["count"] == 0
    from alliance.alerts.tests.helpers import wai

    wai(personas.a, held, bond=3)
    assert web.get(f"/home/check-ins/{prediction.pk}/").status_code == 200
    assert api_as(personas.a.user).get(url).json()["count"] == 1


def test_a_skipped_prediction_is_no_longer_due(personas):
    from alliance.measures.services import due_checkins

    held, _ = checkin(personas.a)
    assert [d.instrument.code for d in due_checkins(personas.a, "counselor")] == [
        "wai-sr-predicted"
    ]
    services.skip_prediction(held, user=personas.c1)
    assert due_checkins(personas.a, "counselor") == []


# --- alerts quote no answers the counselor may not see yet ------------------------------------


def test_a_follow_up_from_answers_not_yet_predicted_shows_none_of_them(personas, api_as, web_as):
    from alliance.alerts.actions import record_repair
    from alliance.alerts.models import Alert

    earlier, _ = checkin(personas.a, bond=5, days_ago=14)
    predict(personas.a, earlier, bond=5)
    dropped, _ = checkin(personas.a, bond=3, days_ago=7)
    predict(personas.a, dropped, bond=5)
    alert = Alert.objects.get(client=personas.a, rule="alliance")
    record_repair(alert, user=personas.c1, kind="explored", note="We talked about it.")
    latest, answers = checkin(personas.a, bond=4.75)
    url = f"/api/v1/alerts/{alert.pk}"

    detail = api_as(personas.c1).get(url).json()
    drop = detail["evidence"]["findings"]["alliance_drop"]
    assert drop["scopes"]["bond"]["now"] == 3  # predicted: the numbers show
    [follow_up] = detail["follow_ups"]
    assert follow_up["details"]["locked"] is True
    assert "findings" not in follow_up["details"] and "response_id" not in follow_up["details"]
    assert "4.75" not in api_as(personas.c1).get(url).content.decode()
    # The page says how the follow-up went, as the alert's status does, but quotes no answer.
    page = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "back at the earlier level" in page and "4.75" not in page
    # Supervisors do not predict and see the follow-up as it was judged.
    [seen] = api_as(personas.supervisor).get(url).json()["follow_ups"]
    assert seen["details"]["findings"]["alliance_drop"]["scopes"]["bond"]["now"] == 4.75

    predict(personas.a, latest, bond=5)
    follow_up = api_as(personas.c1).get(url).json()["follow_ups"][0]
    assert follow_up["details"]["response_id"] == answers.pk
    assert follow_up["details"]["findings"]["alliance_drop"]["scopes"]["bond"]["now"] == 4.75


def test_an_alert_about_answers_not_yet_predicted_shows_none_of_them_on_any_page(
    personas, api_as, web_as
):
    from alliance.alerts.models import Alert

    earlier, _ = checkin(personas.a, bond=5, days_ago=7)
    predict(personas.a, earlier, bond=5)
    held, _ = checkin(personas.a, bond=3.25)
    alert = Alert.objects.get(client=personas.a, rule="alliance")
    web = web_as(personas.c1)
    for path in (f"/alerts/{alert.pk}/", "/alerts/", f"/clients/{personas.a.pk}/alliance/"):
        assert "3.25" not in web.get(path).content.decode(), path
    for path in ("/api/v1/alerts", f"/api/v1/alerts/{alert.pk}"):
        assert "3.25" not in api_as(personas.c1).get(path).content.decode(), path
    predict(personas.a, held, bond=5)
    assert "3.25" in web.get(f"/alerts/{alert.pk}/").content.decode()
