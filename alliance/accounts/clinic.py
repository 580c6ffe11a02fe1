"""The clinic's own words for a crisis: local numbers, hours, what to do.

Shown to a client at once whenever an answer raises a risk flag (the check-in page and the
API's reply to the submission), on their home page while a risk alert is open, and on the
"something isn't working" page. Only the clinic's administrators change it.
"""

import re

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from alliance.accounts.decorators import role_required
from alliance.accounts.models import Clinic, Role, User
from alliance.audit import services as audit
from alliance.errors import Invalid, NotAllowed
from alliance.posting import save_posted

CRISIS_MAX = 2000

# A run of digits with the spaces, dashes, dots and brackets people write numbers with, and an
# optional leading +: "0100 000 000", "+44 20 7946 0958", "(555) 123-4567", "116 123", "999".
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-]*\d(?![\w])")
MIN_DIGITS = 3


def check_crisis_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid(
            "Write what a client should do in a crisis: who to call and when.", field="crisis_text"
        )
    text = text.strip()
    if len(text) > CRISIS_MAX:
        raise Invalid(f"Keep it to {CRISIS_MAX} characters.", field="crisis_text")
    return text


def set_crisis_text(clinic: Clinic, *, user: User, text, request=None) -> Clinic:
    """Store the clinic's crisis text; its administrators only."""
    if user.role != Role.ADMIN or user.clinic_id != clinic.pk:
        raise NotAllowed("Only the clinic's administrators change its crisis text.")
    text = check_crisis_text(text)
    with transaction.atomic():
        clinic.crisis_text = text
        clinic.save(update_fields=["crisis_text"])
        audit.record(
            request,
            "update",
            audit.Target("Clinic", clinic.pk, clinic_id=clinic.pk),
            actor=user,
            detail="crisis text",
        )
    return clinic


def with_phone_links(text: str) -> SafeString:
    """The text, escaped, with each phone number a tap-to-call link and line breaks kept."""
    out, last = [], 0
    for match in PHONE.finditer(text or ""):
        number = match.group(0).strip(" .-")
        digits = re.sub(r"[^\d+]", "", number)
        if sum(ch.isdigit() for ch in digits) < MIN_DIGITS:
            continue
        start = match.start() + match.group(0).index(number)
        out.append(escape(text[last:start]))
        out.append(f'<a class="tel" href="tel:{digits}">{escape(number)}</a>')
        last = start + len(number)
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


class CrisisTextForm(forms.Form):
    crisis_text = forms.CharField(
        label="What a client should do in a crisis",
        max_length=CRISIS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Local emergency and crisis numbers, the clinic's hours, who answers out of hours. "
            "Clients see it at once when an answer suggests they may not be safe; phone "
            "numbers become tap-to-call links on their phones."
        ),
    )


@role_required(Role.ADMIN)
def clinic_settings(request):
    clinic = request.user.clinic
    form = CrisisTextForm(request.POST or None, initial={"crisis_text": clinic.crisis_text})
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: set_crisis_text(
                clinic, user=request.user, text=data["crisis_text"], request=request
            ),
        )
        if saved:
            messages.success(request, "The crisis text is saved.")
            return redirect("clinic_settings")
        status = 422
    context = {"form": form, "clinic": clinic, "preview": with_phone_links(clinic.crisis_text)}
    return render(request, "accounts/clinic_settings.html", context, status=status)
