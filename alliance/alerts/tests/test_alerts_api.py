"""GET /alerts, GET /alerts/{id}, POST …/acknowledge and …/repair."""

import json

from alliance.alerts.comparison import referenced
from alliance.alerts.models import Alert, Repair, Status
from alliance.alerts.tests.helpers import checkin, make_alert, phq9, predict, raw_column, session
from alliance.audit.models import AuditEvent


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_it_lists_alerts_with_evidence_and_next_steps(personas, api_as):
    earlier, _ = checkin(personas.a, bond=5, days_ago=7)
    predict(personas.a, earlier, bond=5)
    held, _ = checkin(personas.a, bond=3.5)
    predict(personas.a, held, bond=4)
    response = api_as(personas.c1).get("/api/v1/alerts")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert set(item) == {
        "id",
        "client_id",
        "rule",
        "severity",
        "status",
        "evidence",
        "suggestions",
        "created_at",
    }
    assert item["client_id"] == personas.a.pk
    assert item["rule"] == "alliance"
    assert item["evidence"]["findings"]["alliance_drop"]["scopes"]["bond"]["earlier"] == 5
    assert item["suggestions"][0]["text"].startswith("Raise the relationship openly")
    assert "Eubanks" in item["suggestions"][0]["citation"]


def test_it_withholds_the_numbers_of_a_session_the_counselor_has_not_predicted(personas, api_as):
    earlier, _ = checkin(personas.a, bond=5, days_ago=7)
    predict(personas.a, earlier, bond=5)
    held, _ = checkin(personas.a, bond=3.5)
    [item] = api_as(personas.c1).get("/api/v1/alerts").json()["items"]
    assert item["rule"] == "alliance"
    assert item["evidence"]["locked"] is True
    assert "findings" not in item["evidence"] and "response_id" not in item["evidence"]
    assert "until you record your prediction" in item["evidence"]["summary"]
    # Supervisors do not predict and see the numbers.
    [seen] = api_as(personas.supervisor).get("/api/v1/alerts").json()["items"]
    assert seen["evidence"]["findings"]["alliance_drop"]["scopes"]["bond"]["now"] == 3.5
    predict(personas.a, held, bond=4)
    detail = api_as(personas.c1).get(f"/api/v1/alerts/{item['id']}").json()
    assert detail["evidence"]["findings"]["alliance_drop"]["scopes"]["bond"]["now"] == 3.5


def test_it_withholds_a_level_taken_from_earlier_check_ins_not_yet_predicted(personas, api_as):
    """The drop compares this check-in with earlier ones; while those are hidden from the
    counselor by the prediction lock, so is the level taken from them, and their ids."""
    earlier, hidden = checkin(personas.a, bond=5, days_ago=7)
    held, _ = checkin(personas.a, bond=3.5, task=2.5)
    predict(personas.a, held, bond=3.5, task=2.5)
    [item] = api_as(personas.c1).get("/api/v1/alerts").json()["items"]
    findings = item["evidence"]["findings"]
    assert findings["alliance_drop"] == {
        "locked": True,
        "summary": findings["alliance_drop"]["summary"],
    }
    assert findings["weak_spot"]["scopes"]["task"]["now"] == 2.5
    body = api_as(personas.c1).get(f"/api/v1/alerts/{item['id']}")
    assert hidden.pk not in referenced(body.json())
    assert '"earlier"' not in body.content.decode()
    predict(personas.a, earlier, bond=5)
    [item] = api_as(personas.c1).get("/api/v1/alerts").json()["items"]
    assert item["evidence"]["findings"]["alliance_drop"]["scopes"]["bond"]["earlier"] == 5


def test_it_filters_by_client_and_status(personas, api_as):
    open_alert = make_alert(personas.a)
    make_alert(personas.b, rule="two_view_gap")
    closed = make_alert(personas.a, rule="sessions_missed", subject="sessions")
    Alert.objects.filter(pk=closed.pk).update(status=Status.RECOVERED)
    api = api_as(personas.c1)
    ids = [i["id"] for i in api.get(f"/api/v1/alerts?client_id={personas.a.pk}").json()["items"]]
    assert sorted(ids) == sorted([open_alert.pk, closed.pk])
    active = api.get(f"/api/v1/alerts?client_id={personas.a.pk}&status=active").json()
    assert [i["id"] for i in active["items"]] == [open_alert.pk]
    recovered = api.get("/api/v1/alerts?status=recovered").json()
    assert [i["id"] for i in recovered["items"]] == [closed.pk]


