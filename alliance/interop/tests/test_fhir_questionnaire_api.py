"""GET /api/v1/instruments/{code}/fhir: each form as a FHIR Questionnaire."""

from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.interop.fhir.questionnaire import questionnaire_url


def test_it_answers_the_questionnaire_as_fhir_json(personas, api_as):
    response = api_as(personas.a.user).get("/api/v1/instruments/gad7/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    data = response.json()
    Questionnaire.model_validate(data)
    assert data["url"] == questionnaire_url("gad7") and data["version"] == "1"
    assert data["code"] == [{"system": "http://loinc.org", "code": "69737-5"}]
    assert len(data["item"]) == 7


def test_it_answers_404_for_an_unknown_form(personas, api_as):
    response = api_as(personas.c1).get("/api/v1/instruments/bdi-ii/fhir")
    assert response.status_code == 404
    assert response.json() == {"detail": "No instrument with code 'bdi-ii'."}
