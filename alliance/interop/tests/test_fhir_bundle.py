"""A client's record as a FHIR R4B Bundle: what it holds, for whom, and what it never holds."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from alliance.audit.models import AuditEvent
from alliance.interop.fhir.questionnaire import code_system_url, questionnaire_url
from alliance.interop.tests.fhir import assert_canonical
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
)

LOINC = "http://loinc.org"


def fetch(api_as, user, client):
    response = api_as(user).get(f"/api/v1/clients/{client.pk}/fhir")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return response, json.loads(response.content)


def of_type(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(node):
    """Every `reference` in the resource, however deeply nested."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def by_url(bundle):
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def scores(bundle, system, code):
    return [
        o
        for o in of_type(bundle, "Observation")
        if (o["code"]["coding"][0]["system"], o["code"]["coding"][0]["code"]) == (system, code)
    ]


@pytest.fixture
def history(personas):
    return build_history(personas)


def test_it_is_a_valid_collection_whose_references_all_resolve(personas, history, api_as):
    _, bundle = fetch(api_as, personas.c1, personas.a)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        assert_canonical(entry["resource"])
        for reference in references(entry["resource"]):
            assert reference in urls, f"{entry['resource']['resourceType']} → {reference}"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1 and kinds.count("CarePlan") == 1
    assert kinds.count("Encounter") == 4 and kinds.count("QuestionnaireResponse") == 10
    assert kinds.count("Goal") == 1


def test_it_holds_the_patient_by_name_and_email_only(personas, history, api_as):
    _, bundle = fetch(api_as, personas.a.user, personas.a)
    (patient,) = of_type(bundle, "Patient")
    assert set(patient) == {"resourceType", "id", "name", "telecom"}
    assert patient["name"] == [{"text": "Amira"}]
    assert patient["telecom"] == [{"system": "email", "value": "amira@north.test"}]


def test_it_scores_each_response_with_loinc_where_loinc_has_a_code(personas, history, api_as):
    _, bundle = fetch(api_as, personas.supervisor, personas.a)
    entries = by_url(bundle)
    phq9 = scores(bundle, LOINC, "44261-6")
    assert [o["valueInteger"] for o in phq9] == [17, 12, 5]
    assert [o["valueInteger"] for o in scores(bundle, LOINC, "70274-6")] == [14, 9, 5]
    for observation in phq9:
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        (source,) = observation["derivedFrom"]
        response = entries[source["reference"]]
        assert response["resourceType"] == "QuestionnaireResponse"
        assert response["questionnaire"] == f"{questionnaire_url('phq9')}|1"
        assert observation["effectiveDateTime"] == response["authored"]
        assert observation["encounter"] == response["encounter"]
        assert entries[response["encounter"]["reference"]]["status"] == "finished"


def test_it_codes_the_alliance_scores_in_its_own_system(personas, history, api_as):
    _, bundle = fetch(api_as, personas.supervisor, personas.a)
    system = code_system_url()
    assert [o["valueInteger"] for o in scores(bundle, system, "wai-sr-total")] == [36, 48]
    for part in ("goal", "task", "bond"):
        assert [o["valueInteger"] for o in scores(bundle, system, f"wai-sr-{part}")] == [12, 16]
    predicted = scores(bundle, system, "wai-sr-predicted-total")
    assert [o["valueInteger"] for o in predicted] == [48, 48]
    assert predicted[0]["performer"] == [
        {"type": "Practitioner", "display": "The client's counselor"}
    ]