def test_it_refuses_an_unknown_status_and_a_client_not_yours(personas, api_as):
    api = api_as(personas.c1)
    response = api.get("/api/v1/alerts?status=closed")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"
    assert api.get(f"/api/v1/alerts?client_id={personas.d.pk}").status_code == 404
    assert api.get("/api/v1/alerts?client_id=99999999999999999999").status_code == 422


def test_a_supervisor_sees_an_urgent_alert_about_any_client_of_the_clinic(personas, api_as):
    phq9(personas.d, session(personas.d), item9=2)
    items = api_as(personas.supervisor).get("/api/v1/alerts?status=active").json()["items"]
    assert [(i["client_id"], i["severity"]) for i in items] == [(personas.d.pk, "urgent")]
    assert api_as(personas.c1).get("/api/v1/alerts").json()["count"] == 0
    assert api_as(personas.other_counselor).get("/api/v1/alerts").json()["count"] == 0


def test_clients_never_see_alerts(personas, api_as):
    alert = make_alert(personas.a)
    api = api_as(personas.a.user)
    assert api.get("/api/v1/alerts").status_code == 404
    assert api.get(f"/api/v1/alerts/{alert.pk}").status_code == 404
    assert post(api, f"/api/v1/alerts/{alert.pk}/acknowledge").status_code == 404


def test_it_shows_one_alert_with_its_repairs_and_records_the_read(personas, api_as):
    alert = make_alert(personas.a)
    before = AuditEvent.objects.count()
    body = api_as(personas.c1).get(f"/api/v1/alerts/{alert.pk}").json()
    assert body["title"] == "Weak spot in the alliance"
    assert body["repairs"] == [] and body["follow_ups"] == []
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.client_id) == ("read", "Alert", personas.a.pk)


def test_it_acknowledges_once(personas, api_as):
    alert = make_alert(personas.a)
    api = api_as(personas.supervisor)
    body = post(api, f"/api/v1/alerts/{alert.pk}/acknowledge").json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by_id"] == personas.supervisor.pk
    again = post(api_as(personas.c1), f"/api/v1/alerts/{alert.pk}/acknowledge").json()
    assert again["acknowledged_by_id"] == personas.supervisor.pk


