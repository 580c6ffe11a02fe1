"""The notes page for a client: the counselor writes, the clinic's leads read progress notes,
and each psychotherapy note is shown to its author alone."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format

from alliance.access import get_visible_or_404
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.care.models import Client
from alliance.errors import ServiceError
from alliance.notes import services
from alliance.notes.models import KINDS, MAX_TEXT_LENGTH, Note, NoteKind
from alliance.posting import save_posted

PER_PAGE = 20
SESSIONS_OFFERED = 100

KIND_HELP = {
    NoteKind.PROGRESS: "Part of the clinic's record: supervisors and administrators can read it; "
    "the client does not see it.",
    NoteKind.PSYCHOTHERAPY: "Your own working notes: only you can ever read them. They are "
    "kept out of the record, exports and reports.",
}


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{date_format(session.date, 'D j M Y')} ({session.get_attendance_display()})"


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of note",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        initial=NoteKind.PROGRESS,
        error_messages={
            "required": "Choose the kind of note.",
            "invalid_choice": "Choose a progress note or a psychotherapy note.",
        },
    )
    session = SessionChoice(
        label="Session",
        queryset=None,
        required=False,
        empty_label="Not about one session",
        error_messages={"invalid_choice": "Choose one of this client's sessions."},
    )
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_TEXT_LENGTH}),
        help_text=f"Up to {MAX_TEXT_LENGTH:,} characters. A saved note is not edited; "
        "write a new note to correct it.",
        error_messages={"required": "Write the note before saving."},
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, client: Client, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        ids = client.sessions.order_by("-date", "-id").values_list("pk", flat=True)[
            :SESSIONS_OFFERED
        ]
        self.fields["session"].queryset = client.sessions.filter(pk__in=list(ids)).order_by(
            "-date", "-id"
        )

    def clean_text(self):
        try:
            return services.clean_text(self.cleaned_data["text"])
        except ServiceError as error:
            raise forms.ValidationError(error.message)

    def kinds(self):
        return [(choice, KIND_HELP[NoteKind(choice.data["value"])]) for choice in self["kind"]]


@role_required(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
def client_notes(request, client_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    user = request.user
    can_write = KINDS[NoteKind.PROGRESS].can_write(user, client)
    if request.method == "POST" and not can_write:
        raise PermissionDenied("Only the client's counselor writes notes in their record.")
    form = NoteForm(request.POST or None, client=client) if can_write else None
    status = 200
    if request.method == "POST":
        # The form's fields are named as the service's arguments (kind, session, text, key).
        saved, written = save_posted(
            form, lambda data: services.write_note(client, user=user, request=request, **data)
        )
        if saved:
            note, _ = written
            messages.success(request, f"{note.get_kind_display()} saved.")
            return redirect("client_notes", client_id=client.pk)
        status = 422
    notes = Note.objects.visible_to(user).filter(client=client).select_related("author", "session")
    progress = Paginator(notes.filter(kind=NoteKind.PROGRESS), PER_PAGE).get_page(
        request.GET.get("page")
    )
    own = Paginator(notes.filter(kind=NoteKind.PSYCHOTHERAPY), PER_PAGE).get_page(
        request.GET.get("own_page")
    )
    services.record_reads(request, notes=[*progress.object_list, *own.object_list], client=client)
    context = {
        "client": client,
        "form": form,
        "progress": progress,
        "own": own,
        "shows_psychotherapy": KINDS[NoteKind.PSYCHOTHERAPY].sees_any(user),
    }
    return render(request, "notes/client_notes.html", context, status=status)
