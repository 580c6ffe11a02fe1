"""Building tasks for tests through the same services the pages and API use."""

from alliance.goals.tests.helpers import make_goal
from alliance.homework import services


def make_task(p, *, goal=None, client=None, text="Ring her on Sunday evening", agreed=False):
    """A weekly task of Amira's (or `client`'s) proposed by the client, for `goal` or a new
    agreed goal; optionally agreed by the counselor."""
    client = client or p.a
    goal = goal or make_goal(p, client=client, agreed=True)
    task = services.propose_task(client.user, client, goal.pk, text, "weekly")
    if agreed:
        services.agree_to_task(client.counselor, task, task.version)
    task.refresh_from_db()
    return task
