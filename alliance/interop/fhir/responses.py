"""Check-in answers to and from a FHIR R4B `QuestionnaireResponse`.

Going out, each answer is the option's coding (LOINC where the option has a LOINC answer code)
or a number for a visual-analogue line (or for a value no option of the current definition
holds, so that an old response is still exported as it was given). Coming in, an answer may be
given as that coding, as an integer or decimal value, or as a coding whose code is the option's
value; every problem is collected (not only the first) so the caller can answer one
`OperationOutcome` naming each.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from alliance.interop.fhir.questionnaire import (
    LOINC,
    answers_system,
    option_coding,
    questionnaire_url,
)
from alliance.psychometrics import Instrument

# More than this many structural faults are not worth listing one by one.
MAX_ISSUES = 20


def answer_entry(item, value) -> dict:
    if item.vas is None:
        for option in item.options:
            if option.value == value:
                return {"valueCoding": option_coding(option)}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"valueInteger": value}
    return {"valueDecimal": value}


def response_data(
    instrument: Instrument,
    answers: dict[str, Any],
    *,
    resource_id: str,
    patient_reference: str,
    authored: str,
    version: str | None = None,
    author: dict | None = None,
    encounter_reference: str | None = None,
    identifier: dict | None = None,
) -> dict:
    """The resource as data, for a caller that validates it (`build_response`, or a Bundle or
    Bulk Data writer that validates each resource it emits)."""
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
    }
    if identifier:
        data["identifier"] = identifier
    data |= {
        "questionnaire": f"{questionnaire_url(instrument.code)}|{version or instrument.version}",
        "status": "completed",
        "subject": {"reference": patient_reference},
        "authored": authored,
        "item": [
            {
                "linkId": item.id,
                "text": item.render(),
                "answer": [answer_entry(item, answers[item.id])],
            }
            for item in instrument.items
            if item.id in answers
        ],
    }
    if author:
        data["author"] = author
    if encounter_reference:
        data["encounter"] = {"reference": encounter_reference}
    return data


def build_response(
    instrument: Instrument, answers: dict[str, Any], **fields
) -> QuestionnaireResponse:
    return QuestionnaireResponse.model_validate(response_data(instrument, answers, **fields))


class Problems(Exception):
    """What is wrong with a resource that was sent: `issues` as (where, what) pairs, `where`
    a FHIRPath expression, or None for a fault outside the resource (its JSON, a header)."""

    def __init__(self, issues: list[tuple[str | None, str]]):
        super().__init__("; ".join(f"{where}: {what}" for where, what in issues))
        self.issues = issues

    def outcome(self) -> dict:
        """The problems as a validated FHIR `OperationOutcome`, JSON-ready."""
        resource = OperationOutcome.model_validate(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "error",
                        "code": "invalid",
                        "diagnostics": what,
                        **({"expression": [where]} if where else {}),
                    }
                    for where, what in self.issues
                ],
            }
        )
        return resource.model_dump(mode="json", exclude_none=True)


def instrument_code_of(questionnaire: str | None, instruments: dict[str, Instrument]) -> str:
    """The instrument a `questionnaire` canonical names (`url` or `url|version`)."""
    if not questionnaire:
        raise Problems([("QuestionnaireResponse.questionnaire", "Name the questionnaire.")])
    url, _, version = questionnaire.partition("|")
    for code, instrument in instruments.items():
        if url == questionnaire_url(code):
            if version and version != instrument.version:
                raise Problems(
                    [
                        (
                            "QuestionnaireResponse.questionnaire",
                            f"Version {version[:20]} of {code} is not known here "
                            f"(this server has version {instrument.version}).",
                        )
                    ]
                )
            return code
    raise Problems(
        [("QuestionnaireResponse.questionnaire", f"Unknown questionnaire: {url[:200]}.")]
    )


def read_resource(
    body: Any, instruments: dict[str, Instrument]
) -> tuple[QuestionnaireResponse, Instrument]:
    """The resource and the instrument it answers; `Problems` when it is not a valid, completed
    QuestionnaireResponse to one of `instruments`."""
    if not isinstance(body, dict) or body.get("resourceType") != "QuestionnaireResponse":
        raise Problems([("resourceType", "Send a FHIR QuestionnaireResponse.")])
    try:
        resource = QuestionnaireResponse.model_validate(body)
    except ValidationError as error:
        raise Problems(
            [
                (
                    ".".join(str(part) for part in problem["loc"]) or "QuestionnaireResponse",
                    problem["msg"],
                )
                for problem in error.errors()[:MAX_ISSUES]
            ]
        ) from None
    instrument = instruments[instrument_code_of(resource.questionnaire, instruments)]
    if resource.status != "completed":
        raise Problems([("QuestionnaireResponse.status", "Only a completed response is stored.")])
    return resource, instrument


def read_answers(resource: QuestionnaireResponse, instrument: Instrument) -> dict[str, Any]:
    """The answers (item id → value); `Problems` naming every unknown `linkId`, answer
    outside its item's options and unanswered item."""
    issues: list[tuple[str, str]] = []
    answers: dict[str, Any] = {}
    present: set[str] = set()
    known = {item.id: item for item in instrument.items}
    for index, entry in enumerate(resource.item or []):
        where = f"QuestionnaireResponse.item[{index}]"
        item = known.get(entry.linkId)
        if item is None:
            issues.append((where, f"Unknown linkId {entry.linkId[:64]!r} in {instrument.code}."))
            continue
        if entry.linkId in present:
            issues.append((where, f"{entry.linkId} is answered twice."))
            continue
        present.add(entry.linkId)
        if not entry.answer or len(entry.answer) != 1:
            issues.append((where, f"{entry.linkId} needs exactly one answer."))
            continue
        try:
            answers[entry.linkId] = _value(item, entry.answer[0])
        except ValueError as error:
            issues.append((f"{where}.answer[0]", str(error)))
    for item in instrument.items:
        if item.id not in present:
            issues.append(("QuestionnaireResponse.item", f"{item.id} is not answered."))
    if issues:
        raise Problems(issues[:MAX_ISSUES])
    return answers