def test_it_gives_the_goal_its_scale_and_ratings(personas, history, api_as):
    _, bundle = fetch(api_as, personas.a.user, personas.a)
    entries = by_url(bundle)
    (goal,) = of_type(bundle, "Goal")
    assert goal["description"] == {"text": "Call my sister every week"}
    assert goal["lifecycleStatus"] == "active"
    assert goal["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert goal["target"][0]["detailInteger"] == 0
    levels = {
        tuple(part.get("valueInteger", part.get("valueString")) for part in ext["extension"])
        for ext in goal["extension"]
        if ext["url"].endswith("/goal-attainment-level")
    }
    assert (0, "Three calls a week") in levels and len(levels) == 5
    ratings = [entries[ref["reference"]] for ref in goal["outcomeReference"]]
    assert [r["valueInteger"] for r in ratings] == [-1, 0, 1, 0]
    patient = f"urn:uuid:{of_type(bundle, 'Patient')[0]['id']}"
    assert ratings[0]["performer"] == [{"reference": patient}]
    assert ratings[3]["performer"][0]["display"] == "The client's counselor"
    assert all(r["focus"] == [{"reference": f"urn:uuid:{goal['id']}"}] for r in ratings)
    (plan,) = of_type(bundle, "CarePlan")
    (activity,) = plan["activity"]
    assert activity["detail"]["description"] == "Ring her on Sunday evening"
    assert activity["detail"]["goal"] == [{"reference": f"urn:uuid:{goal['id']}"}]


def test_it_leaves_out_notes_and_the_journal(personas, history, api_as):
    for user in (personas.c1, personas.a.user, personas.admin):
        response, _ = fetch(api_as, user, personas.a)
        body = response.content.decode()
        for words in (PRIVATE, SHARED, PSYCHOTHERAPY, PROGRESS):
            assert words not in body


def test_it_keeps_the_prediction_lock(personas, api_as):
    session = add_session(personas.a, datetime.date(2026, 1, 5))
    give_response(personas.a, "wai-sr", wai(2), session)

    def forms(user):
        _, bundle = fetch(api_as, user, personas.a)
        return [r["questionnaire"] for r in of_type(bundle, "QuestionnaireResponse")]

    alliance = f"{questionnaire_url('wai-sr')}|1"
    assert forms(personas.c1) == []  # not predicted yet: hidden from the counselor
    assert forms(personas.supervisor) == [alliance]
    give_response(personas.a, "wai-sr-predicted", wai(4), session)
    assert forms(personas.c1) == [alliance, f"{questionnaire_url('wai-sr-predicted')}|1"]


def test_it_answers_404_to_everyone_else(personas, history, api_as):
    for who in ("c2", "b", "other_counselor", "other_client"):
        response = api_as(personas.users[who]).get(f"/api/v1/clients/{personas.a.pk}/fhir")
        assert response.status_code == 404
        assert "Amira" not in response.content.decode()


def test_it_records_the_read(personas, history, api_as):
    fetch(api_as, personas.supervisor, personas.a)
    event = AuditEvent.objects.get(actor_id=personas.supervisor.pk, detail="FHIR Bundle")
    assert (event.action, event.object_type, event.client_id) == ("read", "Client", personas.a.pk)


def test_it_reads_a_longer_history_with_no_more_queries(personas, history, api_as):
    web = api_as(personas.c1)
    path = f"/api/v1/clients/{personas.a.pk}/fhir"
    with CaptureQueriesContext(connection) as short:
        web.get(path)
    build_history(personas, client=personas.a)
    with CaptureQueriesContext(connection) as longer:
        response = web.get(path)
    assert len(json.loads(response.content)["entry"]) > 60
    assert len(longer.captured_queries) == len(short.captured_queries)


def test_it_still_exports_a_check_in_whose_form_is_no_longer_defined(personas, api_as):
    from alliance.measures.models import Response

    Response.objects.create(
        client=personas.a,
        instrument="ors",
        instrument_version="2",
        respondent=personas.a.user,
        respondent_role="client",
        answers={"ors_1": 7.5, "ors_2": 6},
        total=13.5,
        idempotency_key="retired-form",
    )
    _, bundle = fetch(api_as, personas.a.user, personas.a)
    for entry in bundle["entry"]:
        assert_canonical(entry["resource"])
    (response,) = of_type(bundle, "QuestionnaireResponse")
    assert response["questionnaire"] == f"{questionnaire_url('ors')}|2"
    assert [item["answer"] for item in response["item"]] == [
        [{"valueDecimal": 7.5}],
        [{"valueInteger": 6}],
    ]
    (total,) = of_type(bundle, "Observation")
    assert total["code"]["coding"][0]["code"] == "ors-total"
    assert total["valueQuantity"] == {"value": 13.5}
