"""Goals, values, scales and their history are stored encrypted; key rotation covers them."""

import threading
import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from alliance import crypto
from alliance.conftest import send_json
from alliance.crypto import EncryptedTextField
from alliance.errors import Invalid
from alliance.goals import services
from alliance.goals.models import Goal, GoalVersion, Value
from alliance.goals.tests.helpers import free_text_fields, raw_column, rows_containing

KEY_A = b"A" * 32
KEY_B = b"B" * 32
WORD = "Quokka"
LEVELS = {
    "-2": f"{WORD} level minus two",
    "-1": f"{WORD} level minus one",
    "0": f"{WORD} level zero",
    "1": f"{WORD} level plus one",
    "2": f"{WORD} level plus two",
}


@pytest.fixture(autouse=True)
def sealed_with_key_a(settings):
    # From the start, before the personas are made: their second-factor secrets are sealed
    # too, and a sign-in must read them under the keys the test names.
    settings.ENCRYPTION_KEYS = [KEY_A]


def fresh(goal) -> Goal:
    return Goal.objects.select_related("client").get(pk=goal.pk)


@pytest.fixture
def story(personas, settings):
    """One goal through its whole life, every piece of text in it naming the same word."""
    settings.ENCRYPTION_KEYS = [KEY_A]
    client, counselor = personas.a, personas.c1
    value = services.add_value(client.user, client, f"{WORD} value")
    goal = services.propose_goal(client.user, client, f"{WORD} goal", f"{WORD} why", [value.pk])
    services.set_scale(client.user, fresh(goal), LEVELS, version=1)
    services.agree_to_goal(counselor, fresh(goal), 2)
    services.request_revisit(counselor, fresh(goal), f"{WORD} reason")
    services.propose_closure(client.user, fresh(goal), "achieved", f"{WORD} closing note", 2)
    services.answer_closure(counselor, fresh(goal), False, f"{WORD} answer note")
    return goal


def readable():
    """Everything the app reads back from the goals' text columns."""
    return {
        f"{model._meta.label}.{field.name}": list(
            model.objects.order_by("pk").values_list(field.name, flat=True)
        )
        for model, field in free_text_fields("goals")
    }


def test_it_stores_no_goal_text_in_the_clear(story):
    sealed_with_a = f"aes1:{crypto.fingerprint(KEY_A)}:"
    fields = list(free_text_fields("goals"))
    assert len(fields) == 11
    for model, field in fields:
        stored = [value for value in raw_column(model, field) if value]
        assert stored, f"{model.__name__}.{field.name} holds nothing to check"
        assert all(value.startswith(sealed_with_a) for value in stored), field
        assert not any(WORD in value for value in stored), field
        assert rows_containing(model, field, WORD) == 0, field
    # The app still reads every word.
    latest = GoalVersion.objects.get(number=2)
    assert (latest.text, latest.why) == (f"{WORD} goal", f"{WORD} why")
    assert latest.values == [f"{WORD} value"] and latest.levels == LEVELS
    assert GoalVersion.objects.get(number=1).levels is None


def test_it_shows_the_words_on_the_pages_and_in_the_api(story, personas, web_as, api_as):
    history = web_as(personas.c1).get(f"/goals/{story.pk}/history/").content.decode()
    assert f"{WORD} level plus two" in history and f"{WORD} closing note" in history
    versions = api_as(personas.a.user).get(f"/api/v1/goals/{story.pk}/versions").json()
    assert versions["items"][-1]["levels"] == LEVELS
    assert versions["items"][0]["values"] == [f"{WORD} value"]


def test_it_encrypts_every_free_text_field_of_goals():
    plain = [
        f"{model.__name__}.{field.name}"
        for model, field in free_text_fields("goals")
        if not isinstance(field, EncryptedTextField)
    ]
    assert plain == []


def test_it_keeps_the_length_limits_without_column_limits(personas):
    goal = Goal(client=personas.a, created_by=personas.a.user, text="g" * 501, why="w" * 2001)
    with pytest.raises(ValidationError) as refused:
        goal.clean_fields(exclude=["client", "created_by"])
    assert set(refused.value.message_dict) == {"text", "why"}
    Goal(
        client=personas.a, created_by=personas.a.user, text="g" * 500, why="w" * 2000
    ).clean_fields()


def test_it_rotates_goals_to_a_new_key(story, settings):
    before = readable()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    report = out.getvalue()
    for line in (
        "goals.Goal.text: 1 re-encrypted",
        "goals.GoalVersion.values: 2 re-encrypted",
        "goals.GoalVersion.levels: 1 re-encrypted",
        "goals.ScaleLevel.text: 5 re-encrypted",
        "goals.Closure.answer_note: 1 re-encrypted",
    ):
        assert line in report
    newest = crypto.fingerprint(KEY_B)
    for model, field in free_text_fields("goals"):
        assert {crypto.key_of(v) for v in raw_column(model, field) if v} == {newest}, field
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert readable() == before
    again = StringIO()
    call_command("keys", "rotate", stdout=again)
    assert "goals.GoalVersion.values: 0 re-encrypted" in again.getvalue()


def test_it_refuses_renaming_a_value_to_another_ones_words(personas, api_as):
    api = api_as(personas.a.user)
    family = services.add_value(personas.a.user, personas.a, "Family")
    health = services.add_value(personas.a.user, personas.a, "Health")
    response = send_json(api, "PATCH", f"/api/v1/values/{health.pk}", {"text": "FAMILY"})
    assert response.status_code == 422
    assert "already on your list" in response.json()["detail"][0]["msg"]
    assert Value.objects.get(pk=health.pk).text == "Health"
    # A value may change its own case; another client may have the same words.
    assert (
        send_json(api, "PATCH", f"/api/v1/values/{family.pk}", {"text": "FAMILY"}).status_code
        == 200
    )
    services.add_value(personas.b.user, personas.b, "Family")
    assert sorted(Value.objects.values_list("text", flat=True)) == ["FAMILY", "Family", "Health"]


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers at BEGIN IMMEDIATE, so two adds cannot interleave.",
)
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_of_two_identical_values_added_at_once(personas, monkeypatch):
    """The second add reads the list only once the first is committed, so it sees the first."""
    held = services._held_values
    rival = {}

    def add_the_same_value_meanwhile(client):
        values = held(client)
        if rival:
            return values

        def add():
            connection.ensure_connection()
            rival["pid"] = connection.connection.info.backend_pid
            try:
                services.add_value(client.user, client, "family")
            except Invalid as problem:
                rival["refused"] = problem.message
            finally:
                connection.close()

        thread = threading.Thread(target=add)
        rival["thread"] = thread
        thread.start()
        # Go on once the rival is queued behind this transaction (or has finished, had it
        # not been made to wait).
        while thread.is_alive() and not ("pid" in rival and _waiting_for_a_lock(rival["pid"])):
            time.sleep(0.01)
        return values

    monkeypatch.setattr(services, "_held_values", add_the_same_value_meanwhile)
    services.add_value(personas.a.user, personas.a, "Family")
    rival["thread"].join()
    assert list(Value.objects.filter(client=personas.a).values_list("text", flat=True)) == [
        "Family"
    ]
    assert rival["refused"] == "“family” is already on your list."
