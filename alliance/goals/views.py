"""Goal pages, shared by the client (on their phone) and the staff who may see the client.

Reading goes through `visible_to`, writing through `writable_by`: a supervisor who opens a
page that changes something gets the same 404 as for anything not theirs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.goals import attainment, services
from alliance.goals.diff import changed, list_diff, word_diff
from alliance.goals.forms import (
    AgreeForm,
    AnswerForm,
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
    Side,
    Value,
    level_label,
    side_of,
)
from alliance.homework.glance import glance
from alliance.homework.models import Task

# -- helpers ----------------------------------------------------------------------------------


def _posted(request):
    """The submitted data, or None for a page load: an empty submission still gets errors."""
    return request.POST if request.method == "POST" else None


def _client(request, client_id, *, write=False) -> Client:
    clients = (
        Client.objects.writable_by(request.user)
        if write
        else Client.objects.visible_to(request.user)
    )
    return get_visible_or_404(clients.select_related("user", "counselor", "clinic"), client_id)


def _goal(request, goal_id, *, write=False) -> Goal:
    goals = (
        Goal.objects.writable_by(request.user) if write else Goal.objects.visible_to(request.user)
    )
    return get_visible_or_404(goals.with_relations(), goal_id)


def _targets(client, objects):
    return [audit.for_object(obj, client) for obj in objects]


def side_names(client) -> dict[str, str]:
    return {Side.CLIENT: client.user.name, Side.COUNSELOR: client.counselor.name}


def _problem_to_form(form, problem: services.Problem) -> None:
    field = problem.field.split(".")[0]
    form.add_error(field if field in form.fields else None, problem.message)


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
    client = _client(request, client_id)
    goals = list(Goal.objects.filter(client=client).with_relations().order_by("created_at", "id"))
    side = side_of(request.user, client)
    open_goals = [g for g in goals if g.is_open]
    closed_goals = [g for g in goals if g.status in CLOSED_STATUSES]
    summary = attainment.summary(client)
    audit.record(request, "list", _targets(client, goals) or audit.for_client(client))
    context = {
        "client": client,
        "side": side,
        "is_self": side == Side.CLIENT,
        "names": side_names(client),
        "open_goals": open_goals,
        "closed_goals": closed_goals,
        "waiting": [g for g in open_goals if side and not g.agreed_by(side)],
        "revisits": [r for g in open_goals for r in g.open_revisits],
        "gas": summary,
    }
    return render(request, "goals/goal_list.html", context)


@login_required
def goal_new(request, client_id):
    client = _client(request, client_id, write=True)
    side = side_of(request.user, client)
    form = GoalForm(_posted(request), client=client, for_client=side == Side.CLIENT)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goal = services.propose_goal(
                    request.user,
                    client,
                    form.cleaned_data["text"],
                    form.cleaned_data["why"],
                    [v.pk for v in form.cleaned_data["values"]],
                    request=request,
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
            else:
                other = side_names(client)[services.other_side(side)]
                messages.success(request, f"Goal proposed. {other} is asked to agree to it.")
                return redirect("goal_detail", goal_id=goal.pk)
        status = 422
    audit.record(request, "read", audit.for_client(client), detail="new goal form")
    context = {"client": client, "form": form, "is_self": side == Side.CLIENT}
    return render(request, "goals/goal_form.html", context, status=status)


def _detail_context(request, goal, **forms):
    client = goal.client
    side = side_of(request.user, client)
    tasks = list(Task.objects.filter(goal=goal).order_by("created_at", "id"))
    latest_version = goal.versions.select_related("author").order_by("-number").first()
    context = {
        "client": client,
        "goal": goal,
        "side": side,
        "is_self": side == Side.CLIENT,
        "names": side_names(client),
        "latest_version": latest_version,
        "levels": list(goal.levels.all()),
        "latest": latest_ratings(goal),
        "tasks": tasks,
        "glances": glance(t.pk for t in tasks),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "closure": goal.pending_closure,
    }
    context["task_rows"] = [(t, context["glances"][t.pk]) for t in tasks]
    return context, tasks


@login_required
def goal_detail(request, goal_id):
    goal = _goal(request, goal_id)
    context, tasks = _detail_context(request, goal)
    audit.record(request, "read", _targets(goal.client, [goal, *tasks]))
    return render(request, "goals/goal_detail.html", context)


def _conflict_message(request, conflict: services.Conflict) -> None:
    messages.error(request, conflict.message)


@login_required
def goal_edit(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    client = goal.client
    side = side_of(request.user, client)
    if not goal.is_open:
        messages.error(request, "This goal is closed; it can no longer be changed.")
        return redirect("goal_detail", goal_id=goal.pk)
    initial = {"text": goal.text, "why": goal.why, "values": list(goal.values.all())}
    initial["version"] = goal.version
    form = GoalForm(
        _posted(request), initial=initial, client=client, for_client=side == Side.CLIENT
    )
    form.fields["version"].required = True
    status, newer = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.edit_goal(
                    request.user,
                    goal,
                    form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                    why=form.cleaned_data["why"],
                    value_ids=[v.pk for v in form.cleaned_data["values"]],
                    request=request,
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
                status = 422
            except services.Conflict as conflict:
                if not conflict.current.is_open:
                    _conflict_message(request, conflict)
                    return redirect("goal_detail", goal_id=goal.pk)
                newer = Goal.objects.filter(pk=goal.pk).with_relations().get()
                # Keep what this person wrote; base a second save on the version now shown.
                data = request.POST.copy()
                data["version"] = str(newer.version)
                form = GoalForm(data, client=client, for_client=side == Side.CLIENT)
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            else:
                if result.changed:
                    other = side_names(client)[services.other_side(side)]
                    messages.success(
                        request,
                        f"Saved as version {result.goal.version}. {other} is asked to agree "
                        "to the new wording.",
                    )
                else:
                    messages.info(request, "Nothing was changed.")
                return redirect("goal_detail", goal_id=goal.pk)
        else:
            status = 422
    audit.record(request, "read", _targets(client, [goal]))
    context = {
        "client": client,
        "goal": goal,
        "form": form,
        "newer": newer,
        "is_self": side == Side.CLIENT,
    }
    return render(request, "goals/goal_form.html", context, status=status)


@require_POST
@login_required
def goal_agree(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Agree from the goal's page, to the version shown there.")
        return redirect("goal_detail", goal_id=goal.pk)
    try:
        current = services.agree_to_goal(
            request.user, goal, form.cleaned_data["version"], request=request
        )
    except services.Conflict as conflict:
        _conflict_message(request, conflict)
    else:
        if current.is_mutual:
            messages.success(request, "You both agree to this goal now.")
        else:
            other = side_names(goal.client)[services.other_side(side_of(request.user, goal.client))]
            messages.success(request, f"You agreed. {other} is asked to agree too.")
    return redirect("goal_detail", goal_id=goal.pk)


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
    goal = _goal(request, goal_id)
    client = goal.client
    entries = history_entries(goal)
    closures = list(goal.closures.select_related("proposed_by", "answered_by"))
    revisits = list(goal.revisits.select_related("requested_by", "resolved_by"))
    audit.record(
        request,
        "read",
        _targets(client, [goal, *(e["version"] for e in entries), *closures, *revisits]),
        detail="history",
    )
    context = {
        "client": client,
        "goal": goal,
        "entries": entries,
        "closures": closures,
        "revisits": revisits,
        "names": side_names(client),
    }
    return render(request, "goals/goal_history.html", context)


@login_required
def goal_scale(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    client = goal.client
    if not goal.is_open:
        messages.error(request, "This goal is closed; its scale can no longer be changed.")
        return redirect("goal_detail", goal_id=goal.pk)
    current = {str(level.level): level.text for level in goal.levels.all()}
    initial = {"weight": goal.weight, "version": goal.version}
    for level in LEVELS:
        initial[ScaleForm.field_name(level)] = current.get(str(level), "")
    form = ScaleForm(_posted(request), initial=initial)
    status, newer = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.set_scale(
                    request.user,
                    goal,
                    form.levels(),
                    weight=form.cleaned_data["weight"],
                    version=form.cleaned_data["version"],
                    request=request,
                )
            except services.Problem as problem:
                field = problem.field
                if field.startswith("levels."):
                    field = ScaleForm.field_name(int(field.split(".")[1]))
                form.add_error(field if field in form.fields else None, problem.message)
                status = 422
            except services.Conflict as conflict:
                if not conflict.current.is_open:
                    _conflict_message(request, conflict)
                    return redirect("goal_detail", goal_id=goal.pk)
                newer = Goal.objects.filter(pk=goal.pk).with_relations().get()
                data = request.POST.copy()
                data["version"] = str(newer.version)
                form = ScaleForm(data)
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            else:
                if result.changed:
                    other = side_names(client)[services.other_side(side_of(request.user, client))]
                    messages.success(
                        request,
                        f"Scale saved as version {result.goal.version} of the goal. "
                        f"{other} is asked to agree to it.",
                    )
                else:
                    messages.info(request, "Nothing was changed.")
                return redirect("goal_detail", goal_id=goal.pk)
        else:
            status = 422
    audit.record(request, "read", _targets(client, [goal]))
    context = {
        "client": client,
        "goal": goal,
        "form": form,
        "newer": newer,
        "newer_levels": list(newer.levels.all()) if newer else [],
        "is_self": side_of(request.user, client) == Side.CLIENT,
    }
    return render(request, "goals/goal_scale.html", context, status=status)


@require_POST
@login_required
def goal_rate(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = services.rate_goal(
                request.user, goal, form.cleaned_data["level"], request=request
            )
        except services.Problem as problem:
            form.add_error("level", problem.message)
        else:
            messages.success(request, f"Rated {rating.label}: {LEVEL_NAMES[rating.level]}.")
            return redirect("goal_detail", goal_id=goal.pk)
    context, tasks = _detail_context(request, goal, rating_form=form)
    audit.record(request, "read", _targets(goal.client, [goal, *tasks]))
    return render(request, "goals/goal_detail.html", context, status=422)


@login_required
def goal_revisit(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    form = RevisitForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_revisit(
                    request.user, goal, form.cleaned_data["reason"], request=request
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
            except services.Conflict as conflict:
                _conflict_message(request, conflict)
                return redirect("goal_detail", goal_id=goal.pk)
            else:
                other = side_names(goal.client)[
                    services.other_side(side_of(request.user, goal.client))
                ]
                messages.success(request, f"{other} will see your request and your reason.")
                return redirect("goal_detail", goal_id=goal.pk)
        status = 422
    audit.record(request, "read", _targets(goal.client, [goal]))
    context = {"client": goal.client, "goal": goal, "form": form}
    return render(request, "goals/goal_revisit.html", context, status=status)


@require_POST
@login_required
def goal_revisit_resolve(request, goal_id, revisit_id):
    goal = _goal(request, goal_id, write=True)
    revisit = get_visible_or_404(
        Revisit.objects.filter(goal=goal).select_related("goal__client"), revisit_id
    )
    services.resolve_revisit(request.user, revisit, request=request)
    messages.success(request, "Marked as talked over; the goal stays as it is.")
    return redirect("goal_detail", goal_id=goal.pk)


@login_required
def goal_close(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    if not goal.is_open:
        messages.error(request, "This goal is already closed.")
        return redirect("goal_detail", goal_id=goal.pk)
    form = ClosureForm(_posted(request), initial={"version": goal.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.propose_closure(
                    request.user,
                    goal,
                    form.cleaned_data["outcome"],
                    form.cleaned_data["note"],
                    form.cleaned_data["version"],
                    request=request,
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
            except services.Conflict as conflict:
                _conflict_message(request, conflict)
                return redirect("goal_detail", goal_id=goal.pk)
            else:
                other = side_names(goal.client)[
                    services.other_side(side_of(request.user, goal.client))
                ]
                messages.success(request, f"{other} is asked to confirm closing this goal.")
                return redirect("goal_detail", goal_id=goal.pk)
        status = 422
    audit.record(request, "read", _targets(goal.client, [goal]))
    context = {"client": goal.client, "goal": goal, "form": form}
    return render(request, "goals/goal_close.html", context, status=status)


@require_POST
@login_required
def goal_close_answer(request, goal_id):
    goal = _goal(request, goal_id, write=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirm or decline from the goal's page.")
        return redirect("goal_detail", goal_id=goal.pk)
    try:
        current = services.answer_closure(
            request.user,
            goal,
            form.cleaned_data["accept"],
            form.cleaned_data["note"],
            request=request,
        )
    except services.Problem as problem:
        messages.error(request, problem.message)
    except services.Conflict as conflict:
        _conflict_message(request, conflict)
    else:
        if current.is_open:
            messages.success(request, "The goal stays open.")
        else:
            messages.success(request, f"The goal is {current.get_status_display().lower()}.")
    return redirect("goal_detail", goal_id=goal.pk)


@login_required
def goal_attainment(request, client_id):
    client = _client(request, client_id)
    summary = attainment.summary(client)
    goals = [audit.Target("Goal", g["id"], client.pk, client.clinic_id) for g in summary["goals"]]
    audit.record(request, "read", goals or audit.for_client(client), detail="attainment")
    side = side_of(request.user, client)
    context = {
        "client": client,
        "gas": summary,
        "names": side_names(client),
        "is_self": side == Side.CLIENT,
        "levels": [(level, level_label(level), LEVEL_NAMES[level]) for level in LEVELS],
    }
    return render(request, "goals/goal_attainment.html", context)


# -- values -----------------------------------------------------------------------------------


@login_required
def value_list(request, client_id):
    client = _client(request, client_id)
    side = side_of(request.user, client)
    form = ValueForm(_posted(request))
    status = 200
    if request.method == "POST":
        if side != Side.CLIENT:
            raise Http404("Not found")
        if form.is_valid():
            try:
                value = services.add_value(
                    request.user, client, form.cleaned_data["text"], request=request
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
            else:
                messages.success(request, f"Added “{value.text}”.")
                return redirect("value_list", client_id=client.pk)
        status = 422
    values = list(Value.objects.filter(client=client).prefetch_related("goals"))
    audit.record(request, "list", _targets(client, values) or audit.for_client(client))
    context = {"client": client, "values": values, "form": form, "is_self": side == Side.CLIENT}
    return render(request, "goals/value_list.html", context, status=status)


def _own_value(request, value_id) -> Value:
    value = get_visible_or_404(
        Value.objects.writable_by(request.user).select_related("client__user"), value_id
    )
    if side_of(request.user, value.client) != Side.CLIENT:
        raise Http404("Not found")
    return value


@login_required
def value_edit(request, value_id):
    value = _own_value(request, value_id)
    form = ValueForm(_posted(request), initial={"text": value.text})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rename_value(
                    request.user, value, form.cleaned_data["text"], request=request
                )
            except services.Problem as problem:
                _problem_to_form(form, problem)
            else:
                messages.success(request, "Saved.")
                return redirect("value_list", client_id=value.client_id)
        status = 422
    audit.record(request, "read", _targets(value.client, [value]))
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
