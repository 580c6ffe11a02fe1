"""Helpers for the FHIR tests: resources as another system would send them, and checks that
what Alliance emits is valid R4B written exactly as the R4B models write it."""

import json

from alliance.interop.fhir.record import MODELS
from alliance.interop.fhir.responses import build_response
from alliance.psychometrics import get_instrument


def questionnaire_response(code: str, answers: dict, **fields) -> dict:
    resource = build_response(
        get_instrument(code),
        answers,
        **(
            {
                "resource_id": "from-elsewhere-1",
                "patient_reference": "Patient/elsewhere-1",
                "authored": "2026-03-02T10:00:00+00:00",
            }
            | fields
        ),
    )
    return json.loads(resource.model_dump_json())


def assert_canonical(data: dict) -> None:
    """`data` validates with its R4B model and is what the model itself writes."""
    model = MODELS[data["resourceType"]].model_validate(data)
    assert json.loads(model.model_dump_json()) == data
