"""The pages every agreed record has, written once: propose it, change it (meeting a newer
version on the way), agree to it, propose ending it and answer that proposal.

Records are reached through `visible_to` to read and `writable_by` to write: a supervisor who
opens a page that changes something gets the same 404 as for anything not theirs. A kind's pages
are a `RecordPages`: those that are the same for every kind are its views, those that differ
only in their form (propose, change) are called by the kind's views with the form and service.
Refusals reach the person as `alliance.errors` says: next to the field at fault, or above the
form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404
from alliance.agreement import services
from alliance.agreement.forms import AgreeForm, AnswerForm
from alliance.agreement.services import closed_message, other_side, targets
from alliance.audit import services as audit
from alliance.care.models import Client, Side
from alliance.errors import Conflict, ServiceError, show_on_form


def posted(request):
    """The submitted data, or None for a page load: an empty submission still gets errors."""
    return request.POST if request.method == "POST" else None


def reachable_client(request, client_id, *, write=False) -> Client:
    clients = Client.objects.writable_by if write else Client.objects.visible_to
    return get_visible_or_404(
        clients(request.user).select_related("user", "counselor", "clinic"), client_id
    )


def reachable(request, model, pk, *, write=False):
    """The record with what its pages show, if this person may read it (or write, `write`)."""
    records = model.objects.writable_by if write else model.objects.visible_to
    return get_visible_or_404(
        records(request.user).with_relations().select_related("client__user", "client__counselor"),
        pk,
    )


def side_names(client) -> dict[str, str]:
    return {Side.CLIENT: client.user.name, Side.COUNSELOR: client.counselor.name}


def other_name(user, client) -> str:
    """The name of the person on the other side from `user`, who is asked to answer."""
    return side_names(client)[other_side(client.side_of(user))]


def done_or_told(request, act):
    """What `act()` returns; when a service refuses, None, and the refusal is told as an error
    message on the page the caller goes back to."""
    try:
        return act()
    except ServiceError as error:
        messages.error(request, error.message)
        return None


def record_context(request, record, **more) -> dict:
    """What every agreed record's page shows about it and about who is looking."""
    client = record.client
    side = client.side_of(request.user)
    return {
        "client": client,
        record.noun: record,
        "side": side,
        "is_self": side == Side.CLIENT,
        "names": side_names(client),
        "latest_version": record.versions.select_related("author").order_by("-number").first(),
        "proposal": record.pending_end,
        **more,
    }


