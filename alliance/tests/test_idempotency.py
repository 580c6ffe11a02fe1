"""The same `Idempotency-Key` with a different body is a 422 everywhere a key is taken: a retry
stores one record, and words sent under a used key are never silently dropped."""

import pytest

from alliance.alerts.models import Concern
from alliance.conftest import send_json
from alliance.homework.models import TaskLog
from alliance.homework.tests.helpers import make_task
from alliance.journal.models import JournalEntry
from alliance.measures.models import Response
from alliance.measures.tests.helpers import phq9
from alliance.notes.models import Note


def send_twice(web, url, first, second, key="retry-key-0001"):
    one = send_json(web, "POST", url, first, HTTP_IDEMPOTENCY_KEY=key)
    two = send_json(web, "POST", url, second, HTTP_IDEMPOTENCY_KEY=key)
    return one, two


def assert_refused_key(response):
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["header", "Idempotency-Key"]
    assert "already used" in problem["msg"]


def test_a_concern_with_other_words_under_a_used_key_is_refused(personas, api_as):
    web = api_as(personas.a.user)
    url = f"/api/v1/clients/{personas.a.pk}/concerns"
    first, other = send_twice(web, url, {"text": "Too fast"}, {"text": "I feel unheard"})
    assert first.status_code == 201
    assert_refused_key(other)
    assert [c.text for c in Concern.objects.all()] == ["Too fast"]
    again = send_json(web, "POST", url, {"text": "Too fast"}, HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]


def test_a_concern_without_words_under_a_key_used_with_words_is_refused(personas, api_as):
    web = api_as(personas.a.user)
    url = f"/api/v1/clients/{personas.a.pk}/concerns"
    _, other = send_twice(web, url, {"text": "Too fast"}, {})
    assert_refused_key(other)


@pytest.mark.parametrize(
    "second",
    [
        {"kind": "note", "text": "Other words"},
        {"kind": "insight", "text": "Slow down"},
        {"kind": "note", "text": "Slow down", "shared": True},
    ],
)
def test_a_journal_entry_differing_in_anything_under_a_used_key_is_refused(
    personas, api_as, second
):
    web = api_as(personas.a.user)
    url = f"/api/v1/clients/{personas.a.pk}/journal"
    first, other = send_twice(web, url, {"kind": "note", "text": "Slow down"}, second)
    assert first.status_code == 201
    assert_refused_key(other)
    entry = JournalEntry.objects.get()
    assert (entry.kind, entry.text, entry.shared) == ("note", "Slow down", False)


def test_a_check_in_with_other_answers_under_a_used_key_is_refused(personas, api_as):
    web = api_as(personas.a.user)
    url = f"/api/v1/clients/{personas.a.pk}/responses"
    first, other = send_twice(
        web,
        url,
        {"instrument": "phq9", "answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)},
        {"instrument": "phq9", "answers": phq9(2, 2, 2, 2, 2, 2, 2, 2, 0)},
    )
    assert first.status_code == 201
    assert_refused_key(other)
    assert Response.objects.get().score_total == 8


def test_a_note_with_other_words_under_a_used_key_is_refused(personas, api_as):
    web = api_as(personas.c1)
    url = f"/api/v1/clients/{personas.a.pk}/notes"
    first, other = send_twice(
        web, url, {"kind": "progress", "text": "one"}, {"kind": "progress", "text": "two"}
    )
    assert first.status_code == 201
    assert_refused_key(other)
    assert Note.objects.count() == 1


def test_a_task_log_differing_under_a_used_key_is_refused(personas, api_as):
    task = make_task(personas, agreed=True)
    web = api_as(personas.a.user)
    url = f"/api/v1/tasks/{task.pk}/logs"
    first, other = send_twice(
        web, url, {"status": "done", "fit": 5}, {"status": "not_done", "fit": 1, "note": "no"}
    )
    assert first.status_code == 201
    assert_refused_key(other)
    assert TaskLog.objects.count() == 1
