from alliance.goals import services
from alliance.goals.models import Value
from alliance.goals.tests.helpers import LEVELS, make_goal, other_side_user
from alliance.tests.access import Entry, operations, pages

READERS = {"a": 200, "c1": 200, "supervisor": 200, "admin": 200}
STAFF_READERS = {"supervisor": 200, "admin": 200}


def writers(status: int, readers: int = 403) -> dict:
    """The client and their counselor get `status`; clinic-wide readers `readers`."""
    return {"a": status, "c1": status, "supervisor": readers, "admin": readers}


def client_kwargs(p, who):
    return {"client_id": p.a.pk}


def goal_kwargs(p, who):
    return {"goal_id": make_goal(p).pk}


def scaled_goal_kwargs(p, who):
    return {"goal_id": make_goal(p, scale=True, agreed=True).pk}


def revisit_kwargs(p, who):
    goal = make_goal(p)
    revisit = services.request_revisit(p.c1, goal, "Is weekly too often?")
    return {"goal_id": goal.pk, "revisit_id": revisit.pk}


def closure_kwargs(p, who):
    """A proposal to retire, made by the side opposite the persona asking."""
    goal = make_goal(p, agreed=True)
    services.propose_closure(other_side_user(p, who), goal, "retired", "Moved away", goal.version)
    return {"goal_id": goal.pk}


def value_kwargs(p, who):
    return {"value_id": Value.objects.create(client=p.a, text="Family").pk}


WEB = {
    "goal_list": Entry(pages(404, **READERS), kwargs=client_kwargs),
    "goal_new": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"text": "Sleep before midnight", "why": "Mornings"},
    ),
    "goal_detail": Entry(pages(404, **READERS), kwargs=goal_kwargs),
    "goal_edit": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"text": "Call my sister twice a week", "version": 1},
    ),
    "goal_agree": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"version": 1},
    ),
    "goal_history": Entry(pages(404, **READERS), kwargs=goal_kwargs),
    "goal_scale": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {
            "level_2": "Daily",
            "level_1": "Most days",
            "level_0": "Weekly",
            "level_m1": "Monthly",
            "level_m2": "Never",
            "weight": 1,
            "version": 1,
        },
    ),
    "goal_rate": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=scaled_goal_kwargs,
        data=lambda p, who: {"level": 1},
    ),
    "goal_revisit": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"reason": "It feels like too much"},
    ),
    "goal_revisit_resolve": Entry(
        pages(404, **writers(302, 404)), method="POST", kwargs=revisit_kwargs
    ),
    "goal_close": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"outcome": "retired", "note": "No longer fits", "version": 1},
    ),
    "goal_close_answer": Entry(
        pages(404, **writers(302, 404)),
        method="POST",
        kwargs=closure_kwargs,
        data=lambda p, who: {"accept": "no"},
    ),
    "goal_attainment": Entry(pages(404, **READERS), kwargs=client_kwargs),
    "value_list": Entry(pages(404, **READERS), kwargs=client_kwargs),
    "value_edit": Entry(
        pages(404, a=302), method="POST", kwargs=value_kwargs, data=lambda p, who: {"text": "Kin"}
    ),
    "value_delete": Entry(pages(404, a=302), method="POST", kwargs=value_kwargs),
}

