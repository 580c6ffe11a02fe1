"""The journal's parts of other pages: the gratitude prompt on the client's home page, and the
agenda, shared entries and notes on the counselor's client page."""

from django import template

from alliance.audit import services as audit
from alliance.journal import services
from alliance.journal.models import JOURNAL, JournalEntry
from alliance.notes import services as note_services
from alliance.notes.models import Note

register = template.Library()

RECENT = 5


@register.inclusion_tag("journal/_client_home.html")
def journal_prompt(client):
    return {"client": client, "due": services.gratitude_due(client)}


@register.inclusion_tag("journal/_client_detail.html", takes_context=True)
def journal_and_notes(context, client):
    request = context["request"]
    user = request.user
    reads_journal = JOURNAL.sees_any(user)
    agenda, recent, shared_count = [], [], 0
    if reads_journal:
        agenda = list(services.agenda(client, user=user))
        shared = JournalEntry.objects.visible_to(user).filter(client=client)
        shared_count = shared.count()
        recent = list(shared[:RECENT])
        read = [*agenda, *(e for e in recent if e not in agenda)]
        if read:
            targets = [services.target(e, client) for e in read]
            audit.record(request, "read", targets, detail="client page")
    notes = Note.objects.visible_to(user).filter(client=client).select_related("author")
    recent_notes = list(notes[:RECENT])
    if recent_notes:
        note_services.record_reads(request, notes=recent_notes, client=client)
    return {
        "client": client,
        "user": user,
        "writes_notes": client.is_own_counselor(user),
        "reads_journal": reads_journal,
        "agenda": agenda,
        "recent": recent,
        "shared_count": shared_count,
        "recent_notes": recent_notes,
        "notes_count": notes.count(),
    }
