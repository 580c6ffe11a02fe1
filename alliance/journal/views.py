"""The client's journal, the counselor's read-only view of what is shared, and the client's
"Who sees my data" page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404, own_record
from alliance.accounts import privacy
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role, User
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.journal import services
from alliance.journal.forms import EntryEditForm, EntryForm, kind_choices_with_help
from alliance.journal.models import JOURNAL, JournalEntry, Kind
from alliance.listing import record_shown
from alliance.posting import save_posted

PER_PAGE = 20


def own_entry(request, entry_id) -> JournalEntry:
    return get_visible_or_404(
        JournalEntry.objects.writable_by(request.user).select_related(
            "client__counselor", "client__clinic"
        ),
        entry_id,
    )


def shown(request, entries, client, action="list", detail="journal"):
    record_shown(request, client, entries, target=services.target, action=action, detail=detail)


@role_required(Role.CLIENT)
def journal(request):
    client = own_record(request)
    initial = {}
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    form = EntryForm(request.POST or None, initial=initial, counselor_name=client.counselor.name)
    status = 200
    if request.method == "POST":
        # The form's fields are named as the service's arguments (kind, text, shared, key).
        saved, written = save_posted(
            form,
            lambda data: services.write_entry(client, user=request.user, request=request, **data),
        )
        if saved:
            entry, _ = written
            if entry.shared:
                messages.success(request, f"Saved and shared with {client.counselor.name}.")
            else:
                messages.success(request, "Saved. Only you can see it.")
            return redirect("journal")
        status = 422
    show = request.GET.get("show") if request.GET.get("show") in Kind.values else ""
    entries = JournalEntry.objects.visible_to(request.user).filter(client=client)
    if show:
        entries = entries.filter(kind=show)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    shown(request, page.object_list, client)
    context = {
        "client": client,
        "form": form,
        "kinds": kind_choices_with_help(form),
        "page": page,
        "show": show,
        "page_query": f"show={show}" if show else "",
        "filters": Kind.choices,
        "due": services.gratitude_due(client),
    }
    return render(request, "journal/journal.html", context, status=status)


@role_required(Role.CLIENT)
def journal_entry(request, entry_id):
    entry = own_entry(request, entry_id)
    client = entry.client
    form = EntryEditForm(request.POST or None, initial={"kind": entry.kind, "text": entry.text})
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: services.update_entry(
                entry, user=request.user, kind=data["kind"], text=data["text"], request=request
            ),
        )
        if saved:
            messages.success(request, "Entry saved.")
            return redirect("journal_entry", entry_id=entry.pk)
        status = 422
    else:
        audit.record(request, "read", services.target(entry, client))
    context = {
        "entry": entry,
        "client": client,
        "form": form,
        "kinds": kind_choices_with_help(form),
    }
    return render(request, "journal/entry.html", context, status=status)


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@role_required(Role.CLIENT)
def journal_share(request, entry_id):
    entry = own_entry(request, entry_id)
    share = request.POST.get("shared") == "1"
    services.update_entry(entry, user=request.user, shared=share, request=request)
    counselor = entry.client.counselor.name
    if share:
        messages.success(request, f"Shared with {counselor}. They can read it but not change it.")
    else:
        messages.success(request, f"No longer shared. Only you can see it; {counselor} cannot.")
    return redirect(_next(request, reverse("journal_entry", args=[entry.pk])))


@role_required(Role.CLIENT)
def journal_delete(request, entry_id):
    entry = own_entry(request, entry_id)
    if request.method == "POST":
        services.delete_entry(entry, user=request.user, request=request)
        messages.success(request, "Entry deleted.")
        return redirect("journal")
    audit.record(request, "read", services.target(entry, entry.client))
    return render(request, "journal/delete.html", {"entry": entry})


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def client_journal(request, client_id):
    """The entries a client has shared, read-only, for whoever the journal rule lets see them."""
    if not JOURNAL.sees_any(request.user):
        raise Http404("Not found")
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    entries = JournalEntry.objects.visible_to(request.user).filter(client=client)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    agenda = list(services.agenda(client, user=request.user))
    shown(request, [*agenda, *(e for e in page.object_list if e not in agenda)], client)
    context = {"client": client, "page": page, "agenda": agenda}
    return render(request, "journal/client_journal.html", context)


def clinic_leads(client: Client) -> list[str]:
    return list(
        User.objects.filter(
            clinic_id=client.clinic_id,
            role__in=[Role.SUPERVISOR, Role.ADMIN],
            is_active=True,
        )
        .order_by("name")
        .values_list("name", flat=True)
    )


def audience_names(client: Client) -> dict[privacy.Audience, str]:
    """How each audience is named to this client."""
    return {
        privacy.Audience.YOU: "You",
        privacy.Audience.COUNSELOR: f"Your counselor, {client.counselor.name}",
        privacy.Audience.CLINIC: f"{client.clinic.name}'s supervisors and administrators",
    }


@role_required(Role.CLIENT)
def who_sees_what(request):
    client = own_record(request)
    names = audience_names(client)
    kinds = []
    for kind in privacy.kinds():
        kind = kind.for_client(client)
        statements = [
            {
                "audience": names[audience],
                # "Your counselor, Maya Chen, can see …": the name is set off by commas.
                "aside": audience == privacy.Audience.COUNSELOR,
                "sees": words,
            }
            for audience, words in kind.statements()
        ]
        kinds.append({"kind": kind, "statements": statements})
    entries = JournalEntry.objects.visible_to(request.user).filter(client=client)
    shared = list(entries.filter(shared=True))
    private_count = entries.filter(shared=False).count()
    audit.record(request, "read", audit.for_client(client), detail="who sees what")
    if shared:
        shown(request, shared, client, action="read", detail="who sees what")
    context = {
        "client": client,
        "kinds": kinds,
        "leads": clinic_leads(client),
        "shared": shared,
        "private_count": private_count,
    }
    return render(request, "journal/who_sees_what.html", context)
