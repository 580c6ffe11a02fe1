import pytest

from alliance.conftest import send_json
from alliance.homework.models import TaskLog, TaskStatus
from alliance.homework.tests.helpers import make_task


def test_it_logs_a_task_with_how_well_it_fit(personas, api_as):
    task = make_task(personas, agreed=True)
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/tasks/{task.pk}/logs",
        {"status": "partly", "fit": 4, "note": "Only ten minutes"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["fit"], body["note"]) == ("partly", 4, "Only ten minutes")
    listing = api_as(personas.c1).get(f"/api/v1/tasks/{task.pk}/logs").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "done"}, "fit"),
        ({"status": "done", "fit": 0}, "fit"),
        ({"status": "done", "fit": 6}, "fit"),
        ({"status": "done", "fit": "4"}, "fit"),
        ({"status": "done", "fit": 3.5}, "fit"),
        ({"status": "finished", "fit": 3}, "status"),
        ({"fit": 3}, "status"),
        ({"status": "done", "fit": 3, "note": "n" * 1001}, "note"),
    ],
)
def test_it_refuses_a_bad_log_and_stores_nothing(personas, api_as, body, field):
    task = make_task(personas, agreed=True)
    response = send_json(api_as(personas.a.user), "POST", f"/api/v1/tasks/{task.pk}/logs", body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert not TaskLog.objects.exists()


def test_it_refuses_a_log_on_someone_elses_task(personas, api_as):
    theirs = make_task(personas, client=personas.b, agreed=True)
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/tasks/{theirs.pk}/logs",
        {"status": "done", "fit": 5},
    )
    assert response.status_code == 404
    assert not TaskLog.objects.exists()


def test_it_leaves_logging_to_the_client(personas, api_as, web_as):
    task = make_task(personas, agreed=True)
    response = send_json(
        api_as(personas.c1), "POST", f"/api/v1/tasks/{task.pk}/logs", {"status": "done", "fit": 5}
    )
    assert response.status_code == 403
    assert web_as(personas.c1).post(f"/tasks/{task.pk}/log/", {"status": "done"}).status_code == 404
    assert not TaskLog.objects.exists()


def test_it_stores_one_log_for_a_retried_request(personas, api_as):
    task = make_task(personas, agreed=True)
    web = api_as(personas.a.user)
    url = f"/api/v1/tasks/{task.pk}/logs"
    body = {"status": "done", "fit": 5}
    first = send_json(web, "POST", url, body, HTTP_IDEMPOTENCY_KEY="log-2026-11-22-a")
    again = send_json(web, "POST", url, body, HTTP_IDEMPOTENCY_KEY="log-2026-11-22-a")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert TaskLog.objects.count() == 1
    bad = send_json(web, "POST", url, body, HTTP_IDEMPOTENCY_KEY="no spaces allowed")
    assert bad.status_code == 422 and TaskLog.objects.count() == 1


def test_it_refuses_logs_on_a_dropped_task(personas, api_as):
    task = make_task(personas, agreed=True)
    task.status = TaskStatus.DROPPED
    task.save()
    response = send_json(
        api_as(personas.a.user),
        "POST",
        f"/api/v1/tasks/{task.pk}/logs",
        {"status": "done", "fit": 3},
    )
    assert response.status_code == 422 and "dropped" in response.json()["detail"][0]["msg"]


def test_it_logs_in_two_taps_on_the_phone(personas, web_as):
    task = make_task(personas, agreed=True)
    web = web_as(personas.a.user)
    response = web.post(
        f"/tasks/{task.pk}/log/", {"status": "done", "next": "/home/", "key": "k" * 24}
    )
    assert response.status_code == 302 and response["Location"] == "/home/"
    log = TaskLog.objects.get()
    assert (log.status, log.fit, log.note) == ("done", None, "")
    web.post(f"/tasks/{task.pk}/log/", {"status": "done", "next": "/home/", "key": "k" * 24})
    assert TaskLog.objects.count() == 1  # a double tap stores one log
    assert "Saved:" in web.get("/home/").content.decode()


def test_it_refuses_a_bad_web_log_with_the_form_shown_again(personas, web_as):
    task = make_task(personas, agreed=True)
    web = web_as(personas.a.user)
    for data, message in [
        ({}, "Choose done, partly or not done."),
        ({"status": "done", "fit": "9"}, "Choose how well the task fit you, from 1 to 5."),
        ({"status": "done", "note": "n" * 1001}, "at most 1000 characters"),
    ]:
        response = web.post(f"/tasks/{task.pk}/log/", data)
        assert response.status_code == 422
        assert message in response.content.decode()
    assert not TaskLog.objects.exists()


def test_it_refuses_a_redirect_elsewhere_after_logging(personas, web_as):
    task = make_task(personas, agreed=True)
    response = web_as(personas.a.user).post(
        f"/tasks/{task.pk}/log/", {"status": "partly", "fit": "3", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/tasks/{task.pk}/"