def parse_response(body: Any, instruments: dict[str, Instrument]) -> tuple[Instrument, dict]:
    """The instrument and the answers (item id → value) in a QuestionnaireResponse.

    Raises `Problems` naming every fault: not a valid resource, an unknown questionnaire, an
    unknown `linkId`, an answer outside the item's options, an unanswered item.
    """
    resource, instrument = read_resource(body, instruments)
    return instrument, read_answers(resource, instrument)


def _value(item, answer):
    if item.vas is not None:
        value = answer.valueDecimal if answer.valueDecimal is not None else answer.valueInteger
        if value is None:
            raise ValueError(f"{item.id} is answered with a number.")
        value = float(value) if isinstance(value, Decimal) else value
        if not item.vas.min <= value <= item.vas.max:
            raise ValueError(f"{item.id} is a number from {item.vas.min} to {item.vas.max}.")
        return int(value) if float(value).is_integer() else value
    allowed = ", ".join(str(option.value) for option in item.options)
    coding = answer.valueCoding
    if coding is not None:
        for option in item.options:
            if coding.system == LOINC and option.code and coding.code == option.code:
                return option.value
            if coding.system == answers_system() and coding.code == str(option.value):
                return option.value
        code = (coding.code or "")[:64]
        raise ValueError(f"{code!r} is not one of the answers to {item.id}.")
    number = answer.valueInteger
    if number is None and answer.valueDecimal is not None:
        number = answer.valueDecimal
    if number is not None:
        for option in item.options:
            if Decimal(str(option.value)) == Decimal(str(number)):
                return option.value
        raise ValueError(f"{str(number)[:32]} is not one of the answers to {item.id} ({allowed}).")
    raise ValueError(f"{item.id} is answered with one of its options ({allowed}).")
