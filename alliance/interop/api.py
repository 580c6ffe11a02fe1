"""The client's data export, and FHIR R4B in and out.

- GET /api/v1/clients/{client_id}/export: the client's own copy of their record (Alliance JSON).
- GET /api/v1/instruments/{code}/fhir: a form as a FHIR Questionnaire.
- GET /api/v1/clients/{client_id}/fhir: a client's record as a FHIR Bundle.
- POST /api/v1/clients/{client_id}/fhir/QuestionnaireResponse: a check-in from another system.

The FHIR operations answer `application/fhir+json`. A refused FHIR request is answered like any
other API request (`{"detail": …}` for 401, 403 and 404), except invalid input: its 422 is a
FHIR `OperationOutcome` naming each problem, the answer a FHIR client knows how to read. That
body is exactly the resource, with no `detail` key beside it: the R4B models (and other strict
FHIR parsers) refuse an element a resource does not define.
"""

import json
from datetime import datetime
from typing import Any

from django.http import Http404, HttpResponse
from ninja import Header, Router, Schema, Status

from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.interop import export
from alliance.interop.fhir.bundle import client_bundle
from alliance.interop.fhir.inbound import accept_response
from alliance.interop.fhir.questionnaire import build_questionnaire
from alliance.interop.fhir.record import Resources, validated
from alliance.measures.instruments import find
from alliance.schemas import Detail

router = Router(tags=["export"])

FHIR_JSON = "application/fhir+json"
OBJECT = {"schema": {"type": "object"}}


def fhir_answers(statuses: dict[int, str]) -> dict:
    """The OpenAPI description of FHIR bodies, by status."""
    return {
        "responses": {
            status: {"description": words, "content": {FHIR_JSON: OBJECT}}
            for status, words in statuses.items()
        }
    }


def fhir_response(resource: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )


class ExportOut(Schema):
    format: str
    version: int
    exported_at: datetime
    about: str
    you: dict[str, Any]
    sessions: list[dict[str, Any]]
    check_ins: list[dict[str, Any]]
    values: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    journal: list[dict[str, Any]]
    concerns: list[dict[str, Any]]


@router.get(
    "/clients/{client_id}/export",
    response=ExportOut,
    summary="Everything the client may see about themself (the client only)",
)
def export_client(request, client_id: int):
    """The client's own copy of their record, as their pages show it: sessions, check-ins,
    goals, tasks, their whole journal and the concerns they raised.

    Only the client downloads it; for anyone else the record answers 404, as if it did not
    exist. Staff read a client's record through the other operations, each under its own
    access rule, and never receive the client's private journal entries."""
    client = visible_client(request, client_id)
    if not client.is_own_record(request.user):
        raise Http404("Not found")
    return export.export_for(request, client)


@router.get(
    "/instruments/{code}/fhir",
    response={404: Detail},
    summary="One form as a FHIR R4B Questionnaire",
    tags=["fhir"],
    openapi_extra=fhir_answers({200: "The Questionnaire."}),
)
def instrument_questionnaire(request, code: str):
    """The form with its canonical `url` and `version` (which a QuestionnaireResponse names),
    an item per question whose `linkId` is Alliance's item id, the answer options with their
    values, LOINC codes where LOINC has them, and the copyright notice where there is one."""
    instrument = find(code[:100])
    if instrument is None:
        return Status(404, {"detail": f"No instrument with code {code[:100]!r}."})
    return fhir_response(build_questionnaire(instrument).model_dump(mode="json"))


@router.get(
    "/clients/{client_id}/fhir",
    summary="A client's measures, goals and care plan as a FHIR R4B Bundle",
    tags=["fhir"],
    openapi_extra=fhir_answers({200: "A Bundle of type collection."}),
)
def client_fhir(request, client_id: int):
    """For the client and for the staff who may read the record (404 for everyone else): the
    Patient (name and email), an Encounter per session, a QuestionnaireResponse per check-in
    the caller may see with an Observation per score, a Goal per goal with an Observation per
    goal-attainment rating, and a CarePlan of the agreed tasks. References are `urn:uuid:`
    fullUrls of entries in the Bundle. Notes and journal entries are never included."""
    client = visible_client(request, client_id)
    bundle = client_bundle(client, request.user)
    audit.record(request, "read", audit.for_client(client), detail="FHIR Bundle")
    return fhir_response(bundle)


@router.post(
    "/clients/{client_id}/fhir/QuestionnaireResponse",
    response={403: Detail, 404: Detail},
    summary="Store a check-in sent as a FHIR R4B QuestionnaireResponse",
    tags=["fhir"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {FHIR_JSON: OBJECT, "application/json": OBJECT},
        },
        **fhir_answers(
            {
                201: "The stored response, as a QuestionnaireResponse.",
                422: "An OperationOutcome naming each problem; nothing was stored.",
            }
        ),
    },
)
def post_questionnaire_response(
    request,
    client_id: int,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Whoever may submit the form for this client may send it: the client their own forms,
    their counselor the counselor's forms (403 for other readers of the record, 404 for
    everyone else). The `questionnaire` is the canonical URL of one of
    `GET /instruments/{code}/fhir` (with its version, if any); every item is answered with
    one of its options (the coding, or the option's value as an integer). It is scored and
    stored as a check-in answered now, tied to no session, and the alert rules run on it.

    Send an `Idempotency-Key` header: repeating it returns the first response and stores
    nothing. Anything wrong is a 422 whose body is an OperationOutcome naming each problem."""
    client = visible_client(request, client_id)
    # A refusal (`Problems`) is answered as an OperationOutcome by the API's handler.
    response, _ = accept_response(
        client, user=request.user, body=request.body, key=idempotency_key, request=request
    )
    resource = Resources(in_bundle=False).questionnaire_response(response)
    validated(resource)
    return fhir_response(resource, status=201)
