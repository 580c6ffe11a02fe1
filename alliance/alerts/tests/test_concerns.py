"""'Something isn't working': the client's button, page and API."""

import json

from alliance.alerts.models import Alert, Concern
from alliance.alerts.tests.helpers import checkin, raw_column


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_client_tells_their_counselor_and_an_alert_is_raised(personas, api_as):
    checkin(personas.a, bond=5)
    url = f"/api/v1/clients/{personas.a.pk}/concerns"
    response = post(api_as(personas.a.user), url, {"text": "I feel rushed at the end."})
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == "I feel rushed at the end."
    assert body["client_id"] == personas.a.pk
    [alert] = Alert.objects.filter(client=personas.a, rule="client_voice")
    assert alert.severity == "attention"
    assert alert.evidence["with_words"] is True
    assert alert.evidence["baseline"]["bond"] == 5
    assert "rushed" not in json.dumps(alert.evidence)
    [raw] = raw_column(Concern, "text")
    assert raw.startswith("aes1:") and "rushed" not in raw


def test_words_are_optional(personas, api_as):
    response = post(api_as(personas.a.user), f"/api/v1/clients/{personas.a.pk}/concerns", {})
    assert response.status_code == 201
    assert response.json()["text"] == ""


def test_a_repeated_key_stores_one_concern(personas, api_as):
    api = api_as(personas.a.user)
    url = f"/api/v1/clients/{personas.a.pk}/concerns"
    first = post(api, url, {"text": "Too fast"}, HTTP_IDEMPOTENCY_KEY="abc123")
    again = post(api, url, {"text": "Too fast"}, HTTP_IDEMPOTENCY_KEY="abc123")
    assert first.json()["id"] == again.json()["id"]
    assert Concern.objects.count() == 1
    assert Alert.objects.filter(rule="client_voice").count() == 1


def test_it_refuses_a_concern_from_staff_and_oversized_text(personas, api_as):
    url = f"/api/v1/clients/{personas.a.pk}/concerns"
    staff = post(api_as(personas.c1), url, {"text": "x"})
    assert staff.status_code == 403
    too_long = post(api_as(personas.a.user), url, {"text": "x" * 2001})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"][-1] == "text"
    assert post(api_as(personas.b.user), url, {"text": "x"}).status_code == 404
    assert not Concern.objects.exists()


def test_the_page_sends_it_and_lists_what_the_client_said(personas, web_as):
    web = web_as(personas.a.user)
    page = web.get("/home/something-isnt-working/")
    assert page.status_code == 200
    key = page.context["form"]["key"].value()
    response = web.post(
        "/home/something-isnt-working/", {"text": "The homework feels pointless.", "key": key}
    )
    assert response.status_code == 302
    home = web.get(response["Location"])
    assert "Carmen will see this" in home.content.decode()
    web.post("/home/something-isnt-working/", {"text": "The homework feels pointless.", "key": key})
    assert Concern.objects.count() == 1
    listed = web.get("/home/something-isnt-working/").content.decode()
    assert "The homework feels pointless." in listed


def test_the_page_reshows_an_oversized_text_with_a_message(personas, web_as):
    response = web_as(personas.a.user).post(
        "/home/something-isnt-working/", {"text": "x" * 2001, "key": "k1"}
    )
    assert response.status_code == 422
    assert "at most 2000 characters" in response.content.decode()
    assert not Concern.objects.exists()


def test_the_counselor_reads_the_words_on_the_alert(personas, web_as, api_as):
    post(
        api_as(personas.a.user),
        f"/api/v1/clients/{personas.a.pk}/concerns",
        {"text": "I don't think the goals are mine."},
    )
    alert = Alert.objects.get(rule="client_voice")
    page = web_as(personas.c1).get(f"/alerts/{alert.pk}/").content.decode()
    assert "I don&#x27;t think the goals are mine." in page
    assert "Thank the client for saying so" in page


def test_the_counselor_reads_the_words_through_the_api_too(personas, api_as):
    post(
        api_as(personas.a.user),
        f"/api/v1/clients/{personas.a.pk}/concerns",
        {"text": "I don't think the goals are mine."},
    )
    alert = Alert.objects.get(rule="client_voice")
    detail = api_as(personas.c1).get(f"/api/v1/alerts/{alert.pk}").json()
    assert detail["concern"]["text"] == "I don't think the goals are mine."
    assert detail["concern"]["client_id"] == personas.a.pk
    # The list stays light: the words are read one alert at a time, and each read is audited.
    from alliance.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        actor_id=personas.c1.pk, action="read", object_type="Concern"
    ).exists()


def test_a_concerns_baseline_from_answers_not_yet_predicted_is_withheld(personas, api_as):
    """The level a concern is compared with came from check-ins the counselor may not see yet
    (no prediction made): neither it nor their ids are in the alert."""
    from alliance.alerts.comparison import referenced

    _, hidden = checkin(personas.a, bond=4)
    post(api_as(personas.a.user), f"/api/v1/clients/{personas.a.pk}/concerns", {"text": "x"})
    alert = Alert.objects.get(rule="client_voice")
    assert alert.evidence["baseline_response_ids"] == [hidden.pk]
    detail = api_as(personas.c1).get(f"/api/v1/alerts/{alert.pk}").json()
    assert "baseline" not in detail["evidence"]
    assert detail["evidence"]["baseline_withheld"] is True
    assert hidden.pk not in referenced(detail)
    assert detail["concern"]["text"] == "x"
    seen = api_as(personas.supervisor).get(f"/api/v1/alerts/{alert.pk}").json()
    assert seen["evidence"]["baseline"]["bond"] == 4


def test_a_concerns_follow_up_compared_with_hidden_answers_is_withheld(personas, api_as):
    from alliance.alerts.actions import record_repair
    from alliance.alerts.tests.helpers import predict

    checkin(personas.a, bond=4)  # never predicted: hidden from Carmen
    post(api_as(personas.a.user), f"/api/v1/clients/{personas.a.pk}/concerns", {"text": "x"})
    alert = Alert.objects.get(rule="client_voice")
    record_repair(alert, user=personas.c1, kind="explored", note="We talked.")
    held, _ = checkin(personas.a, bond=5)
    predict(personas.a, held, bond=5)  # this one Carmen may see
    [entry] = api_as(personas.c1).get(f"/api/v1/alerts/{alert.pk}").json()["follow_ups"]
    assert entry["details"]["locked"] is True and "scopes" not in entry["details"]
    [seen] = api_as(personas.supervisor).get(f"/api/v1/alerts/{alert.pk}").json()["follow_ups"]
    assert seen["details"]["scopes"]["bond"]["earlier"] == 4
