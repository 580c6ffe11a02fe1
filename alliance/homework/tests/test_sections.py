"""The goals and tasks sections on the client's home page and on the client's staff page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.audit.models import AuditEvent
from alliance.goals import services
from alliance.goals.tests.helpers import last_event_id, make_goal
from alliance.homework.tests.helpers import make_task


def test_it_shows_the_client_their_goals_and_two_tap_task_logging_at_home(personas, web_as):
    goal = make_goal(personas, agreed=True)
    task = make_task(personas, goal=goal, agreed=True)
    page = web_as(personas.a.user).get("/home/").content.decode()
    assert "Your goals" in page and goal.text in page
    assert "Tasks between sessions" in page and task.text in page
    assert f'action="/tasks/{task.pk}/log/"' in page
    for status in ("done", "partly", "not_done"):
        assert f'id="task-{task.pk}-status-{status}"' in page
    assert "How well did this task fit you?" in page


def test_it_tells_the_client_what_waits_for_them(personas, web_as):
    goal = make_goal(personas)
    services.edit_goal(personas.c1, goal, 1, text="Call my sister on Sundays")
    page = web_as(personas.a.user).get("/home/").content.decode()
    assert "Carmen Counselor is waiting for you" in page and "Call my sister on Sundays" in page


def test_it_shows_staff_goals_and_tasks_at_a_glance_on_the_client_page(personas, web_as):
    goal = make_goal(personas, agreed=True)
    make_task(personas, goal=goal, agreed=True)
    page = web_as(personas.supervisor).get(f"/clients/{personas.a.pk}/").content.decode()
    assert goal.text in page and "Tasks at a glance" in page
    assert "Propose a goal" not in page  # supervisors read only


def test_it_audits_what_the_sections_show(personas, web_as):
    goal = make_goal(personas, agreed=True)
    task = make_task(personas, goal=goal, agreed=True)
    before = last_event_id()
    web_as(personas.c1).get(f"/clients/{personas.a.pk}/")
    shown = set(
        AuditEvent.objects.filter(pk__gt=before, action="list").values_list(
            "object_type", "object_id"
        )
    )
    assert {("Goal", str(goal.pk)), ("Task", str(task.pk))} <= shown


def home_queries(web) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert web.get("/home/").status_code == 200
    return len(queries)


def test_it_keeps_the_home_page_queries_flat_as_goals_grow(personas, web_as):
    web = web_as(personas.a.user)
    goal = make_goal(personas, text="Goal 0", agreed=True)
    make_task(personas, goal=goal, text="Task 0", agreed=True)
    web.get("/home/")
    one = home_queries(web)
    for n in range(1, 4):
        goal = make_goal(personas, text=f"Goal {n}", agreed=True)
        make_task(personas, goal=goal, text=f"Task {n}", agreed=True)
    assert home_queries(web) == one


def test_it_shows_no_sections_to_people_who_cannot_see_the_client(personas, web_as):
    make_goal(personas)
    assert web_as(personas.c2).get(f"/clients/{personas.a.pk}/").status_code == 404
