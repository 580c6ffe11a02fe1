"""Check-in pages: the client's forms and history, the counselor's form, schedule and history."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from alliance.access import get_visible_or_404, own_record
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client
from alliance.errors import Conflict, ServiceError, show_on_form
from alliance.measures import history, services
from alliance.measures.forms import CheckInForm, ScheduleForm
from alliance.measures.instruments import (
    CLIENT,
    COUNSELOR,
    client_heading,
    find,
    plain_name,
    plain_title,
    title,
)
from alliance.measures.lock import shows_items_to
from alliance.measures.models import Response
from alliance.posting import save_posted

HISTORY_LIMIT = 500


def names(client: Client) -> dict:
    return {"counselor": client.counselor.name, "client": client.name}


def draft_key(code: str, client: Client, session_id: int | None) -> str:
    # Per session too, so a draft left from last week's form never fills in this week's.
    return f"checkin:{code}:{client.pk}:{session_id or 'none'}"


def form_session(request, client: Client):
    """The attended session a form is answered for, from `?session=` or the posted field."""
    raw = request.POST.get("session") if request.method == "POST" else request.GET.get("session")
    if not raw:
        return None
    return get_visible_or_404(client.sessions.filter(attendance=Attendance.ATTENDED), raw)


def answer_form(request, client: Client, code: str, respondent: str, done_url):
    """Show and take one form; shared by the client's and the counselor's pages."""
    instrument = find(code)
    if instrument is None or instrument.respondent != respondent:
        raise Http404("Not found")
    session = form_session(request, client)
    if session is not None and request.method == "GET":
        answered = Response.objects.filter(session=session, instrument=code).first()
        if answered is not None:
            messages.info(request, "This check-in was already answered for that session.")
            return redirect(*done_url(answered))
    form = CheckInForm(
        instrument, request.POST if request.method == "POST" else None, **names(client)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                response, created = services.submit_response(
                    client,
                    user=request.user,
                    instrument=instrument,
                    answers=form.answers,
                    key=form.key,
                    session=session,
                    request=request,
                )
            except Conflict as error:
                messages.info(request, "This check-in was already answered for that session.")
                return redirect(*done_url(error.current))
            except ServiceError as error:
                if error.field == "idempotency_key":
                    # A key from an older form: these answers are new, so they get a new key.
                    form.key = uuid.uuid4().hex
                    form.add_error(None, "Check your answers, then save them again.")
                else:
                    show_on_form(form, error)
            else:
                if created:
                    messages.success(request, "Thank you. Your answers are saved.")
                return redirect(*done_url(response))
        status = 422
    if request.method == "GET":
        audit.record(request, "read", audit.for_client(client), detail=f"check-in form {code}")
    context = {
        "client": client,
        "form": form,
        "instrument": instrument,
        "session": session,
        "draft_key": draft_key(code, client, session.pk if session else None),
        "for_client": respondent == CLIENT,
        "heading": plain_title(instrument) if respondent == CLIENT else title(instrument),
        "source_name": plain_name(instrument) if respondent == CLIENT else instrument.name,
        "error_count": len(form.errors),
    }
    return render(request, "measures/checkin_form.html", context, status=status)


@role_required(Role.CLIENT)
def client_checkin(request, code):
    client = own_record(request)
    return answer_form(
        request,
        client,
        code,
        CLIENT,
        lambda response: ("client_response", response.pk),
    )


@role_required(Role.COUNSELOR)
def counselor_checkin(request, client_id, code):
    client = get_visible_or_404(
        Client.objects.writable_by(request.user).select_related("user", "counselor"), client_id
    )
    return answer_form(
        request,
        client,
        code,
        COUNSELOR,
        lambda response: ("response_detail", client.pk, response.pk),
    )


def response_page(request, client: Client, response: Response, template: str, for_client: bool):
    instrument = find(response.instrument)
    if instrument is None:
        heading = response.instrument
    elif for_client:
        heading = client_heading(instrument, client.counselor.name)
    else:
        heading = title(instrument)
    audit.record(request, "read", audit.for_object(response, client))
    shown = names(client)
    visible = Response.objects.visible_to(request.user).filter(client=client)
    context = {
        "client": client,
        "response": response,
        "instrument": instrument,
        "title": heading,
        "answers": history.answer_rows(instrument, response, shown) if instrument else [],
        "urgent": history.urgent_flags(instrument, response.flags),
        "flags": [f for f in instrument.flags if f.id in response.flags] if instrument else [],
        "comparison": history.comparison(instrument, response, shown, among=visible)
        if instrument
        else None,
        "draft_key": draft_key(response.instrument, client, response.session_id),
        "for_client": for_client,
        "source_name": (plain_name(instrument) if for_client else instrument.name)
        if instrument
        else response.instrument,
        "show_items": not for_client or shows_items_to(client),
    }
    return render(request, template, context)


def visible_response(request, client: Client, response_id) -> Response:
    return get_visible_or_404(
        Response.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("session", "respondent"),
        response_id,
    )


@role_required(Role.CLIENT)
def client_response(request, response_id):
    client = own_record(request)
    response = visible_response(request, client, response_id)
    return response_page(request, client, response, "measures/client_response.html", True)


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def response_detail(request, client_id, response_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor", "clinic"),
        client_id,
    )
    response = visible_response(request, client, response_id)
    return response_page(request, client, response, "measures/response_detail.html", False)


def history_context(request, client: Client, for_client: bool) -> dict:
    visible = Response.objects.visible_to(request.user).filter(client=client)
    responses = list(visible.select_related("session")[:HISTORY_LIMIT])
    reader = client.counselor.name if for_client else None
    return {
        "client": client,
        "tables": history.tables(responses, for_client_of=reader),
        "limit": HISTORY_LIMIT,
    }


@role_required(Role.CLIENT)
def client_progress(request):
    client = own_record(request)
    context = history_context(request, client, for_client=True)
    context["due"] = services.due_checkins(client, CLIENT)
    audit.record(request, "read", audit.for_client(client), detail="check-in history")
    return render(request, "measures/client_progress.html", context)


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def client_checkins(request, client_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    context = history_context(request, client, for_client=False)
    audit.record(request, "read", audit.for_client(client), detail="check-in history")
    return render(request, "measures/client_checkins.html", context)


@role_required(Role.COUNSELOR)
def checkin_schedule(request, client_id):
    client = get_visible_or_404(
        Client.objects.writable_by(request.user).select_related("user", "counselor"), client_id
    )
    schedule = services.schedule_for(client)
    form = ScheduleForm(request.POST or None, schedule=schedule)
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: services.set_schedule(
                client, user=request.user, intervals=form.intervals(), request=request
            ),
        )
        if saved:
            messages.success(request, f"Check-ins for {client.name} updated.")
            return redirect("client_detail", client_id=client.pk)
        status = 422
    else:
        audit.record(request, "read", audit.for_client(client), detail="check-in schedule")
    return render(
        request, "measures/schedule.html", {"client": client, "form": form}, status=status
    )
