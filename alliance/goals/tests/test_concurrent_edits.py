"""Two people editing the same goal at once: exactly one wins, the other is told, nothing lost."""

import threading

import pytest
from django.db import connection
from django.test import Client as WebClient

from alliance.agreement import services as agreement
from alliance.conftest import bearer, send_json
from alliance.errors import Conflict
from alliance.goals import services
from alliance.goals.models import Goal, GoalVersion
from alliance.goals.tests.helpers import make_goal


def test_it_refuses_the_second_of_two_edits_based_on_the_same_version(personas, api_as):
    goal = make_goal(personas)
    bodies = {
        personas.a.user: {"version": 1, "text": "Call my sister on Sundays"},
        personas.c1: {"version": 1, "text": "Call my sister twice a week"},
    }
    answers = [
        send_json(api_as(user), "PATCH", f"/api/v1/goals/{goal.pk}", body)
        for user, body in bodies.items()
    ]
    assert [a.status_code for a in answers] == [200, 409]
    loser = answers[1].json()
    assert loser["current"]["text"] == "Call my sister on Sundays"
    assert Goal.objects.get().text == "Call my sister on Sundays"
    assert GoalVersion.objects.filter(goal=goal).count() == 2


def test_it_checks_the_version_in_the_update_itself(personas, monkeypatch):
    """Another edit lands between this edit's read and its write: the write must still lose.

    Run here inside the first edit's transaction, so it rolls back with it; the threaded test
    below shows the same with two real connections.
    """
    goal = make_goal(personas)
    original = agreement.advance
    interleaved = []

    def racing(model, pk, read_version, side, at, **columns):
        if not interleaved:
            interleaved.append(True)
            other = Goal.objects.select_related("client").get(pk=pk)
            services.edit_goal(personas.c1, other, read_version, text="The counselor's wording")
        return original(model, pk, read_version, side, at, **columns)

    monkeypatch.setattr(agreement, "advance", racing)
    with pytest.raises(Conflict) as refused:
        services.edit_goal(personas.a.user, goal, 1, text="The client's wording")
    # The refusal shows the wording that got in first; the client's text was not written over it.
    assert refused.value.current.text == "The counselor's wording"
    assert refused.value.current.version == 2


needs_two_writers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers at BEGIN IMMEDIATE, so two edits cannot interleave; "
    "its in-memory test database also refuses a second writer instead of waiting.",
)


@needs_two_writers
@pytest.mark.django_db(transaction=True)
def test_it_loses_to_an_edit_committed_between_its_read_and_its_write(personas, monkeypatch):
    goal = make_goal(personas)
    original = agreement.advance
    rivals = []

    def commit_a_rival_edit_first(model, pk, read_version, side, at, **columns):
        if rivals:  # the rival itself goes straight through
            return original(model, pk, read_version, side, at, **columns)

        def rival():
            try:
                other = Goal.objects.select_related("client").get(pk=pk)
                services.edit_goal(personas.c1, other, read_version, text="The counselor's")
            finally:
                connection.close()

        thread = threading.Thread(target=rival)
        rivals.append(thread)
        thread.start()
        thread.join(timeout=30)
        return original(model, pk, read_version, side, at, **columns)

    monkeypatch.setattr(agreement, "advance", commit_a_rival_edit_first)
    with pytest.raises(Conflict):
        services.edit_goal(personas.a.user, goal, 1, text="The client's")
    goal.refresh_from_db()
    assert (goal.version, goal.text) == (2, "The counselor's")
    assert list(goal.versions.values_list("number", "author")) == [
        (1, personas.a.user.pk),
        (2, personas.c1.pk),
    ]


@needs_two_writers
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_editors_win(personas):
    goal = make_goal(personas)
    editors = {
        "client": (personas.a.user, "Call my sister on Sundays"),
        "counselor": (personas.c1, "Call my sister twice a week"),
    }
    headers = {side: bearer(user) for side, (user, _) in editors.items()}
    start = threading.Barrier(len(editors))
    results = {}

    def edit(side):
        _, text = editors[side]
        web = WebClient(**headers[side])
        try:
            start.wait(timeout=10)
            response = send_json(
                web, "PATCH", f"/api/v1/goals/{goal.pk}", {"version": 1, "text": text}
            )
            results[side] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(side,)) for side in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409], results
    winner = next(side for side, (status, _) in results.items() if status == 200)
    loser = next(side for side, (status, _) in results.items() if status == 409)
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.text == editors[winner][1] and stored.version == 2
    # The loser is shown exactly what won, so nothing is lost without their knowing.
    assert results[loser][1]["current"]["text"] == editors[winner][1]
    assert GoalVersion.objects.filter(goal=goal).count() == 2
