"""Task pages: the client logs on their phone, the counselor sees completion and fit.

Proposing, changing, agreeing to and dropping a task are the agreement mechanism's pages
(`alliance.agreement.views`) with the task's forms. The goal's page is served here too: it shows
the goal (`alliance.goals.views.goal_page_context`) with the tasks that serve it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from alliance.agreement import views as agreement
from alliance.agreement.services import targets
from alliance.audit import services as audit
from alliance.care.models import Side
from alliance.errors import NotAllowed, ServiceError, show_on_form
from alliance.goals.models import Goal
from alliance.goals.views import goal_page_context
from alliance.homework import services
from alliance.homework.forms import DropForm, LogForm, TaskForm
from alliance.homework.glance import glance
from alliance.homework.models import Task

# Agreeing to a task, proposing to drop it and answering that: `task_agree`, `task_drop`,
# `task_drop_answer`.
pages = agreement.RecordPages(
    Task,
    template="homework/task_form.html",
    end_form=DropForm,
    end_template="homework/task_drop.html",
)


@login_required
def goal_detail(request, goal_id):
    """The goal, its agreement, scale and ratings, and the tasks that serve it."""
    goal = agreement.reachable(request, Goal, goal_id)
    tasks = list(Task.objects.filter(goal=goal).order_by("created_at", "id"))
    summaries = glance(t.pk for t in tasks)
    context = goal_page_context(request, goal)
    context["task_rows"] = [(t, summaries[t.pk]) for t in tasks]
    audit.record(request, "read", targets(goal.client, goal, *tasks))
    return render(request, "homework/goal_detail.html", context)


@login_required
def task_list(request, client_id):
    client = agreement.reachable_client(request, client_id)
    tasks = list(Task.objects.filter(client=client).with_relations().order_by("created_at", "id"))
    summaries = glance(t.pk for t in tasks)
    audit.record(request, "list", targets(client, *tasks) or audit.for_client(client))
    side = client.side_of(request.user)
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
    client = agreement.reachable_client(request, client_id, write=True)
    initial = {}
    if request.GET.get("goal", "").isdigit():
        initial["goal"] = int(request.GET["goal"][:19])
    form = TaskForm(agreement.posted(request), initial=initial, client=client)
    return pages.proposing(request, client, form, services.propose_task)


def _detail_context(request, task, log_form=None):
    versions = list(task.versions.select_related("author", "goal").order_by("-number"))
    logs = list(task.logs.all()[:50])
    return agreement.record_context(
        request,
        task,
        versions=versions,
        logs=logs,
        glance=glance([task.pk])[task.pk],
        log_form=log_form,
    )


@login_required
def task_detail(request, task_id):
    task = pages.record(request, task_id)
    context = _detail_context(request, task)
    audit.record(request, "read", targets(task.client, task, *context["logs"]))
    return render(request, "homework/task_detail.html", context)


@login_required
def task_edit(request, task_id):
    task = pages.record(request, task_id, write=True)
    initial = {"goal": task.goal_id, "text": task.text, "frequency": task.frequency}
    initial["version"] = task.version
    return pages.editing(
        request,
        task,
        form=lambda data: TaskForm(data, initial=initial, client=task.client),
        edit=services.edit_task,
        saved="Saved as version {version}. {other} is asked to agree again.",
        shown=lambda newer: [("Task", newer.text), ("How often", newer.frequency)],
    )


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
    task = pages.record(request, task_id, write=True)
    if task.client.side_of(request.user) != Side.CLIENT:
        # Logs are the client's own account of the work; the counselor reads them.
        raise Http404("Not found")
    form = LogForm(agreement.posted(request))
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
            except NotAllowed:
                raise Http404("Not found")
            except ServiceError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request, f"Saved: “{task.text}”, {log.get_status_display().lower()}."
                )
                return redirect(_safe_next(request, reverse("task_detail", args=[task.pk])))
        status = 422
    context = _detail_context(request, task, log_form=form)
    context["next"] = reverse("task_detail", args=[task.pk])
    audit.record(request, "read", targets(task.client, task))
    return render(request, "homework/task_log.html", context, status=status)
