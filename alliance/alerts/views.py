"""Pages: the alerts inbox, one alert with its repair form, a client's two views and alert
history, the client's own view of the comparison, "something isn't working", and the clinic's
alert settings."""

import uuid
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404, own_record
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.alerts import actions, comparison, thresholds
from alliance.alerts.caseload import with_flags
from alliance.alerts.families import ACTION_NOUNS, OUTCOME, RISK, family
from alliance.alerts.forms import ConcernForm, RepairForm, SettingsForm
from alliance.alerts.models import CLOSED_STATUSES, SEVERITY_RANK, Alert, Concern, Status
from alliance.alerts.presenting import concern_of, suggestions, title
from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.errors import ServiceError
from alliance.measures import services as measures
from alliance.measures.instruments import ALLIANCE_FORM, PREDICTION_FORM, find, short_name
from alliance.measures.lock import locked_sessions, shows_items_to
from alliance.posting import save_posted

STAFF = (Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
INBOX_LIMIT = 300
CLOSED_LIMIT = 100
ACTION_PAGES = {
    "goals": "goal_list",
    "tasks": "task_list",
    "checkins": "checkin_schedule",
    "comparison": "client_alliance",
}

SEVERITY_ORDER = Case(
    *[When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()],
    output_field=IntegerField(),
)


def _alerts(user):
    return Alert.objects.visible_to(user).select_related("client__user", "client__counselor")


@role_required(*STAFF)
def caseload(request):
    """The clients a person sees, most urgent first, each with their open alerts as flags."""
    clients = list(
        Client.objects.visible_to(request.user)
        .select_related("user", "counselor")
        .annotate(last_session=Session.objects.last_attended_date())
        .order_by("user__name")
    )
    clients = with_flags(clients)
    audit.record(request, "list", [audit.for_client(c) for c in clients])
    context = {
        "clients": clients,
        "clinic_wide": request.user.is_clinic_wide,
        "any_sessions": any(c.last_session for c in clients),
    }
    return render(request, "alerts/caseload.html", context)


@role_required(*STAFF)
def inbox(request):
    show = "closed" if request.GET.get("show") == "closed" else "active"
    alerts = _alerts(request.user)
    client = None
    if request.GET.get("client"):
        client = get_visible_or_404(Client.objects.visible_to(request.user), request.GET["client"])
        alerts = alerts.filter(client=client)
    if show == "active":
        alerts = list(alerts.active().order_by(SEVERITY_ORDER, "-created_at", "-pk")[:INBOX_LIMIT])
    else:
        alerts = list(
            alerts.filter(status__in=CLOSED_STATUSES).order_by("-closed_at", "-pk")[:CLOSED_LIMIT]
        )
    audit.record(request, "list", [audit.for_object(a, a.client) for a in alerts])
    for alert in alerts:
        alert.title = title(alert.rule, alert.subject)
    context = {
        "alerts": alerts,
        "show": show,
        "client": client,
        "clinic_wide": request.user.is_clinic_wide,
        "urgent": sum(1 for a in alerts if a.severity == "urgent" and a.is_active),
    }
    return render(request, "alerts/inbox.html", context)


def _detail_context(request, alert, form=None):
    user = request.user
    withheld = comparison.withheld_for(user, [alert])
    evidence = comparison.evidence_for(alert, withheld)
    steps = suggestions(alert)
    can_write = actions.can_repair(user, alert)
    for step in steps:
        step["url"] = _action_url(step["action"], alert.client)
        # A goal step leads straight to asking to revisit each open goal, for the counselor.
        step["goals"] = (
            _revisit_links(alert.client) if step["action"] == "goals" and can_write else []
        )
    kind = family(alert.rule)
    return {
        "alert": alert,
        "title": title(alert.rule, alert.subject),
        "client": alert.client,
        "evidence": evidence,
        "tables": [] if evidence.get("locked") else evidence_tables(alert, evidence),
        "suggestions": steps,
        "history": _history(alert, comparison.follow_ups_for(alert, withheld)),
        "can_acknowledge": actions.can_act(user, alert) and alert.status == Status.OPEN,
        "can_repair": can_write and actions.accepts_actions(alert),
        "action_noun": ACTION_NOUNS[kind],
        "reviewed_family": kind in (OUTCOME, RISK),
        "form": form or RepairForm(rule=alert.rule),
        "predict_url": _predict_url(alert.client) if evidence.get("locked") else None,
    }


@role_required(*STAFF)
def alert_detail(request, alert_id):
    alert = get_visible_or_404(_alerts(request.user), alert_id)
    targets = [audit.for_object(alert, alert.client)]
    concern = concern_of(alert)
    if concern is not None:
        targets.append(audit.for_object(concern, alert.client))
    audit.record(request, "read", targets)
    return render(request, "alerts/alert_detail.html", _detail_context(request, alert))


@require_POST
@role_required(*STAFF)
def alert_acknowledge(request, alert_id):
    alert = get_visible_or_404(_alerts(request.user), alert_id)
    try:
        actions.acknowledge(alert, user=request.user, request=request)
    except ServiceError as error:
        raise PermissionDenied(error.message)
    messages.success(request, "Alert acknowledged.")
    return redirect("alert_detail", alert_id=alert.pk)


@require_POST
@role_required(*STAFF)
def alert_repair(request, alert_id):
    alert = get_visible_or_404(_alerts(request.user), alert_id)
    if not actions.can_repair(request.user, alert):
        raise PermissionDenied("Only the client's counselor records a repair.")
    form = RepairForm(request.POST, rule=alert.rule)
    saved, _ = save_posted(
        form,
        lambda data: actions.record_repair(
            alert, user=request.user, kind=data["kind"], note=data["note"], request=request
        ),
    )
    if saved:
        if family(alert.rule) in (OUTCOME, RISK):
            done = f"{ACTION_NOUNS[family(alert.rule)].capitalize()} recorded."
        else:
            done = (
                f"Repair recorded. {alert.client.name}'s next check-in will show whether it held."
            )
        messages.success(request, done)
        return redirect("alert_detail", alert_id=alert.pk)
    audit.record(request, "read", audit.for_object(alert, alert.client))
    context = _detail_context(request, alert, form)
    return render(request, "alerts/alert_detail.html", context, status=422)


@role_required(*STAFF)
def client_alliance(request, client_id):
    client = get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )
    audit.record(request, "read", audit.for_client(client), detail="alliance and alerts")
    sessions = comparison.sessions_compared(client, reader=request.user, audience="counselor")
    locked = sorted(
        Session.objects.filter(pk__in=locked_sessions(request.user, client)),
        key=lambda s: s.date,
    )
    alerts = list(client.alerts.order_by("-created_at", "-pk"))
    for alert in alerts:
        alert.title = title(alert.rule, alert.subject)
    context = {
        "client": client,
        "sessions": list(reversed(sessions)),
        "latest": sessions[-1] if sessions else None,
        "locked": locked,
        "predict_url": _predict_url(client),
        "alerts": alerts,
        "shown_to_client": comparison.shown_to_client(client),
        "shows_items": shows_items_to(client),
        "parts": comparison.PARTS,
    }
    return render(request, "alerts/client_alliance.html", context)


