"""Goal pages, shared by the client (on their phone) and the staff who may see the client.

Reading goes through `visible_to`, writing through `writable_by`: a supervisor who opens a
page that changes something gets the same 404 as for anything not theirs. Proposing, changing,
agreeing to and closing a goal are the agreement mechanism's pages (`alliance.agreement.views`)
with the goal's forms; the goal's own page shows its tasks too, so the app that has tasks serves
it (`alliance.homework.views.goal_detail`), built from `goal_page_context` here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404
from alliance.agreement import views as agreement
from alliance.agreement.services import targets
from alliance.audit import services as audit
from alliance.care.models import Side
from alliance.errors import Conflict, ServiceError, show_on_form
from alliance.goals import attainment, services
from alliance.goals.diff import changed, list_diff, word_diff
from alliance.goals.forms import (
    ClosureForm,
    GoalForm,
    RatingForm,
    RevisitForm,
    ScaleForm,
    ValueForm,
)
from alliance.goals.models import (
    CLOSED_STATUSES,
    LEVEL_NAMES,
    LEVELS,
    Goal,
    Rating,
    Revisit,
    Value,
    level_label,
)
from alliance.posting import save_posted

# Agreeing to a goal, proposing to close it and answering that: `goal_agree`, `goal_close`,
# `goal_close_answer`.
pages = agreement.RecordPages(
    Goal,
    template="goals/goal_form.html",
    end_form=ClosureForm,
    end_template="goals/goal_close.html",
)


def latest_ratings(goal) -> dict[str, Rating | None]:
    result = {}
    for side in Side.values:
        result[side] = (
            Rating.objects.filter(goal=goal, side=side)
            .select_related("rated_by")
            .order_by("-rated_at", "-id")
            .first()
        )
    return result


# -- goals ------------------------------------------------------------------------------------


@login_required
def goal_list(request, client_id):
    client = agreement.reachable_client(request, client_id)
    goals = list(Goal.objects.filter(client=client).with_relations().order_by("created_at", "id"))
    side = client.side_of(request.user)
    open_goals = [g for g in goals if g.is_open]
    audit.record(request, "list", targets(client, *goals) or audit.for_client(client))
    context = {
        "client": client,
        "side": side,
        "is_self": side == Side.CLIENT,
        "names": agreement.side_names(client),
        "open_goals": open_goals,
        "closed_goals": [g for g in goals if g.status in CLOSED_STATUSES],
        "waiting": [g for g in open_goals if side and not g.agreed_by(side)],
        "revisits": [r for g in open_goals for r in g.open_revisits],
        "gas": attainment.summary(client),
    }
    return render(request, "goals/goal_list.html", context)


@login_required
def goal_new(request, client_id):
    client = agreement.reachable_client(request, client_id, write=True)
    for_client = client.side_of(request.user) == Side.CLIENT
    form = GoalForm(agreement.posted(request), client=client, for_client=for_client)
    return pages.proposing(request, client, form, services.propose_goal)


def goal_page_context(request, goal) -> dict:
    """What the goal's page shows of the goal: its wording, agreement, scale and ratings."""
    return agreement.record_context(
        request,
        goal,
        levels=list(goal.levels.all()),
        latest=latest_ratings(goal),
    )


@login_required
def goal_edit(request, goal_id):
    goal = pages.record(request, goal_id, write=True)
    initial = {"text": goal.text, "why": goal.why, "values": list(goal.values.all())}
    initial["version"] = goal.version
    for_client = goal.client.side_of(request.user) == Side.CLIENT
    return pages.editing(
        request,
        goal,
        form=lambda data: GoalForm(
            data, initial=initial, client=goal.client, for_client=for_client
        ),
        edit=services.edit_goal,
        saved="Saved as version {version}. {other} is asked to agree to the new wording.",
        shown=lambda newer: [("Goal", newer.text), ("Why it matters", newer.why)],
    )


def history_entries(goal):
    """Each version with what changed from the one before, newest first. The first version
    is shown as written."""
    versions = list(goal.versions.select_related("author").order_by("number"))
    entries = []
    before = None
    for version in versions:
        entries.append({"version": version, "changes": _changes(before, version)})
        before = version
    entries.reverse()
    return entries


def _changes(before, version) -> list[tuple[str, str]]:
    if before is None:
        changes = [("Goal", version.text)]
        if version.why:
            changes.append(("Why this matters", version.why))
        if version.values:
            changes.append(("Values", ", ".join(version.values)))
        return changes
    changes = []
    if changed(before.text, version.text):
        changes.append(("Goal", word_diff(before.text, version.text)))
    if changed(before.why, version.why):
        changes.append(("Why this matters", word_diff(before.why, version.why)))
    if changed(before.values, version.values):
        changes.append(("Values", list_diff(before.values, version.values)))
    old_levels, new_levels = before.levels or {}, version.levels or {}
    for level in reversed(LEVELS):
        key = str(level)
        if changed(old_levels.get(key), new_levels.get(key)):
            label = f"Level {level_label(level)} ({LEVEL_NAMES[level].lower()})"
            changes.append((label, word_diff(old_levels.get(key, ""), new_levels.get(key, ""))))
    if before.weight != version.weight:
        changes.append(("Weight", word_diff(str(before.weight), str(version.weight))))
    return changes


