"""Each instrument as a FHIR R4B `Questionnaire`, built and validated with `fhir.resources`.

The canonical URL is `{FHIR base}/Questionnaire/{code}` with the instrument's version, so a
`QuestionnaireResponse` from another system names exactly which form and which version it
answers. Item `linkId`s are Alliance's item ids; LOINC codes are given where LOINC has one
(the PHQ-9 and GAD-7 panels, items and answers); the WAI-SR has none.
"""

from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.psychometrics import Instrument

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def canonical_base() -> str:
    from django.conf import settings

    return settings.FHIR_BASE_URL


def questionnaire_url(code: str) -> str:
    return f"{canonical_base()}/Questionnaire/{code}"


def code_system_url() -> str:
    """Alliance's own codes, for scores that have no LOINC code (the WAI-SR's)."""
    return f"{canonical_base()}/CodeSystem/scores"


def _coding(code: str) -> dict:
    return {"system": LOINC, "code": code}


def answers_system() -> str:
    """Alliance's codes for answer options that have no LOINC answer code (the option's value)."""
    return f"{canonical_base()}/CodeSystem/answers"


def option_coding(option) -> dict:
    if option.code:
        return {"system": LOINC, "code": option.code, "display": option.label}
    return {"system": answers_system(), "code": str(option.value), "display": option.label}


def _answer_options(item) -> list[dict]:
    return [
        {
            "valueCoding": option_coding(option),
            # The value that is scored, for systems that do not know the answer codes.
            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
        }
        for option in item.options
    ]


def _item(instrument: Instrument, item) -> dict:
    entry = {
        "linkId": item.id,
        "text": item.render(counselor="your counselor", client="your client"),
        "required": True,
    }
    if item.loinc:
        entry["code"] = [_coding(item.loinc)]
    if item.vas:
        entry["type"] = "decimal"
        entry["extension"] = [
            {"url": MIN_VALUE, "valueDecimal": item.vas.min},
            {"url": MAX_VALUE, "valueDecimal": item.vas.max},
        ]
    else:
        entry["type"] = "choice"
        entry["answerOption"] = _answer_options(item)
    return entry


def build_questionnaire(instrument: Instrument) -> Questionnaire:
    data = {
        "resourceType": "Questionnaire",
        "id": instrument.code,
        "url": questionnaire_url(instrument.code),
        "version": instrument.version,
        "name": "".join(part.capitalize() for part in instrument.code.replace("-", " ").split()),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.render_stem(counselor="your counselor", client="your client"),
        "item": [_item(instrument, item) for item in instrument.items],
    }
    if instrument.licence:
        data["copyright"] = instrument.licence
    if instrument.loinc_panel:
        # No display: a coding's display is the code system's own wording, not ours (the
        # instrument's name is the title).
        data["code"] = [_coding(instrument.loinc_panel)]
    return Questionnaire.model_validate(data)
