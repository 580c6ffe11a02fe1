from alliance.goals.tests.helpers import make_goal, other_side_user
from alliance.homework import services
from alliance.homework.tests.helpers import make_task
from alliance.tests.access import Entry, operations, pages

READERS = {"a": 200, "c1": 200, "supervisor": 200, "admin": 200}


def writers(status: int, readers: int = 403) -> dict:
    return {"a": status, "c1": status, "supervisor": readers, "admin": readers}


def client_kwargs(p, who):
    return {"client_id": p.a.pk}


def task_kwargs(p, who):
    return {"task_id": make_task(p).pk}


def drop_kwargs(p, who):
    """A proposal to drop, made by the side opposite the persona asking."""
    task = make_task(p, agreed=True)
    services.propose_drop(other_side_user(p, who), task, "Too early in the day", task.version)
    return {"task_id": task.pk}


def new_task(p, who):
    return {"goal_id": make_goal(p).pk, "text": "Walk after lunch", "frequency": "daily"}


WEB = {
    "task_list": Entry(pages(404, **READERS), kwargs=client_kwargs),
    "task_new": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"goal": make_goal(p).pk, "text": "Walk after lunch"},
    ),
    "task_detail": Entry(pages(404, **READERS), kwargs=task_kwargs),
    "task_edit": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {
            "goal": p.a.goals.get().pk,
            "text": "Ring her on Saturday",
            "version": 1,
        },
    ),
    "task_agree": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"version": 1},
    ),
    "task_drop": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"note": "Does not fit my week", "version": 1},
    ),
    "task_drop_answer": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=drop_kwargs,
        data=lambda p, who: {"accept": "no"},
    ),
    # Logs are the client's own account; the counselor reads them.
    "task_log": Entry(
        pages(404, a=302),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"status": "done", "fit": 4},
    ),
}

API = {
    ("GET", "/api/v1/clients/{client_id}/tasks"): Entry(
        operations(404, **READERS), kwargs=client_kwargs
    ),
    ("POST", "/api/v1/clients/{client_id}/tasks"): Entry(
        operations(404, **writers(201)), method="POST", kwargs=client_kwargs, data=new_task
    ),
    ("GET", "/api/v1/tasks/{task_id}"): Entry(operations(404, **READERS), kwargs=task_kwargs),
    ("PATCH", "/api/v1/tasks/{task_id}"): Entry(
        operations(404, **writers(200)),
        method="PATCH",
        kwargs=task_kwargs,
        data=lambda p, who: {"version": 1, "frequency": "twice a week"},
    ),
    ("POST", "/api/v1/tasks/{task_id}/agree"): Entry(
        operations(404, **writers(200)),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"version": 1},
    ),
    ("GET", "/api/v1/tasks/{task_id}/versions"): Entry(
        operations(404, **READERS), kwargs=task_kwargs
    ),
    ("POST", "/api/v1/tasks/{task_id}/drop"): Entry(
        operations(404, **writers(201)),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"note": "Does not fit", "version": 1},
    ),
    ("POST", "/api/v1/tasks/{task_id}/drop/confirm"): Entry(
        operations(404, **writers(200)), method="POST", kwargs=drop_kwargs, data=lambda p, w: {}
    ),
    ("POST", "/api/v1/tasks/{task_id}/drop/decline"): Entry(
        operations(404, **writers(200)), method="POST", kwargs=drop_kwargs, data=lambda p, w: {}
    ),
    ("POST", "/api/v1/tasks/{task_id}/logs"): Entry(
        operations(404, a=201, c1=403, supervisor=403, admin=403),
        method="POST",
        kwargs=task_kwargs,
        data=lambda p, who: {"status": "done", "fit": 4},
    ),
    ("GET", "/api/v1/tasks/{task_id}/logs"): Entry(operations(404, **READERS), kwargs=task_kwargs),
}


def task_records_of_a(p):
    """An agreed task of Amira's with a log and a proposal to drop it: a row of every
    homework model."""
    task = make_task(p, agreed=True)
    log, _ = services.log_task(p.a.user, task, "partly", fit=3, note="Only on Sunday")
    drop = services.propose_drop(p.c1, task, "It clashes with work", task.version)
    return [task, *task.versions.all(), log, drop]


# Objects of each data kind in Amira's record (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {"tasks": task_records_of_a}
