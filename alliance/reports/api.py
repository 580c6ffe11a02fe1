"""A client's progress over the API: the report as a PDF
(GET /api/v1/clients/{client_id}/report.pdf?from=&to=) and the outcome of their course of care
(GET /api/v1/clients/{client_id}/outcomes?from=&to=)."""

import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.measures.instruments import OUTCOME_FORMS
from alliance.reports import outcomes, pdf
from alliance.reports.ranges import MAX_LENGTH, Period

router = Router(tags=["reports"])

PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The report, as a PDF file.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/clients/{client_id}/report.pdf",
    summary="A progress report for a period, as a PDF",
    openapi_extra=PDF_RESPONSE,
)
def client_report_pdf(
    request,
    client_id: int,
    start: str | None = Query(None, alias="from", max_length=MAX_LENGTH),
    end: str | None = Query(None, alias="to", max_length=MAX_LENGTH),
):
    """Outcome and alliance charts, goal attainment, tasks and milestones from `from` to `to`
    (both YYYY-MM-DD, both optional and inclusive).

    The client receives their own copy; staff who may see the record receive the clinic's
    copy, which adds progress notes. Neither ever holds a psychotherapy note or a journal
    entry the client has not shared."""
    client = visible_client(request, client_id)
    period = Period.parse(start, end)
    for_client = client.is_own_record(request.user)
    document = pdf.build_report(request, client, period, for_client=for_client)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(client, period)}"'
    return response


class MeasuredSession(Schema):
    session_id: int
    date: datetime.date
    phq9: int | float
    gad7: int | float


class MeasureFacts(Schema):
    change: int | float
    reliable: str = Field(description='"improved", "deteriorated" or "no reliable change"')
    reliable_improvement: bool
    reliable_deterioration: bool
    cutoff: int | float
    in_clinical_range_first: bool
    in_clinical_range_last: bool


class OutcomeOut(Schema):
    client_id: int
    start: datetime.date | None = Field(alias="from")
    end: datetime.date | None = Field(alias="to")
    available: bool = Field(
        description="False with fewer than two measured sessions with both PHQ-9 and GAD-7 up "
        "to `to`: the definitions then do not hold, and every outcome field is null."
    )
    sessions_measured: int
    first: MeasuredSession | None
    last: MeasuredSession | None
    caseness_start: bool | None
    caseness_end: bool | None
    recovered: bool | None = Field(description="null when not a case at the start")
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None = Field(description="null when not a case at the start")
    measures: dict[str, MeasureFacts]


@router.get(
    "/clients/{client_id}/outcomes",
    response=OutcomeOut,
    by_alias=True,
    summary="The outcome of the client's course of care, by the NHS Talking Therapies definitions",
)
def client_outcomes(
    request,
    client_id: int,
    start: str | None = Query(None, alias="from", max_length=MAX_LENGTH),
    end: str | None = Query(None, alias="to", max_length=MAX_LENGTH),
):
    """The person's outcome over PHQ-9 and GAD-7 together, from the first measured session
    with both to the last one up to `to` (YYYY-MM-DD, inclusive; the latest when absent), with
    the dates and totals used and the facts about each questionnaire on its own.

    `from` never moves the baseline: change is always counted from the first measured session
    of the course of care. It is checked and echoed, so the same period can be asked of every
    report. `recovered` and `reliable_recovery` are null for a person who was not a case at the
    start (recovery does not apply to them). Same access as the client's record."""
    client = visible_client(request, client_id)
    period = Period.parse(start, end)
    found = outcomes.outcome(client, request.user, until=period.end)
    audit.record(request, "read", audit.for_client(client), detail=f"outcomes, {period.words()}")
    depression, anxiety = OUTCOME_FORMS
    return found | {
        "client_id": client.pk,
        "from": period.start,
        "to": period.end,
        "first": _session(found["first"], depression, anxiety),
        "last": _session(found["last"], depression, anxiety),
    }


def _session(end: dict | None, depression: str, anxiety: str) -> dict | None:
    if end is None:
        return None
    return {
        "session_id": end["session_id"],
        "date": end["date"],
        "phq9": end[depression],
        "gad7": end[anxiety],
    }
