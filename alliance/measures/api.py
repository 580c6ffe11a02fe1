"""Instruments, and check-in responses under /api/v1/clients/{client_id}/responses."""

import uuid
from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.care.api import visible_client
from alliance.errors import Invalid
from alliance.listing import client_page, page_of, session_named
from alliance.measures import services
from alliance.measures.instruments import all_instruments, find
from alliance.measures.models import Response
from alliance.schemas import Detail, IdempotencyKey

router = Router(tags=["check-ins"])

MAX_LIMIT = 1000
MAX_ITEM_ID = 64
MAX_TEXT_ANSWER = 32
CODE = Field(min_length=1, max_length=100)


class InstrumentSummary(Schema):
    code: str
    name: str
    version: str
    respondent: str
    perspective: str
    items: int
    licence: str
    pairs_with: str | None


class InstrumentList(Schema):
    items: list[InstrumentSummary]
    count: int


class ResponseIn(Schema):
    instrument: str = CODE
    answers: dict[str, Any] = Field(
        max_length=500, description='Item id to answer value, e.g. {"phq9_1": 2, …}.'
    )
    session_id: int | None = Field(default=None, ge=1, le=2**62)


class SubscaleOut(Schema):
    sum: int | float
    mean: int | float


class ResponseOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    instrument: str
    instrument_version: str
    respondent_id: int
    respondent_role: str
    answers: dict[str, int | float]
    total: int | float
    subscales: dict[str, SubscaleOut]
    band: str | None
    flags: list[str]
    submitted_at: datetime


class CrisisOut(Schema):
    text: str = Field(description="The clinic's crisis text, to show the client at once.")


class SubmittedOut(ResponseOut):
    crisis: CrisisOut | None = Field(
        default=None,
        description="Present when an answer raised an urgent flag (PHQ-9 item 9 above 'Not at "
        "all'): the clinic's crisis text, so an app can show it at once, as the page does.",
    )


ResponseList = page_of(ResponseOut, "ResponseList")


def response_out(response: Response) -> dict:
    return {
        "id": response.pk,
        "client_id": response.client_id,
        "session_id": response.session_id,
        "instrument": response.instrument,
        "instrument_version": response.instrument_version,
        "respondent_id": response.respondent_id,
        "respondent_role": response.respondent_role,
        "answers": response.answers,
        "total": response.score_total,
        "subscales": response.subscales,
        "band": response.band_or_none,
        "flags": response.flags,
        "submitted_at": response.submitted_at,
    }


@router.get("/instruments", response=InstrumentList, summary="The forms this clinic can use")
def list_instruments(request):
    items = [
        {
            "code": i.code,
            "name": i.name,
            "version": i.version,
            "respondent": i.respondent,
            "perspective": i.perspective,
            "items": len(i.items),
            "licence": i.licence,
            "pairs_with": i.pairs_with,
        }
        for i in all_instruments().values()
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/instruments/{code}",
    response={200: dict[str, Any], 404: Detail},
    summary="One form's whole definition",
)
def get_instrument(request, code: str):
    """The definition as its data file holds it: items with ids and answer values, scoring,
    bands, flags, caseness and reliable-change sizes with their citations."""
    instrument = find(code[:100])
    if instrument is None:
        return Status(404, {"detail": f"No instrument with code {code[:100]!r}."})
    return Status(200, instrument.to_dict())


@router.get(
    "/clients/{client_id}/responses",
    response=ResponseList,
    summary="A client's check-in responses, with scores",
)
def list_responses(
    request,
    client_id: int,
    instrument: str | None = Query(None, max_length=100),
    limit: int = Query(200, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=2**31),
):
    """Most recent first, optionally one instrument's only.

    The client's own counselor sees the client's `wai-sr` for a session only once they have
    predicted it (or chosen to skip predicting), so a prediction is never made after seeing
    the answers; the client sees the counselor's `wai-sr-predicted` only after answering that
    session themself, and not at all where the clinic hides the comparison from clients.
    """
    client = visible_client(request, client_id)
    responses = Response.objects.visible_to(request.user).filter(client=client)
    if instrument:
        responses = responses.filter(instrument=instrument)
    return client_page(request, client, responses, limit=limit, offset=offset, shape=response_out)


@router.post(
    "/clients/{client_id}/responses",
    response={201: SubmittedOut, 403: Detail, 409: Detail},
    summary="Submit a check-in",
)
def create_response(
    request,
    client_id: int,
    payload: ResponseIn,
    idempotency_key: IdempotencyKey = None,
):
    """Answer a form as whoever calls: a client answers client forms in their own record, a
    counselor counselor forms (such as wai-sr-predicted) for their own clients. Supervisors
    and administrators read but do not answer.

    Send an `Idempotency-Key` header: repeating a request with the same key returns the first
    response, with the same status, and stores nothing. A `session_id` that is not one of
    this client's attended sessions is a 422 naming `session_id`; nothing is stored.
    Invalid answers are a 422 naming each item at fault. When an answer raises an urgent
    flag, the reply carries the clinic's crisis text in `crisis`.
    """
    client = visible_client(request, client_id)
    instrument = find(payload.instrument)
    if instrument is None:
        raise Invalid(
            f"Unknown instrument; known: {', '.join(all_instruments())}.", field="instrument"
        )
    # Whether the caller answers this form at all comes first: a 403 says so before any 422
    # about the session or the answers could.
    services.check_respondent(client, user=request.user, instrument=instrument)
    session = session_named(client, payload.session_id)
    response, _ = services.submit_response(
        client,
        user=request.user,
        instrument=instrument,
        answers=_plain_answers(payload.answers),
        key=idempotency_key or uuid.uuid4().hex,
        session=session,
        request=request,
    )
    return Status(
        201, response_out(response) | {"crisis": crisis_for(client, instrument, response)}
    )


def crisis_for(client, instrument, response: Response) -> dict | None:
    """The clinic's crisis text when this response raised an urgent flag, else None."""
    urgent = {flag.id for flag in instrument.flags if flag.severity == "urgent"}
    if not urgent & set(response.flags or ()):
        return None
    return {"text": client.clinic.crisis_text}


def _plain_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Refuse anything but numbers and short texts before scoring, so that a message about a
    bad answer never echoes a large structure back."""
    errors = []
    for item, value in answers.items():
        if len(item) > MAX_ITEM_ID:
            errors.append((item[:MAX_ITEM_ID], "unknown item"))
        elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
            errors.append((item, "expected a number"))
        elif isinstance(value, str) and len(value) > MAX_TEXT_ANSWER:
            errors.append((item, "expected a number"))
    if errors:
        problems = [(f"answers.{item}", message) for item, message in errors]
        raise Invalid(problems[0][1], field=problems[0][0], problems=problems)
    return answers
