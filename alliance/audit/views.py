from django.core.paginator import Paginator
from django.shortcuts import render

from alliance.access import get_visible_or_404
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.audit import services as audit
from alliance.audit.models import AuditEvent
from alliance.care.models import Client


@role_required(Role.ADMIN)
def client_audit(request, client_id):
    client = get_visible_or_404(Client.objects.visible_to(request.user), client_id)
    # Recorded before the page is counted, so this read is listed with the rest.
    audit.record(
        request, "read", audit.Target("AuditTrail", client.pk, client.pk, client.clinic_id)
    )
    events = AuditEvent.objects.visible_to(request.user).filter(client_id=client.pk).order_by("-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/client_audit.html", {"client": client, "page": page})
