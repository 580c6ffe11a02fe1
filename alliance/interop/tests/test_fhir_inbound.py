"""A check-in sent by another system as a FHIR QuestionnaireResponse: stored exactly like one
from the form, or refused with an OperationOutcome naming each problem and nothing stored."""

import json

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from alliance.alerts.models import Alert
from alliance.audit.models import AuditEvent
from alliance.interop.fhir.questionnaire import questionnaire_url
from alliance.interop.tests.fhir import assert_canonical, questionnaire_response
from alliance.measures.models import Response
from alliance.reports.tests.helpers import build_history

PHQ9 = {f"phq9_{n}": v for n, v in enumerate([2, 1, 1, 0, 3, 2, 1, 0, 0], start=1)}


def post(api, client, body, key=None, raw=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        f"/api/v1/clients/{client.pk}/fhir/QuestionnaireResponse",
        raw if raw is not None else json.dumps(body),
        content_type="application/fhir+json",
        **headers,
    )


def issues(response) -> list[tuple[str | None, str]]:
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    outcome = response.json()
    OperationOutcome.model_validate(outcome)
    assert set(outcome) == {"resourceType", "issue"}
    return [
        ((issue.get("expression") or [None])[0], issue["diagnostics"]) for issue in outcome["issue"]
    ]


def test_it_stores_and_scores_it_like_a_check_in(personas, api_as):
    response = post(api_as(personas.a.user), personas.a, questionnaire_response("phq9", PHQ9))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    body = response.json()
    assert_canonical(body)
    stored = Response.objects.get(client=personas.a)
    assert body["identifier"]["value"] == str(stored.pk)
    assert body["questionnaire"] == f"{questionnaire_url('phq9')}|1"
    assert (stored.instrument, stored.answers, stored.score_total) == ("phq9", PHQ9, 10)
    assert (stored.respondent_id, stored.session_id, stored.band) == (
        personas.a.user.pk,
        None,
        "Moderate",
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="Response", object_id=str(stored.pk)
    ).exists()


def test_it_raises_the_same_alerts(personas, api_as):
    answers = PHQ9 | {"phq9_9": 2}
    response = post(api_as(personas.a.user), personas.a, questionnaire_response("phq9", answers))
    assert response.status_code == 201
    assert Alert.objects.filter(client=personas.a, severity="urgent").exists()


def test_it_takes_the_counselors_prediction_from_the_counselor(personas, api_as):
    body = questionnaire_response("wai-sr-predicted", {f"wai_{n}": 3 for n in range(1, 13)})
    assert post(api_as(personas.c1), personas.a, body).status_code == 201
    assert Response.objects.get(client=personas.a).respondent_id == personas.c1.pk
    # The forms are each side's own, as on the check-in API; readers of the record answer none.
    assert post(api_as(personas.a.user), personas.a, body).status_code == 403
    client_form = questionnaire_response("phq9", PHQ9)
    assert post(api_as(personas.c1), personas.a, client_form).status_code == 403
    assert post(api_as(personas.supervisor), personas.a, client_form).status_code == 403
    assert post(api_as(personas.c2), personas.a, client_form).status_code == 404
    assert Response.objects.count() == 1


def test_a_repeated_key_stores_one_response(personas, api_as):
    api = api_as(personas.a.user)
    body = questionnaire_response("phq9", PHQ9)
    first = post(api, personas.a, body, key="phone-1")
    again = post(api, personas.a, body, key="phone-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert Response.objects.count() == 1
    other = questionnaire_response("phq9", PHQ9 | {"phq9_1": 0})
    refused = issues(post(api, personas.a, other, key="phone-1"))
    assert any("Idempotency-Key" in what for _, what in refused)
    assert Response.objects.count() == 1


def test_it_names_every_problem_and_stores_nothing(personas, api_as):
    body = questionnaire_response("phq9", PHQ9)
    body["item"][0]["answer"] = [{"valueInteger": 9}]
    body["item"][1]["linkId"] = "phq9_99"
    del body["item"][2]
    before = AuditEvent.objects.count()
    found = issues(post(api_as(personas.a.user), personas.a, body))
    assert found == [
        (
            "QuestionnaireResponse.item[0].answer[0]",
            "9 is not one of the answers to phq9_1 (0, 1, 2, 3).",
        ),
        ("QuestionnaireResponse.item[1]", "Unknown linkId 'phq9_99' in phq9."),
        ("QuestionnaireResponse.item", "phq9_2 is not answered."),
        ("QuestionnaireResponse.item", "phq9_3 is not answered."),
    ]
    assert Response.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("body", "raw", "words"),
    [
        (None, b"{not json", "The request body is not valid JSON."),
        (None, b"[" * 100_000, "The request body is not valid JSON."),
        ({"resourceType": "Patient"}, None, "Send a FHIR QuestionnaireResponse."),
        (
            {"resourceType": "QuestionnaireResponse", "status": "completed"},
            None,
            "Name the questionnaire.",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "http://example.org/Questionnaire/bdi-ii",
            },
            None,
            "Unknown questionnaire: http://example.org/Questionnaire/bdi-ii.",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "in-progress",
                "questionnaire": "QUESTIONNAIRE",
            },
            None,
            "Only a completed response is stored.",
        ),
    ],
)
def test_it_refuses_what_is_not_a_response_to_a_known_form(personas, api_as, body, raw, words):
    if body and body.get("questionnaire") == "QUESTIONNAIRE":
        body["questionnaire"] = questionnaire_url("phq9")
    found = issues(post(api_as(personas.a.user), personas.a, body, raw=raw))
    assert found and any(words in what for _, what in found)
    assert Response.objects.count() == 0


def test_a_key_too_long_is_named(personas, api_as):
    found = issues(
        post(api_as(personas.a.user), personas.a, questionnaire_response("phq9", PHQ9), "k" * 256)
    )
    assert found == [(None, "The Idempotency-Key header must be 1 to 255 characters.")]
    assert Response.objects.count() == 0


def test_a_round_trip_gives_the_same_scores(personas, api_as):
    """Amira's PHQ-9 check-ins, exported in her Bundle and sent back for Ben, score the same."""
    build_history(personas)
    bundle = api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}/fhir").json()
    sent = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
        and entry["resource"]["questionnaire"].startswith(questionnaire_url("phq9"))
    ]
    api = api_as(personas.b.user)
    for resource in sent:
        assert post(api, personas.b, resource).status_code == 201

    def phq9(client):
        return list(
            Response.objects.filter(client=client, instrument="phq9")
            .order_by("id")
            .values_list("total", "band", "flags", "answers")
        )

    assert phq9(personas.b) == phq9(personas.a)
    assert [total for total, *_ in phq9(personas.b)] == [17, 12, 5]
