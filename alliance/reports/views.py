"""Progress pages (the client's own and the counselor's), the timeline and the PDF report."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.access import get_visible_or_404, own_record
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.reports import pdf, progress, timeline
from alliance.reports.ranges import Period, PeriodForm, period_from_request

STAFF = (Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
TIMELINE_DAYS = 91


def staff_record(request, client_id) -> Client:
    return get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor", "clinic"),
        client_id,
    )


def progress_page(request, client: Client, *, for_client: bool, form=None, usable=True):
    if form is None:
        form, usable = period_from_request(request)
    period = form.period if usable else Period()
    picture = progress.build(client, request.user, period, for_client=for_client)
    audit.record(request, "read", audit.for_client(client), detail=f"progress, {period.words()}")
    context = {
        "client": client,
        "progress": picture,
        "form": form,
        "period": period,
        "for_client": for_client,
    }
    template = "reports/my_progress.html" if for_client else "reports/client_progress.html"
    return render(request, template, context, status=200 if usable else 422)


def pdf_response(request, client: Client, *, for_client: bool):
    form, usable = period_from_request(request)
    if not usable:
        # The page shows why, beside the date at fault, with the dates as typed.
        return progress_page(request, client, for_client=for_client, form=form, usable=False)
    document = pdf.build_report(request, client, form.period, for_client=for_client)
    response = HttpResponse(document, content_type="application/pdf")
    name = pdf.filename(client, form.period)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.CLIENT)
def my_progress(request):
    return progress_page(request, own_record(request), for_client=True)


@role_required(Role.CLIENT)
def my_progress_report(request):
    return pdf_response(request, own_record(request), for_client=True)


@role_required(*STAFF)
def client_progress_charts(request, client_id):
    return progress_page(request, staff_record(request, client_id), for_client=False)


@role_required(*STAFF)
def client_report(request, client_id):
    return pdf_response(request, staff_record(request, client_id), for_client=False)


@role_required(*STAFF)
def client_timeline(request, client_id):
    client = staff_record(request, client_id)
    form, usable = period_from_request(request)
    today = timezone.localdate()
    if usable and form.is_bound:
        period = form.period
    else:
        period = Period(today - datetime.timedelta(days=TIMELINE_DAYS - 1), today)
        if not form.is_bound:
            form = PeriodForm(initial={"from": period.start, "to": period.end})
    found = timeline.build(client, request.user, period)
    audit.record(request, "read", found.targets, detail=f"timeline, {period.words()}")
    earlier = None
    if period.start and period.start.year > 1900:
        span = (period.end or today) - period.start
        end = period.start - datetime.timedelta(days=1)
        earlier = Period(max(end - span, datetime.date(1900, 1, 1)), end)
    context = {
        "client": client,
        "form": form,
        "period": period,
        "timeline": found,
        "earlier": earlier,
        "is_author_view": request.user.is_counselor,
    }
    return render(request, "reports/timeline.html", context, status=200 if usable else 422)