def test_it_records_a_repair_with_an_encrypted_note(personas, api_as):
    alert = make_alert(personas.a)
    note = "We talked about how the last session ended."
    response = post(
        api_as(personas.c1), f"/api/v1/alerts/{alert.pk}/repair", {"kind": "explored", "note": note}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "repaired"
    assert body["repairs"][0]["note"] == note
    assert body["repairs"][0]["kind"] == "explored"
    [raw] = raw_column(Repair, "note")
    assert raw.startswith("aes1:") and "session" not in raw


def test_it_refuses_a_bad_repair_and_stores_nothing(personas, api_as):
    alert = make_alert(personas.a)
    api = api_as(personas.c1)
    url = f"/api/v1/alerts/{alert.pk}/repair"
    unknown = post(api, url, {"kind": "hugged", "note": ""})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"][-1] == "kind"
    other = post(api, url, {"kind": "other", "note": "  "})
    assert other.status_code == 422
    assert other.json()["detail"][0]["msg"] == "Describe what you did in the note."
    long = post(api, url, {"kind": "explored", "note": "x" * 2001})
    assert long.status_code == 422
    assert not Repair.objects.exists()
    alert.refresh_from_db()
    assert alert.status == Status.OPEN


def test_it_refuses_a_repair_from_a_supervisor_and_on_a_recovered_alert(personas, api_as):
    alert = make_alert(personas.a)
    url = f"/api/v1/alerts/{alert.pk}/repair"
    body = {"kind": "explored", "note": ""}
    forbidden = post(api_as(personas.supervisor), url, body)
    assert forbidden.status_code == 403
    assert "counselor" in forbidden.json()["detail"]
    Alert.objects.filter(pk=alert.pk).update(status=Status.RECOVERED)
    conflict = post(api_as(personas.c1), url, body)
    assert conflict.status_code == 409
    assert not Repair.objects.exists()


def test_it_answers_404_for_huge_or_unknown_alert_ids(personas, api_as):
    api = api_as(personas.c1)
    assert api.get("/api/v1/alerts/99999999").status_code == 404
    assert api.get(f"/api/v1/alerts/{2**63}").status_code in (404, 422)


def test_an_alert_lists_the_actions_it_accepts_by_its_kind(personas, api_as):
    api = api_as(personas.c1)
    alliance = make_alert(personas.a)
    risk = make_alert(personas.a, rule="risk", subject="risk", severity="urgent")
    worse = make_alert(personas.a, rule="reliable_deterioration", subject="phq9")
    kinds = {
        alert.pk: [a["kind"] for a in api.get(f"/api/v1/alerts/{alert.pk}").json()["actions"]]
        for alert in (alliance, risk, worse)
    }
    assert "explored" in kinds[alliance.pk] and "safety_plan" not in kinds[alliance.pk]
    assert kinds[risk.pk] == [
        "risk_assessed",
        "safety_plan",
        "client_contacted",
        "referred_on",
        "emergency_services",
    ]
    assert "reviewed_with_client" in kinds[worse.pk] and "explored" not in kinds[worse.pk]
    detail = api.get(f"/api/v1/alerts/{risk.pk}").json()
    assert all(action["note_required"] for action in detail["actions"])
    assert detail["status_text"] == "Open until a risk review is recorded"
    Alert.objects.filter(pk=alliance.pk).update(status=Status.RECOVERED)
    assert api.get(f"/api/v1/alerts/{alliance.pk}").json()["actions"] == []


def test_a_rupture_repair_on_a_risk_alert_is_refused(personas, api_as):
    risk = make_alert(personas.a, rule="risk", subject="risk", severity="urgent")
    url = f"/api/v1/alerts/{risk.pk}/repair"
    wrong = post(api_as(personas.c1), url, {"kind": "acknowledged_part", "note": "Sorry."})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"][-1] == "kind"
    assert "risk actions" in wrong.json()["detail"][0]["msg"]
    bare = post(api_as(personas.c1), url, {"kind": "risk_assessed", "note": " "})
    assert bare.status_code == 422
    assert bare.json()["detail"][0]["loc"][-1] == "note"
    assert not Repair.objects.exists()
    risk.refresh_from_db()
    assert risk.status == Status.OPEN


def test_a_supervisor_records_a_risk_review_that_closes_the_alert(personas, api_as):
    risk = make_alert(personas.a, rule="risk", subject="risk", severity="urgent")
    url = f"/api/v1/alerts/{risk.pk}/repair"
    body = {"kind": "client_contacted", "note": "Carmen is away; I phoned Amira, she is safe."}
    response = post(api_as(personas.supervisor), url, body)
    assert response.status_code == 201
    detail = response.json()
    assert detail["status"] == "reviewed" and detail["closed_at"]
    assert detail["status_text"] == "Risk review recorded"
    assert detail["repairs"][0]["recorded_by_id"] == personas.supervisor.pk
    # Anything more is added to the record; a supervisor still records no rupture repair.
    more = {"kind": "safety_plan", "note": "Safety plan reviewed at the session."}
    assert post(api_as(personas.c1), url, more).status_code == 201
    alliance = make_alert(personas.a)
    refused = post(
        api_as(personas.supervisor),
        f"/api/v1/alerts/{alliance.pk}/repair",
        {"kind": "explored", "note": ""},
    )
    assert refused.status_code == 403
    assert post(api_as(personas.admin), url, more).status_code == 403


def test_a_review_closes_an_outcome_alert(personas, api_as):
    worse = make_alert(personas.a, rule="reliable_deterioration", subject="phq9")
    response = post(
        api_as(personas.c1),
        f"/api/v1/alerts/{worse.pk}/repair",
        {"kind": "supervision", "note": "Talked it over with Sol."},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "reviewed"
    assert response.json()["title"] == "Reliable worsening (PHQ-9)"
