"""Each instrument as a FHIR Questionnaire, and check-in answers to and from a
QuestionnaireResponse: validated with fhir.resources (R4B), with the published LOINC codes."""

import json

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.interop.fhir.questionnaire import build_questionnaire, questionnaire_url
from alliance.interop.fhir.responses import Problems, build_response, parse_response
from alliance.psychometrics import get_instrument, load_instruments

PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
]
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
ANSWER_CODES = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def as_json(resource) -> dict:
    return json.loads(resource.model_dump_json())


@pytest.mark.parametrize(
    ("code", "panel", "items"), [("phq9", "44249-1", PHQ9_ITEMS), ("gad7", "69737-5", GAD7_ITEMS)]
)
def test_it_publishes_the_loinc_codes_of_panel_items_and_answers(code, panel, items):
    data = as_json(build_questionnaire(get_instrument(code)))
    Questionnaire.model_validate(data)  # a round trip through the R4B model
    assert data["url"] == questionnaire_url(code) and data["version"] == "1"
    # A coding's display would be LOINC's own wording; the instrument's name is the title.
    assert data["code"] == [{"system": "http://loinc.org", "code": panel}]
    assert [item["code"][0]["code"] for item in data["item"]] == items
    assert all(item["code"][0]["system"] == "http://loinc.org" for item in data["item"])
    for item in data["item"]:
        codings = [option["valueCoding"] for option in item["answerOption"]]
        assert [c["code"] for c in codings] == ANSWER_CODES
        assert [c["display"] for c in codings] == [
            "Not at all",
            "Several days",
            "More than half the days",
            "Nearly every day",
        ]
        assert "https://loinc.org" not in json.dumps(item)


def test_it_names_items_by_alliance_item_ids_and_carries_the_copyright():
    data = as_json(build_questionnaire(get_instrument("wai-sr")))
    assert [item["linkId"] for item in data["item"]] == [f"wai_{n}" for n in range(1, 13)]
    assert "Society for Psychotherapy Research" in data["copyright"]
    assert "code" not in data  # the WAI-SR has no LOINC code, and none is invented
    first = data["item"][0]["answerOption"]
    assert [option["valueCoding"]["display"] for option in first] == [
        "Seldom",
        "Sometimes",
        "Fairly often",
        "Very often",
        "Always",
    ]
    assert [option["extension"][0]["valueDecimal"] for option in first] == [1, 2, 3, 4, 5]


PHQ9_ANSWERS = {f"phq9_{n}": (n % 4) for n in range(1, 10)}


def response_json(answers=PHQ9_ANSWERS, code="phq9") -> dict:
    resource = build_response(
        get_instrument(code),
        answers,
        resource_id="response-1",
        patient_reference="Patient/client-1",
        authored="2026-03-02T10:00:00+00:00",
    )
    return as_json(resource)


def test_it_reads_back_the_answers_it_wrote():
    instrument, answers = parse_response(response_json(), load_instruments())
    assert instrument.code == "phq9" and answers == PHQ9_ANSWERS


def test_it_accepts_plain_numbers_for_options():
    body = response_json()
    for entry in body["item"]:
        value = PHQ9_ANSWERS[entry["linkId"]]
        entry["answer"] = [{"valueInteger": value}]
    assert parse_response(body, load_instruments())[1] == PHQ9_ANSWERS


def problems(body) -> list[tuple[str, str]]:
    with pytest.raises(Problems) as raised:
        parse_response(body, load_instruments())
    OperationOutcome.model_validate(raised.value.outcome())
    return raised.value.issues


def test_it_names_every_problem_at_once():
    body = response_json()
    body["item"][0]["answer"] = [{"valueInteger": 7}]
    body["item"][1]["linkId"] = "phq9_99"
    del body["item"][2]
    found = problems(body)
    assert (
        "QuestionnaireResponse.item[0].answer[0]",
        "7 is not one of the answers to phq9_1 (0, 1, 2, 3).",
    ) in found
    assert ("QuestionnaireResponse.item[1]", "Unknown linkId 'phq9_99' in phq9.") in found
    assert ("QuestionnaireResponse.item", "phq9_2 is not answered.") in found
    assert ("QuestionnaireResponse.item", "phq9_3 is not answered.") in found


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questionnaire": "http://example.org/Questionnaire/bdi"}, "Unknown questionnaire"),
        ({"questionnaire": None}, "Name the questionnaire."),
        ({"status": "in-progress"}, "Only a completed response is stored."),
        ({"resourceType": "Observation"}, "Send a FHIR QuestionnaireResponse."),
    ],
)
def test_it_refuses_what_it_cannot_store(change, message):
    body = response_json() | change
    body = {key: value for key, value in body.items() if value is not None}
    assert any(message in what for _, what in problems(body))


def test_it_refuses_an_unknown_version_of_a_known_questionnaire():
    body = response_json()
    body["questionnaire"] = body["questionnaire"].replace("|1", "|9")
    assert any("Version 9 of phq9 is not known" in what for _, what in problems(body))


def test_it_refuses_a_coding_from_another_answer_list():
    body = response_json()
    body["item"][0]["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": "LA33-6"}}]
    assert any("'LA33-6' is not one of the answers" in what for _, what in problems(body))


def test_the_validator_refuses_what_the_models_refuse_however_often_a_part_recurs():
    from pydantic import ValidationError

    from alliance.interop.fhir.record import Validator, validated

    validate = Validator()
    good = response_json()
    for _ in range(2):  # the second time, every item is one already validated
        assert validate(good).model_dump_json() == validated(good).model_dump_json()
    bad_item = response_json()
    bad_item["item"][0]["answer"] = [{"valueCoding": {"code": "LA6568-5"}, "valueInteger": 0}]
    bad_root = response_json() | {"authored": "last Tuesday"}
    for body in (bad_item, bad_item, bad_root):
        with pytest.raises(ValidationError):
            validate(body)
