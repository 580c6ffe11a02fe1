from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from alliance.access import get_visible_or_404, own_record
from alliance.accounts import services as people
from alliance.accounts.decorators import role_required
from alliance.accounts.forms import InviteClientForm
from alliance.accounts.models import Role
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.posting import save_posted


@login_required
def index(request):
    """Each role starts where its work is."""
    role = request.user.role
    if role == Role.CLIENT:
        return redirect("client_home")
    if role == Role.ADMIN:
        return redirect("people")
    return redirect("caseload")


@role_required(Role.COUNSELOR, Role.ADMIN)
def invite_client(request):
    form = InviteClientForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        saved, client = save_posted(
            form,
            lambda data: people.invite_client(
                request.user,
                email=data["email"],
                name=data["name"],
                counselor=data.get("counselor"),
                request=request,
            ),
        )
        if saved:
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
    client = own_record(request)
    audit.record(request, "read", audit.for_client(client))
    return render(request, "care/client_home.html", {"client": client})