class RecordPages:
    """The pages of one kind of agreed record. Those that are the same for every kind are views,
    with their addresses under `<noun>s/<id>/` (`urls`): agree to it (`goal_agree`), propose
    ending it (`goal_close`, with the kind's `end_form` on its `end_template`) and answer that
    proposal (`goal_close_answer`). Those that differ only in their form (propose it, change
    it, on the kind's form `template`) are called by the kind's views: `proposing`, `editing`.
    """

    def __init__(self, model, *, template, end_form, end_template):
        self.model, self.noun, self.template = model, model.noun, template
        self.end_form, self.end_template = end_form, end_template

    def proposing(self, request, client, form, propose):
        """The page that proposes a new record: `propose(user, client, **form.changes(),
        request=…)` stores it from the valid form."""
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    record = propose(request.user, client, **form.changes(), request=request)
                except ServiceError as error:
                    show_on_form(form, error)
                else:
                    other = other_name(request.user, client)
                    messages.success(
                        request,
                        f"{self.noun.capitalize()} proposed. {other} is asked to agree to it.",
                    )
                    return redirect(record)
            status = 422
        audit.record(request, "read", audit.for_client(client), detail=f"new {self.noun} form")
        is_self = client.side_of(request.user) == Side.CLIENT
        context = {"client": client, "form": form, "is_self": is_self}
        return render(request, self.template, context, status=status)

    def editing(self, request, record, *, form, edit, saved: str, shown, template=None):
        """The page that changes a record into a new version (on the kind's form `template`, or
        `template`). `form(data)` builds the form, whose `changes()` `edit(user, record, version,
        **changes, request=…)` writes, returning the `Revision`; `saved` is said on success, with
        `{version}` and `{other}` filled in.

        Based on a version someone else replaced meanwhile, the page shows the newer one (`newer`,
        by the (label, text) lines `shown(newer)` gives) and keeps what this person wrote, now based
        on the version they were shown, so saving again is a decision made knowing what it
        replaces."""
        if not record.is_open:
            messages.error(request, closed_message(record))
            return redirect(record)

        def based_on_a_version(data):
            page = form(data)
            page.fields["version"].required = True
            return page

        page = based_on_a_version(posted(request))
        status, newer = 200, None
        if request.method == "POST":
            status = 422
            if page.is_valid():
                try:
                    version = page.cleaned_data["version"]
                    revision = edit(
                        request.user, record, version, **page.changes(), request=request
                    )
                except Conflict as conflict:
                    if not conflict.current.is_open:
                        messages.error(request, conflict.message)
                        return redirect(record)
                    newer = conflict.current
                    data = request.POST.copy()
                    data["version"] = str(newer.version)
                    page = based_on_a_version(data)
                    page.is_valid()
                    page.add_error(None, conflict.message)
                    status = 409
                except ServiceError as error:
                    show_on_form(page, error)
                else:
                    if revision.changed:
                        other = other_name(request.user, record.client)
                        messages.success(
                            request, saved.format(version=revision.record.version, other=other)
                        )
                    else:
                        messages.info(request, "Nothing was changed.")
                    return redirect(record)
        audit.record(request, "read", targets(record.client, record))
        context = {
            "client": record.client,
            record.noun: record,
            "form": page,
            "newer": newer,
            "newer_lines": [(label, text) for label, text in shown(newer) if text] if newer else [],
            "is_self": record.client.side_of(request.user) == Side.CLIENT,
        }
        return render(request, template or self.template, context, status=status)

    def urls(self, *, edit, detail=None) -> list:
        """The addresses of these pages, with the kind's own `edit` page (`goal_edit`) and,
        where the kind serves it, its `detail` page."""
        noun, verb = self.noun, self.model.end_relation().related_model.verb
        at = f"{noun}s/<int:{noun}_id>/"
        pages = [
            (f"{at}edit/", edit, f"{noun}_edit"),
            (f"{at}agree/", require_POST(login_required(self.agree)), f"{noun}_agree"),
            (f"{at}{verb}/", login_required(self.propose), f"{noun}_{verb}"),
            (
                f"{at}{verb}/answer/",
                require_POST(login_required(self.answer)),
                f"{noun}_{verb}_answer",
            ),
        ]
        if detail is not None:
            pages.insert(0, (at, detail, f"{noun}_detail"))
        return [path(route, view, name=name) for route, view, name in pages]

    def record(self, request, pk, *, write=False):
        """The record with what its pages show, if this person may read it (or write it)."""
        return reachable(request, self.model, pk, write=write)

    def _record(self, request, kwargs):
        return self.record(request, kwargs[f"{self.noun}_id"], write=True)

    def agree(self, request, **kwargs):
        """Agree to the version shown on the record's page (posted from there)."""
        record = self._record(request, kwargs)
        form = AgreeForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, f"Agree from the {self.noun}'s page, to the version shown there."
            )
            return redirect(record)
        version = form.cleaned_data["version"]
        current = done_or_told(
            request, lambda: services.agree(request.user, record, version, request=request)
        )
        if current is not None and current.is_mutual:
            messages.success(request, f"You both agree to this {self.noun} now.")
        elif current is not None:
            other = other_name(request.user, record.client)
            messages.success(request, f"You agreed. {other} is asked to agree too.")
        return redirect(record)

    def propose(self, request, **kwargs):
        """The page that proposes ending the record."""
        record = self._record(request, kwargs)
        if not record.is_open:
            messages.error(request, closed_message(record))
            return redirect(record)
        form = self.end_form(posted(request), initial={"version": record.version})
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    proposal = services.propose_end(
                        request.user, record, **form.cleaned_data, request=request
                    )
                except Conflict as conflict:
                    messages.error(request, conflict.message)
                    return redirect(record)
                except ServiceError as error:
                    show_on_form(form, error)
                else:
                    other = other_name(request.user, record.client)
                    messages.success(
                        request, f"{other} is asked to confirm {proposal.gerund} this {self.noun}."
                    )
                    return redirect(record)
            status = 422
        audit.record(request, "read", targets(record.client, record))
        context = {"client": record.client, self.noun: record, "form": form}
        return render(request, self.end_template, context, status=status)

    def answer(self, request, **kwargs):
        """Confirm, decline or withdraw the waiting proposal to end the record."""
        record = self._record(request, kwargs)
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"Confirm or decline from the {self.noun}'s page.")
            return redirect(record)
        accept, note = form.cleaned_data["accept"], form.cleaned_data["note"]
        current = done_or_told(
            request,
            lambda: services.answer_end(request.user, record, accept, note, request=request),
        )
        if current is not None and current.is_open:
            messages.success(request, f"The {self.noun} stays open.")
        elif current is not None:
            status = current.get_status_display().lower()
            messages.success(request, f"The {self.noun} is {status}.")
        return redirect(record)
