"""Tasks, their versions, drops and logs are stored encrypted; key rotation covers them."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from alliance import crypto
from alliance.crypto import EncryptedTextField
from alliance.goals.tests.helpers import free_text_fields, make_goal, raw_column, rows_containing
from alliance.homework import services
from alliance.homework.models import Task, TaskLog

KEY_A = b"A" * 32
KEY_B = b"B" * 32
WORD = "Quokka"


@pytest.fixture(autouse=True)
def sealed_with_key_a(settings):
    # From the start, before the personas are made: their second-factor secrets are sealed
    # too, and a sign-in must read them under the keys the test names.
    settings.ENCRYPTION_KEYS = [KEY_A]


def fresh(task) -> Task:
    return Task.objects.select_related("client", "goal").get(pk=task.pk)


@pytest.fixture
def story(personas, settings):
    """One task reworded, logged and nearly dropped, every piece of text naming one word."""
    settings.ENCRYPTION_KEYS = [KEY_A]
    client, counselor = personas.a, personas.c1
    goal = make_goal(personas, agreed=True)
    task = services.propose_task(
        client.user, client, goal.pk, f"{WORD} task", f"{WORD} every morning"
    )
    services.edit_task(
        counselor, fresh(task), 1, text=f"{WORD} task, shorter", frequency=f"{WORD} weekdays"
    )
    services.agree_to_task(client.user, fresh(task), 2)
    services.log_task(client.user, fresh(task), "partly", 3, f"{WORD} log note")
    services.propose_drop(counselor, fresh(task), f"{WORD} drop note", 2)
    services.answer_drop(client.user, fresh(task), False, f"{WORD} answer note")
    return task


def readable():
    return {
        f"{model._meta.label}.{field.name}": list(
            model.objects.order_by("pk").values_list(field.name, flat=True)
        )
        for model, field in free_text_fields("homework")
    }


def test_it_stores_no_task_text_in_the_clear(story):
    sealed_with_a = f"aes1:{crypto.fingerprint(KEY_A)}:"
    fields = list(free_text_fields("homework"))
    assert len(fields) == 7
    for model, field in fields:
        stored = [value for value in raw_column(model, field) if value]
        assert stored, f"{model.__name__}.{field.name} holds nothing to check"
        assert all(value.startswith(sealed_with_a) for value in stored), field
        assert not any(WORD in value for value in stored), field
        assert rows_containing(model, field, WORD) == 0, field
    task = fresh(story)
    assert (task.text, task.frequency) == (f"{WORD} task, shorter", f"{WORD} weekdays")
    assert TaskLog.objects.get().note == f"{WORD} log note"


def test_it_shows_the_words_to_the_client_and_the_counselor(story, personas, web_as, api_as):
    page = web_as(personas.a.user).get(f"/tasks/{story.pk}/").content.decode()
    assert f"{WORD} task, shorter" in page and f"{WORD} log note" in page
    versions = api_as(personas.c1).get(f"/api/v1/tasks/{story.pk}/versions").json()["items"]
    assert [v["frequency"] for v in versions] == [f"{WORD} every morning", f"{WORD} weekdays"]


def test_it_encrypts_every_free_text_field_of_tasks():
    plain = [
        f"{model.__name__}.{field.name}"
        for model, field in free_text_fields("homework")
        if not isinstance(field, EncryptedTextField)
    ]
    assert plain == []


def test_it_keeps_the_length_limits_without_column_limits(personas):
    goal = make_goal(personas)
    task = Task(client=personas.a, goal=goal, created_by=personas.a.user)
    task.text, task.frequency = "t" * 501, "f" * 101
    with pytest.raises(ValidationError) as refused:
        task.clean_fields()
    assert set(refused.value.message_dict) == {"text", "frequency"}
    task.text, task.frequency = "t" * 500, "f" * 100
    task.clean_fields()


def test_it_rotates_tasks_to_a_new_key(story, settings):
    before = readable()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    for line in (
        "homework.Task.text: 1 re-encrypted",
        "homework.TaskVersion.frequency: 2 re-encrypted",
        "homework.TaskDrop.answer_note: 1 re-encrypted",
        "homework.TaskLog.note: 1 re-encrypted",
    ):
        assert line in out.getvalue()
    newest = crypto.fingerprint(KEY_B)
    for model, field in free_text_fields("homework"):
        assert {crypto.key_of(v) for v in raw_column(model, field) if v} == {newest}, field
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert readable() == before
