from alliance.goals.tests.helpers import make_goal
from alliance.homework import services
from alliance.homework.models import Task, TaskStatus
from alliance.homework.tests.helpers import make_task


def log(p, task, status, fit):
    task = Task.objects.select_related("client").get(pk=task.pk)
    services.log_task(p.a.user, task, status, fit)


def test_it_shows_the_counselor_completion_and_fit_at_a_glance(personas, web_as):
    task = make_task(personas, agreed=True)
    for status, fit in [("done", 5), ("done", 4), ("partly", 3), ("not_done", 2)]:
        log(personas, task, status, fit)
    page = web_as(personas.c1).get(f"/clients/{personas.a.pk}/tasks/").content.decode()
    assert task.text in page
    assert "63%" in page  # (2 done + half of 1 partly) of 4
    assert "3.5" in page  # mean fit
    assert "Latest logs, newest first: not done, partly, done, done" in page


def test_it_lets_the_client_log_from_their_task_list(personas, web_as):
    task = make_task(personas, agreed=True)
    page = web_as(personas.a.user).get(f"/clients/{personas.a.pk}/tasks/").content.decode()
    assert f'action="/tasks/{task.pk}/log/"' in page and "Tap how it went" in page


def test_it_proposes_a_task_from_the_web(personas, web_as):
    goal = make_goal(personas, agreed=True)
    web = web_as(personas.a.user)
    form = web.get(f"/clients/{personas.a.pk}/tasks/new/?goal={goal.pk}").content.decode()
    assert f'<option value="{goal.pk}" selected>' in form
    response = web.post(
        f"/clients/{personas.a.pk}/tasks/new/",
        {"goal": goal.pk, "text": "Write her a postcard", "frequency": "once"},
    )
    task = Task.objects.get()
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert task.agreed == {"client": True, "counselor": False}
    page = web_as(personas.c1).get(f"/tasks/{task.pk}/").content.decode()
    assert "I agree to version 1" in page


def test_it_refuses_a_blank_task_on_the_web(personas, web_as):
    goal = make_goal(personas, agreed=True)
    response = web_as(personas.c1).post(
        f"/clients/{personas.a.pk}/tasks/new/", {"goal": goal.pk, "text": "  "}
    )
    assert response.status_code == 422
    assert "Describe the task in a few words." in response.content.decode()
    assert not Task.objects.exists()


def test_it_reshows_a_stale_task_edit_with_the_newer_wording(personas, web_as):
    task = make_task(personas, agreed=True)
    goal_id = task.goal_id
    web_as(personas.c1).post(
        f"/tasks/{task.pk}/edit/", {"goal": goal_id, "text": "Ring her Saturday", "version": 1}
    )
    response = web_as(personas.a.user).post(
        f"/tasks/{task.pk}/edit/", {"goal": goal_id, "text": "Ring her Monday", "version": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ring her Saturday" in page and "Ring her Monday" in page
    assert Task.objects.get().text == "Ring her Saturday"


def test_it_drops_a_task_from_the_web_when_both_agree(personas, web_as):
    task = make_task(personas, agreed=True)
    web_as(personas.a.user).post(f"/tasks/{task.pk}/drop/", {"note": "Not helping", "version": 1})
    page = web_as(personas.c1).get(f"/tasks/{task.pk}/").content.decode()
    assert "Not helping" in page and "Yes, drop it" in page
    web_as(personas.c1).post(f"/tasks/{task.pk}/drop/answer/", {"accept": "yes"})
    assert Task.objects.get().status == TaskStatus.DROPPED
    bad = web_as(personas.a.user).post(f"/tasks/{make_task(personas).pk}/drop/", {"version": 1})
    assert bad.status_code == 422


def test_it_refuses_impossible_ids_in_the_task_form(personas, web_as):
    make_goal(personas, agreed=True)
    web = web_as(personas.a.user)
    huge = "99999999999999999999999"
    response = web.post(f"/clients/{personas.a.pk}/tasks/new/", {"goal": huge, "text": "x"})
    assert response.status_code == 422
    assert web.get(f"/clients/{personas.a.pk}/tasks/new/?goal={huge}").status_code == 200
    assert not Task.objects.exists()
