"""The progress report as a PDF: an HTML template and a print stylesheet, set by WeasyPrint.

The report never fetches anything: every chart is inline SVG and the stylesheet is read from
this package, so a URL in someone's text cannot make the server reach out while rendering.
"""

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.journal import services as journal_services
from alliance.journal.models import JournalEntry
from alliance.notes import services as note_services
from alliance.notes.models import Note, NoteKind
from alliance.reports import progress
from alliance.reports.ranges import Period

STYLESHEET = Path(__file__).with_name("print.css")


@cache
def _fetcher():
    from weasyprint.urls import URLFetcher

    # No protocol allowed at all: nothing outside the document is ever loaded.
    return URLFetcher(allowed_protocols=frozenset(), timeout=1)


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def report_context(client: Client, user, period: Period, *, for_client: bool) -> dict:
    """Everything the report shows, read through each model's access rule.

    Psychotherapy notes are never part of a report, not even for their author, and the
    journal appears only as the entries the client chose to share.
    """
    picture = progress.build(client, user, period, for_client=for_client, for_record=not for_client)
    shared = JournalEntry.objects.visible_to(user).filter(client=client, shared=True)
    shared = list(period.filter_moment(shared, "created_at").order_by("created_at", "id"))
    notes = []
    if not for_client:
        visible = Note.objects.visible_to(user).filter(client=client, kind=NoteKind.PROGRESS)
        notes = list(
            period.filter_moment(visible, "created_at")
            .select_related("author", "session")
            .order_by("created_at", "id")
        )
    return {
        "client": client,
        "progress": picture,
        "period": period,
        "shared_entries": shared,
        "notes": notes,
        "for_client": for_client,
        "generated": timezone.localtime(),
        "prepared_by": user,
    }


def build_report(request, client: Client, period: Period, *, for_client: bool) -> bytes:
    """Render the report for `request.user` and record in the audit trail what it holds."""
    context = report_context(client, request.user, period, for_client=for_client)
    html = render_to_string("reports/report.html", context)
    pdf = render_pdf(html)
    targets = [
        audit.for_client(client),
        *(journal_services.target(entry, client) for entry in context["shared_entries"]),
        *(note_services.target(note, client) for note in context["notes"]),
    ]
    audit.record(request, "export", targets, detail=f"progress report PDF, {period.words()}")
    return pdf


def filename(client: Client, period: Period) -> str:
    stamp = timezone.localdate().isoformat()
    parts = ["progress", str(client.pk)]
    if period.start:
        parts.append(f"from-{period.start.isoformat()}")
    if period.end:
        parts.append(f"to-{period.end.isoformat()}")
    if period.is_open:
        parts.append(stamp)
    return "-".join(parts) + ".pdf"