@require_POST
@role_required(*STAFF)
def comparison_items_choice(request, client_id):
    """Show this client the comparison statement by statement, or keep it from them."""
    client = get_visible_or_404(Client.objects.visible_to(request.user), client_id)
    show = request.POST.get("show_items_to_client")
    if show not in ("yes", "no"):
        messages.error(request, "Choose whether to show the statements or keep them back.")
        return redirect("client_alliance", client_id=client.pk)
    try:
        measures.set_comparison_choice(
            client, user=request.user, show_items=show == "yes", request=request
        )
    except ServiceError as error:
        raise PermissionDenied(error.message) from error
    messages.success(
        request,
        f"{client.name} sees the statements too."
        if show == "yes"
        else f"The statements are kept from {client.name}; they see the parts only.",
    )
    return redirect("client_alliance", client_id=client.pk)


@require_POST
@role_required(Role.COUNSELOR)
def skip_prediction(request, client_id, session_id):
    client = get_visible_or_404(Client.objects.visible_to(request.user), client_id)
    session = get_visible_or_404(Session.objects.filter(client=client), session_id)
    try:
        measures.skip_prediction(session, user=request.user, request=request)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You can now see {client.name}'s answers for that session.")
    return redirect("client_alliance", client_id=client.pk)


@role_required(Role.CLIENT)
def my_alliance(request):
    client = own_record(request)
    if not comparison.can_see_comparison(request.user, client):
        raise Http404("Not found")
    audit.record(request, "read", audit.for_client(client), detail="alliance comparison")
    sessions = comparison.sessions_compared(client, reader=request.user, audience="client")
    context = {
        "client": client,
        "sessions": list(reversed(sessions)),
        "latest": sessions[-1] if sessions else None,
        "counselor_first": comparison.first_name(client.counselor.name),
        "parts": comparison.PARTS,
    }
    return render(request, "alerts/my_alliance.html", context)


