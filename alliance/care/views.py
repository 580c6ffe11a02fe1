from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from alliance.access import get_visible_or_404
from alliance.accounts import services as people
from alliance.accounts.decorators import role_required
from alliance.accounts.forms import InviteClientForm
from alliance.accounts.models import Role
from alliance.alerts.caseload import with_flags
from alliance.audit import services as audit
from alliance.care.models import Client, Session


@login_required
def index(request):
    """Each role starts where its work is."""
    role = request.user.role
    if role == Role.CLIENT:
        return redirect("client_home")
    if role == Role.ADMIN:
        return redirect("people")
    return redirect("caseload")


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def caseload(request):
    clients = list(
        Client.objects.visible_to(request.user)
        .select_related("user", "counselor")
        .annotate(last_session=Session.objects.last_attended_date())
        .order_by("user__name")
    )
    clients = with_flags(clients)  # most urgent first, each with its open alerts as flags
    audit.record(request, "list", [audit.for_client(c) for c in clients])
    context = {
        "clients": clients,
        "clinic_wide": request.user.is_clinic_wide,
        "any_sessions": any(c.last_session for c in clients),
    }
    return render(request, "care/caseload.html", context)


@role_required(Role.COUNSELOR, Role.ADMIN)
def invite_client(request):
    form = InviteClientForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client = people.invite_client(
                    request.user,
                    form.cleaned_data["email"],
                    form.cleaned_data["name"],
                    counselor=form.cleaned_data.get("counselor"),
                    request=request,
                )
            except people.PeopleError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, f"Invitation sent to {client.email}.")
                return redirect("client_detail", client_id=client.pk)
        status = 422
    return render(request, "care/invite_client.html", {"form": form}, status=status)


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def client_detail(request, client_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    audit.record(request, "read", audit.for_client(client))
    assignments = client.assignments.select_related("counselor", "assigned_by")
    return render(
        request, "care/client_detail.html", {"client": client, "assignments": assignments}
    )


@role_required(Role.CLIENT)
def client_home(request):
    client = Client.objects.visible_to(request.user).select_related("counselor").first()
    if client is None:
        raise Http404("Not found")
    audit.record(request, "read", audit.for_client(client))
    return render(request, "care/client_home.html", {"client": client})
