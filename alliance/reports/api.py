"""The progress report as a PDF: GET /api/v1/clients/{client_id}/report.pdf?from=&to=."""

from django.http import HttpResponse
from ninja import Query, Router

from alliance.care.api import visible_client
from alliance.reports import pdf
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
