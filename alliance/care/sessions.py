"""Pages for a client's sessions: the list, and the counselor's form to record one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from alliance.access import get_visible_or_404
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.audit import services as audit
from alliance.care import services
from alliance.care.models import Attendance, Client
from alliance.errors import ServiceError, show_on_form

SESSIONS_SHOWN = 200


class SessionForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attendance = forms.ChoiceField(
        label="Did the session take place?",
        choices=Attendance.choices,
        initial=Attendance.ATTENDED,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        min_value=1,
        max_value=services.MAX_DURATION_MINUTES,
        help_text="Leave empty for a cancelled or missed session.",
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_session(
                data["date"],
                attendance=data["attendance"],
                duration_minutes=data["duration_minutes"],
            )
        except ServiceError as error:
            show_on_form(self, error)
        return data


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def client_sessions(request, client_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    can_record = client.is_own_counselor(request.user)
    if request.method == "POST" and not can_record:
        raise PermissionDenied("Only the client's counselor records their sessions.")
    form = SessionForm(
        request.POST or None,
        initial={"date": timezone.localdate(), "duration_minutes": 50},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.record_session(
                    client, by=request.user, request=request, **form.cleaned_data
                )
            except ServiceError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request, f"Session on {date_format(session.date, 'j F Y')} recorded."
                )
                return redirect("client_sessions", client_id=client.pk)
        status = 422
    sessions = list(client.sessions.select_related("counselor")[:SESSIONS_SHOWN])
    audit.record(request, "read", audit.for_client(client), detail="sessions")
    context = {"client": client, "sessions": sessions, "form": form, "can_record": can_record}
    return render(request, "care/client_sessions.html", context, status=status)