API = {
    ("GET", "/api/v1/clients/{client_id}/goals"): Entry(
        operations(404, **READERS), kwargs=client_kwargs
    ),
    ("POST", "/api/v1/clients/{client_id}/goals"): Entry(
        operations(404, **writers(201)),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"text": "Sleep before midnight"},
    ),
    ("GET", "/api/v1/goals/{goal_id}"): Entry(operations(404, **READERS), kwargs=goal_kwargs),
    ("PATCH", "/api/v1/goals/{goal_id}"): Entry(
        operations(404, **writers(200)),
        method="PATCH",
        kwargs=goal_kwargs,
        data=lambda p, who: {"version": 1, "text": "Call my sister twice a week"},
    ),
    ("POST", "/api/v1/goals/{goal_id}/agree"): Entry(
        operations(404, **writers(200)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"version": 1},
    ),
    ("POST", "/api/v1/goals/{goal_id}/revisit"): Entry(
        operations(404, **writers(201)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"reason": "Too much"},
    ),
    ("POST", "/api/v1/goals/{goal_id}/revisit/{revisit_id}/resolve"): Entry(
        operations(404, **writers(200)), method="POST", kwargs=revisit_kwargs
    ),
    ("GET", "/api/v1/goals/{goal_id}/versions"): Entry(
        operations(404, **READERS), kwargs=goal_kwargs
    ),
    ("POST", "/api/v1/goals/{goal_id}/closure"): Entry(
        operations(404, **writers(201)),
        method="POST",
        kwargs=goal_kwargs,
        data=lambda p, who: {"outcome": "retired", "note": "No longer fits", "version": 1},
    ),
    ("POST", "/api/v1/goals/{goal_id}/closure/confirm"): Entry(
        operations(404, **writers(200)),
        method="POST",
        kwargs=closure_kwargs,
        data=lambda p, who: {},
    ),
    ("POST", "/api/v1/goals/{goal_id}/closure/decline"): Entry(
        operations(404, **writers(200)),
        method="POST",
        kwargs=closure_kwargs,
        data=lambda p, who: {"note": "Not yet"},
    ),
    ("PUT", "/api/v1/goals/{goal_id}/scale"): Entry(
        operations(404, **writers(200)),
        method="PUT",
        kwargs=goal_kwargs,
        data=lambda p, who: {"levels": LEVELS},
    ),
    ("POST", "/api/v1/goals/{goal_id}/ratings"): Entry(
        operations(404, **writers(201)),
        method="POST",
        kwargs=scaled_goal_kwargs,
        data=lambda p, who: {"level": 1},
    ),
    ("GET", "/api/v1/goals/{goal_id}/ratings"): Entry(
        operations(404, **READERS), kwargs=scaled_goal_kwargs
    ),
    ("GET", "/api/v1/clients/{client_id}/gas"): Entry(
        operations(404, **READERS), kwargs=client_kwargs
    ),
    ("GET", "/api/v1/clients/{client_id}/values"): Entry(
        operations(404, **READERS), kwargs=client_kwargs
    ),
    ("POST", "/api/v1/clients/{client_id}/values"): Entry(
        operations(404, a=201, c1=403, **{"supervisor": 403, "admin": 403}),
        method="POST",
        kwargs=client_kwargs,
        data=lambda p, who: {"text": "Honesty"},
    ),
    ("PATCH", "/api/v1/values/{value_id}"): Entry(
        operations(404, a=200, c1=403, supervisor=403, admin=403),
        method="PATCH",
        kwargs=value_kwargs,
        data=lambda p, who: {"text": "Kin"},
    ),
    ("DELETE", "/api/v1/values/{value_id}"): Entry(
        operations(404, a=204, c1=403, supervisor=403, admin=403),
        method="DELETE",
        kwargs=value_kwargs,
    ),
}


def goal_records_of_a(p):
    """A scaled, agreed goal of Amira's with a rating from each side, a revisit and a closure
    proposal: a row of every goals model."""
    goal = make_goal(p, scale=True, agreed=True)
    ratings = [services.rate_goal(user, goal, 1) for user in (p.a.user, p.c1)]
    revisit = services.request_revisit(p.c1, goal, "Is weekly too often?")
    goal.refresh_from_db()
    closure = services.propose_closure(p.a.user, goal, "achieved", "I call her now", goal.version)
    return [
        goal,
        *goal.versions.all(),
        *goal.levels.all(),
        *ratings,
        revisit,
        closure,
    ]


# Objects of each data kind in Amira's record (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {
    "goals": goal_records_of_a,
    "values": lambda p: [Value.objects.create(client=p.a, text="Family")],
}