@login_required
def goal_history(request, goal_id):
    goal = pages.record(request, goal_id)
    client = goal.client
    entries = history_entries(goal)
    closures = list(goal.closures.select_related("proposed_by", "answered_by"))
    revisits = list(goal.revisits.select_related("requested_by", "resolved_by"))
    audit.record(
        request,
        "read",
        targets(client, goal, *(e["version"] for e in entries), *closures, *revisits),
        detail="history",
    )
    context = {
        "client": client,
        "goal": goal,
        "entries": entries,
        "closures": closures,
        "revisits": revisits,
        "names": agreement.side_names(client),
    }
    return render(request, "goals/goal_history.html", context)


@login_required
def goal_scale(request, goal_id):
    goal = pages.record(request, goal_id, write=True)
    initial = {"weight": goal.weight, "version": goal.version}
    written = {level.level: level.text for level in goal.levels.all()}
    for level in LEVELS:
        initial[ScaleForm.field_name(level)] = written.get(level, "")
    return pages.editing(
        request,
        goal,
        form=lambda data: ScaleForm(data, initial=initial),
        edit=lambda user, goal, version, **scale: services.set_scale(
            user, goal, version=version, **scale
        ),
        template="goals/goal_scale.html",
        saved="Scale saved as version {version} of the goal. {other} is asked to agree to it.",
        shown=lambda newer: (
            [(level.label, level.text) for level in newer.levels.all()]
            or [("Scale", "None yet: the goal’s wording changed.")]
        ),
    )


@require_POST
@login_required
def goal_rate(request, goal_id):
    goal = pages.record(request, goal_id, write=True)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["level"]))
        return redirect(goal)
    level = form.cleaned_data["level"]
    rating = agreement.done_or_told(
        request, lambda: services.rate_goal(request.user, goal, level, request=request)
    )
    if rating is not None:
        messages.success(request, f"Rated {rating.label}: {LEVEL_NAMES[rating.level]}.")
    return redirect(goal)


@login_required
def goal_revisit(request, goal_id):
    goal = pages.record(request, goal_id, write=True)
    form = RevisitForm(agreement.posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_revisit(
                    request.user, goal, form.cleaned_data["reason"], request=request
                )
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect(goal)
            except ServiceError as error:
                show_on_form(form, error)
            else:
                other = agreement.other_name(request.user, goal.client)
                messages.success(request, f"{other} will see your request and your reason.")
                return redirect(goal)
        status = 422
    audit.record(request, "read", targets(goal.client, goal))
    context = {"client": goal.client, "goal": goal, "form": form}
    return render(request, "goals/goal_revisit.html", context, status=status)


@require_POST
@login_required
def goal_revisit_resolve(request, goal_id, revisit_id):
    goal = pages.record(request, goal_id, write=True)
    revisit = get_visible_or_404(
        Revisit.objects.filter(goal=goal).select_related("goal__client"), revisit_id
    )
    services.resolve_revisit(request.user, revisit, request=request)
    messages.success(request, "Marked as talked over; the goal stays as it is.")
    return redirect(goal)


@login_required
def goal_attainment(request, client_id):
    client = agreement.reachable_client(request, client_id)
    summary = attainment.summary(client)
    goals = [audit.Target("Goal", g["id"], client.pk, client.clinic_id) for g in summary["goals"]]
    audit.record(request, "read", goals or audit.for_client(client), detail="attainment")
    context = {
        "client": client,
        "gas": summary,
        "names": agreement.side_names(client),
        "is_self": client.side_of(request.user) == Side.CLIENT,
        "levels": [(level, level_label(level), LEVEL_NAMES[level]) for level in LEVELS],
    }
    return render(request, "goals/goal_attainment.html", context)


# -- values -----------------------------------------------------------------------------------


@login_required
def value_list(request, client_id):
    client = agreement.reachable_client(request, client_id)
    side = client.side_of(request.user)
    form = ValueForm(agreement.posted(request))
    status = 200
    if request.method == "POST":
        if side != Side.CLIENT:
            raise Http404("Not found")
        saved, value = save_posted(
            form,
            lambda data: services.add_value(request.user, client, data["text"], request=request),
        )
        if saved:
            messages.success(request, f"Added “{value.text}”.")
            return redirect("value_list", client_id=client.pk)
        status = 422
    values = list(Value.objects.filter(client=client).prefetch_related("goals"))
    audit.record(request, "list", targets(client, *values) or audit.for_client(client))
    context = {"client": client, "values": values, "form": form, "is_self": side == Side.CLIENT}
    return render(request, "goals/value_list.html", context, status=status)


def _own_value(request, value_id) -> Value:
    value = get_visible_or_404(
        Value.objects.writable_by(request.user).select_related("client__user"), value_id
    )
    if value.client.side_of(request.user) != Side.CLIENT:
        raise Http404("Not found")
    return value


@login_required
def value_edit(request, value_id):
    value = _own_value(request, value_id)
    form = ValueForm(agreement.posted(request), initial={"text": value.text})
    status = 200
    if request.method == "POST":
        saved, _ = save_posted(
            form,
            lambda data: services.rename_value(request.user, value, data["text"], request=request),
        )
        if saved:
            messages.success(request, "Saved.")
            return redirect("value_list", client_id=value.client_id)
        status = 422
    audit.record(request, "read", targets(value.client, value))
    context = {"client": value.client, "value": value, "form": form}
    return render(request, "goals/value_edit.html", context, status=status)


@require_POST
@login_required
def value_delete(request, value_id):
    value = _own_value(request, value_id)
    client_id, text = value.client_id, value.text
    services.remove_value(request.user, value, request=request)
    messages.success(request, f"Removed “{text}” from your values.")
    return redirect(reverse("value_list", kwargs={"client_id": client_id}))
