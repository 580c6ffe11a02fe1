"""Who sees which check-in answers while a session's prediction is outstanding."""

import pytest

from alliance.alerts import comparison, services
from alliance.alerts.models import ClinicAlertSettings
from alliance.alerts.tests.helpers import checkin, predict, session
from alliance.measures.models import Response


def seen(user, client):
    visible = comparison.visible_responses(Response.objects.filter(client=client), user, client)
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
    assert comparison.prediction_refused(held) is None
    services.skip_prediction(held, personas.c1)
    assert seen(personas.c1, personas.a) == [(held.pk, "wai-sr")]
    assert "would not be one" in comparison.prediction_refused(held)


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
    with pytest.raises(services.AlertError, match="You already predicted for this session."):
        services.skip_prediction(held, personas.c1)
    other, _ = checkin(personas.a)
    with pytest.raises(services.NotAllowed):
        services.skip_prediction(other, personas.supervisor)


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
    services.skip_prediction(held, personas.c1)
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
    services.skip_prediction(held, personas.c1)
    assert due_checkins(personas.a, "counselor") == []
