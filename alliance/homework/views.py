"""Task pages: the client logs on their phone, the counselor sees completion and fit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from alliance.access import get_visible_or_404
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.goals.forms import AgreeForm, AnswerForm
from alliance.goals.models import Side, side_of
from alliance.goals.services import Conflict, Problem, ReadOnly, other_side
from alliance.goals.views import side_names
from alliance.homework import services
from alliance.homework.forms import DropForm, LogForm, TaskForm
from alliance.homework.glance import glance
from alliance.homework.models import Task


def _posted(request):
    """The submitted data, or None for a page load: an empty submission still gets errors."""
    return request.POST if request.method == "POST" else None


def _client(request, client_id, *, write=False) -> Client:
    manager = Client.objects
    clients = manager.writable_by(request.user) if write else manager.visible_to(request.user)
    return get_visible_or_404(clients.select_related("user", "counselor"), client_id)


def _task(request, task_id, *, write=False) -> Task:
    tasks = (
        Task.objects.writable_by(request.user) if write else Task.objects.visible_to(request.user)
    )
    return get_visible_or_404(
        tasks.with_relations().select_related("client__user", "client__counselor"), task_id
    )


def _targets(client, objects):
    return [audit.for_object(obj, client) for obj in objects]


def _problem_to_form(form, problem: Problem) -> None:
    form.add_error(problem.field if problem.field in form.fields else None, problem.message)


def _other_name(request, client) -> str:
    return side_names(client)[other_side(side_of(request.user, client))]


@login_required
def task_list(request, client_id):
    client = _client(request, client_id)
    tasks = list(Task.objects.filter(client=client).with_relations().order_by("created_at", "id"))
    summaries = glance(t.pk for t in tasks)
    audit.record(request, "list", _targets(client, tasks) or audit.for_client(client))
    side = side_of(request.user, client)
    context = {
        "client": client,
        "side": side,
        "is_self": side == Side.CLIENT,
        "task_rows": [(t, summaries[t.pk]) for t in tasks if t.is_open],
        "dropped": [t for t in tasks if not t.is_open],
        "tasks_waiting": [t for t in tasks if t.is_open and side and not t.agreed_by(side)],
    }
    return render(request, "homework/task_list.html", context)


@login_required
def task_new(request, client_id):
    client = _client(request, client_id, write=True)
    initial = {}
    if request.GET.get("goal", "").isdigit():
        initial["goal"] = int(request.GET["goal"][:19])
    form = TaskForm(_posted(request), initial=initial, client=client)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                task = services.propose_task(
                    request.user,
                    client,
                    form.cleaned_data["goal"].pk,
                    form.cleaned_data["text"],
                    form.cleaned_data["frequency"],
                    request=request,
                )
            except Problem as problem:
                if problem.field == "goal_id":
                    problem.field = "goal"
                _problem_to_form(form, problem)
            else:
                messages.success(
                    request, f"Task proposed. {_other_name(request, client)} is asked to agree."
                )
                return redirect("task_detail", task_id=task.pk)
        status = 422
    audit.record(request, "read", audit.for_client(client), detail="new task form")
    context = {"client": client, "form": form, "is_self": side_of(request.user, client) == "client"}
    return render(request, "homework/task_form.html", context, status=status)


def _detail_context(request, task, log_form=None):
    client = task.client
    side = side_of(request.user, client)
    versions = list(task.versions.select_related("author", "goal").order_by("-number"))
    logs = list(task.logs.all()[:50])
    return {
        "client": client,
        "task": task,
        "side": side,
        "is_self": side == Side.CLIENT,
        "names": side_names(client),
        "versions": versions,
        "latest_version": versions[0] if versions else None,
        "logs": logs,
        "glance": glance([task.pk])[task.pk],
        "drop": task.pending_drop,
        "log_form": log_form,
    }


@login_required
def task_detail(request, task_id):
    task = _task(request, task_id)
    context = _detail_context(request, task)
    audit.record(request, "read", _targets(task.client, [task, *context["logs"]]))
    return render(request, "homework/task_detail.html", context)


@login_required
def task_edit(request, task_id):
    task = _task(request, task_id, write=True)
    client = task.client
    if not task.is_open:
        messages.error(request, "This task was dropped; it can no longer be changed.")
        return redirect("task_detail", task_id=task.pk)
    initial = {
        "goal": task.goal_id,
        "text": task.text,
        "frequency": task.frequency,
        "version": task.version,
    }
    form = TaskForm(_posted(request), initial=initial, client=client)
    form.fields["version"].required = True
    status, newer = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.edit_task(
                    request.user,
                    task,
                    form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                    frequency=form.cleaned_data["frequency"],
                    goal_id=form.cleaned_data["goal"].pk,
                    request=request,
                )
            except Problem as problem:
                if problem.field == "goal_id":
                    problem.field = "goal"
                _problem_to_form(form, problem)
                status = 422
            except Conflict as conflict:
                if not conflict.current.is_open:
                    messages.error(request, conflict.message)
                    return redirect("task_detail", task_id=task.pk)
                newer = conflict.current
                data = request.POST.copy()
                data["version"] = str(newer.version)
                form = TaskForm(data, client=client)
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            else:
                if result.changed:
                    messages.success(
                        request,
                        f"Saved as version {result.task.version}. "
                        f"{_other_name(request, client)} is asked to agree again.",
                    )
                else:
                    messages.info(request, "Nothing was changed.")
                return redirect("task_detail", task_id=task.pk)
        else:
            status = 422
    audit.record(request, "read", _targets(client, [task]))
    context = {
        "client": client,
        "task": task,
        "form": form,
        "newer": newer,
        "is_self": side_of(request.user, client) == Side.CLIENT,
    }
    return render(request, "homework/task_form.html", context, status=status)


@require_POST
@login_required
def task_agree(request, task_id):
    task = _task(request, task_id, write=True)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Agree from the task's page, to the version shown there.")
        return redirect("task_detail", task_id=task.pk)
    try:
        current = services.agree_to_task(
            request.user, task, form.cleaned_data["version"], request=request
        )
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        if current.is_mutual:
            messages.success(request, "You both agree to this task now.")
        else:
            messages.success(
                request, f"You agreed. {_other_name(request, task.client)} is asked to agree too."
            )
    return redirect("task_detail", task_id=task.pk)


@login_required
def task_drop(request, task_id):
    task = _task(request, task_id, write=True)
    if not task.is_open:
        messages.error(request, "This task was already dropped.")
        return redirect("task_detail", task_id=task.pk)
    form = DropForm(_posted(request), initial={"version": task.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.propose_drop(
                    request.user,
                    task,
                    form.cleaned_data["note"],
                    form.cleaned_data["version"],
                    request=request,
                )
            except Problem as problem:
                _problem_to_form(form, problem)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("task_detail", task_id=task.pk)
            else:
                messages.success(
                    request,
                    f"{_other_name(request, task.client)} is asked to confirm dropping it.",
                )
                return redirect("task_detail", task_id=task.pk)
        status = 422
    audit.record(request, "read", _targets(task.client, [task]))
    context = {"client": task.client, "task": task, "form": form}
    return render(request, "homework/task_drop.html", context, status=status)


@require_POST
@login_required
def task_drop_answer(request, task_id):
    task = _task(request, task_id, write=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirm or decline from the task's page.")
        return redirect("task_detail", task_id=task.pk)
    try:
        current = services.answer_drop(
            request.user,
            task,
            form.cleaned_data["accept"],
            form.cleaned_data["note"],
            request=request,
        )
    except Problem as problem:
        messages.error(request, problem.message)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(
            request, "The task is dropped." if not current.is_open else "The task stays."
        )
    return redirect("task_detail", task_id=task.pk)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def task_log(request, task_id):
    """Two taps on the phone: how it went, then Save. Fit and a note are there if wanted."""
    task = _task(request, task_id, write=True)
    if side_of(request.user, task.client) != Side.CLIENT:
        # Logs are the client's own account of the work; the counselor reads them.
        raise Http404("Not found")
    form = LogForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                log, created = services.log_task(
                    request.user,
                    task,
                    form.cleaned_data["status"],
                    form.cleaned_data["fit"],
                    form.cleaned_data["note"],
                    fit_required=False,
                    idempotency_key=form.cleaned_data["key"],
                    request=request,
                )
            except Problem as problem:
                _problem_to_form(form, problem)
            except ReadOnly:
                raise Http404("Not found")
            else:
                messages.success(
                    request, f"Saved: “{task.text}”, {log.get_status_display().lower()}."
                )
                return redirect(_safe_next(request, reverse("task_detail", args=[task.pk])))
        status = 422
    context = _detail_context(request, task, log_form=form)
    context["next"] = reverse("task_detail", args=[task.pk])
    audit.record(request, "read", _targets(task.client, [task]))
    return render(request, "homework/task_log.html", context, status=status)