@role_required(Role.CLIENT)
def raise_concern(request):
    client = own_record(request)
    form = ConcernForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: actions.raise_concern(
                client, user=request.user, text=data["text"], key=data["key"], request=request
            ),
        )
        if saved:
            first = comparison.first_name(client.counselor.name)
            messages.success(
                request,
                f"Thank you for saying so. {first} will see this in their alerts, with your "
                "words if you wrote any.",
            )
            return redirect("client_home")
        status = 422
    concerns = list(Concern.objects.filter(client=client)[:20])
    audit.record(request, "read", audit.for_client(client), detail="concerns")
    context = {"client": client, "form": form, "concerns": concerns}
    return render(request, "alerts/raise_concern.html", context, status=status)


@role_required(Role.SUPERVISOR, Role.ADMIN)
def alert_settings(request):
    clinic = request.user.clinic
    saved = thresholds.clinic_settings(clinic.pk)
    form = SettingsForm(request.POST or None, saved=saved)
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: thresholds.save_settings(
                clinic,
                user=request.user,
                thresholds=form.overrides(),
                show_comparison_to_clients=data["show_comparison_to_clients"],
                request=request,
            ),
        )
        if saved:
            messages.success(request, "Alert settings saved.")
            return redirect("alert_settings")
        status = 422
    return render(request, "alerts/settings.html", {"form": form}, status=status)


# --- Helpers ------------------------------------------------------------------------------


def _history(alert, follow_ups: list[dict]) -> list[dict]:
    """What was recorded and what later observations showed, in the order they happened."""
    entries = [
        {"at": repair.created_at, "repair": repair}
        for repair in alert.repairs.select_related("recorded_by")
    ]
    for entry in follow_ups:
        entries.append(
            {
                "at": datetime.fromisoformat(entry["at"]),
                "follow_up": entry,
                "words": follow_up_words(alert, entry),
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])


def follow_up_words(alert, entry: dict) -> str:
    """A follow-up in words true to the alert's rule. Outcome and risk follow-ups state the
    facts they recorded; alliance and behaviour ones say whether the measure is back."""
    details = entry.get("details") or {}
    status = entry.get("status")
    kind = family(alert.rule)
    if kind in (OUTCOME, RISK):
        return details.get("summary", "")
    unrepaired = "" if entry.get("repaired") else ", with no repair recorded"
    if kind == "behaviour":
        if status == Status.RECOVERED:
            return f"back on track{unrepaired}."
        return f"not back on track yet{unrepaired}."
    if status == Status.RECOVERED:
        return f"back at the earlier level{unrepaired}."
    words = f"not back at the earlier level yet{unrepaired}."
    new = details.get("new") or {}
    if new and not details.get("locked"):
        words += " New at this check-in: " + " ".join(
            finding.get("summary", "") for finding in new.values()
        )
    return words


def _revisit_links(client) -> list[dict]:
    from alliance.goals.models import OPEN_STATUSES, Goal

    links = []
    for goal in Goal.objects.filter(client=client, status__in=OPEN_STATUSES):
        try:
            url = reverse("goal_revisit", kwargs={"goal_id": goal.pk})
        except NoReverseMatch:
            return []
        links.append({"text": goal.text, "url": url})
    return links


def _action_url(action, client):
    if action not in ACTION_PAGES:
        return None
    try:
        return reverse(ACTION_PAGES[action], kwargs={"client_id": client.pk})
    except NoReverseMatch:
        return None


def _predict_url(client):
    try:
        return reverse(
            "counselor_checkin", kwargs={"client_id": client.pk, "code": PREDICTION_FORM}
        )
    except NoReverseMatch:
        return None


def _item_texts(client) -> dict[str, str]:
    form = find(ALLIANCE_FORM)
    return {item.id: item.render(counselor=client.counselor.name) for item in form.items}


PART_NAMES = {
    "goal": "Agreement on goals",
    "task": "Agreement on tasks",
    "bond": "Bond",
    "total": "Overall",
}


def evidence_tables(alert, evidence: dict | None = None) -> list[dict]:
    """The evidence as small tables with captions, for the alert page. `evidence` is what the
    reader may see of it (`comparison.evidence_for`)."""
    evidence = alert.evidence if evidence is None else evidence
    if alert.rule == "alliance":
        tables = []
        for rule, found in (evidence.get("findings") or {}).items():
            for table in _tables(alert, rule, found):
                table["caption"] = f"{RULE_NAMES.get(rule, rule)}: {table['caption']}"
                tables.append(table)
        return tables
    return _tables(alert, alert.rule, evidence)


RULE_NAMES = {
    "alliance_drop": "Drop from the client's own level",
    "weak_spot": "Weak spot",
    "two_view_gap": "The two views",
}


def _tables(alert, rule: str, evidence: dict) -> list[dict]:
    tables = []
    scopes = evidence.get("scopes") or {}
    items = evidence.get("items") or []
    texts = _item_texts(alert.client) if items else {}
    if rule in {"alliance_drop", "weak_spot"} and scopes:
        with_earlier = rule == "alliance_drop"
        headers = ["Part", "This check-in"] + (["Earlier level", "Change"] if with_earlier else [])
        rows = []
        for scope, part in scopes.items():
            row = [PART_NAMES.get(scope, scope), _fmt(part["now"])]
            if with_earlier:
                row += [_fmt(part["earlier"]), _fmt(part["change"], sign=True)]
            rows.append(row)
        tables.append(
            {"caption": "Item means (1 Seldom … 5 Always)", "headers": headers, "rows": rows}
        )
    if rule == "two_view_gap" and scopes:
        rows = [
            [
                PART_NAMES.get(s, s),
                _fmt(p["client"]),
                _fmt(p["predicted"]),
                _fmt(p["gap"], sign=True),
            ]
            for s, p in scopes.items()
        ]
        tables.append(
            {
                "caption": "Item means (1 Seldom … 5 Always)",
                "headers": ["Part", "Client", "You expected", "Gap"],
                "rows": rows,
            }
        )
    if items:
        if rule == "two_view_gap":
            headers = ["Statement", "Client", "You expected"]
            rows = [
                [texts.get(i["item"], i["item"]), _fmt(i["client"]), _fmt(i["predicted"])]
                for i in items
            ]
        elif rule == "alliance_drop":
            headers = ["Statement", "This check-in", "Earlier (mean)"]
            rows = [
                [texts.get(i["item"], i["item"]), _fmt(i["now"]), _fmt(i["earlier"])] for i in items
            ]
        else:
            headers = ["Statement", "This check-in"]
            rows = [[texts.get(i["item"], i["item"]), _fmt(i["now"])] for i in items]
        tables.append({"caption": "The statements concerned", "headers": headers, "rows": rows})
    if rule in {"reliable_deterioration", "no_reliable_improvement"} and "first" in evidence:
        first = evidence["first"]
        rows = [
            ["First check-in", first["date"][:10], _fmt(first["total"])],
            ["This check-in", evidence["date"][:10], _fmt(evidence["latest"]["total"])],
        ]
        tables.append(
            {
                "caption": f"{short_name(evidence['measure'])} totals",
                "headers": ["", "Date", "Total"],
                "rows": rows,
            }
        )
    if rule == "tasks_off_track":
        from alliance.homework.models import Task

        ids = [entry["task_id"] for entry in evidence["logs"]]
        names = dict(Task.objects.filter(pk__in=ids, client=alert.client).values_list("pk", "text"))
        rows = [
            [
                names.get(e["task_id"], "A task since removed"),
                e["date"][:10],
                e["status"].replace("_", " "),
                "–" if e["fit"] is None else f"{e['fit']} of 5",
            ]
            for e in evidence["logs"]
        ]
        tables.append(
            {"caption": "Task logs", "headers": ["Task", "Date", "Done?", "Fit"], "rows": rows}
        )
    if rule in {"sessions_missed", "no_checkins"}:
        rows = [
            [
                s["date"][:10],
                s.get("attendance", "attended, no check-in answered").replace("_", " "),
            ]
            for s in evidence["sessions"]
        ]
        tables.append({"caption": "Sessions", "headers": ["Date", "What happened"], "rows": rows})
    if rule == "risk":
        rows = [[f["item"], str(f["answer"]), f["label"]] for f in evidence.get("flags", [])]
        tables.append(
            {
                "caption": "Answers that raised the alert",
                "headers": ["Item", "Answer", "Meaning"],
                "rows": rows,
            }
        )
    if rule == "client_voice":
        concern = concern_of(alert)
        words = concern.text if concern and concern.text else "(No words given.)"
        tables.append({"caption": "In the client's words", "headers": [], "rows": [[words]]})
    return tables


def _fmt(value, sign=False) -> str:
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if sign and value > 0:
        text = "+" + text
    return text.replace("-", "\u2212")
