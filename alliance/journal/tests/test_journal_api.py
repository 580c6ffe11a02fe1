"""The journal API: the client writes; their counselor lists and reads what is shared."""

import json

import pytest

from alliance.audit.models import AuditEvent
from alliance.journal.models import MAX_TEXT_LENGTH, JournalEntry, Kind


def post(api, client, body, **headers):
    return api.post(
        f"/api/v1/clients/{client.pk}/journal",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def patch(api, entry, body):
    return api.patch(
        f"/api/v1/journal/{entry.pk}", json.dumps(body), content_type="application/json"
    )


def test_it_stores_a_private_entry_by_default(personas, api_as):
    response = post(
        api_as(personas.a.user), personas.a, {"kind": "insight", "text": " Slow down. "}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["text"], body["shared"]) == ("insight", "Slow down.", False)
    assert body["kind_label"] == "Insight to revisit"
    assert AuditEvent.objects.filter(
        object_type="JournalEntry", object_id=str(body["id"]), action="create", via="api"
    ).exists()


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"kind": "insight", "text": ""}, "text", "Write something before saving."),
        ({"kind": "insight", "text": "  \n "}, "text", "Write something before saving."),
        ({"kind": "insight", "text": "x" * (MAX_TEXT_LENGTH + 1)}, "text", "at most 10000"),
        ({"kind": "diary", "text": "hello"}, "kind", "gratitude"),
        ({"text": "hello"}, "kind", "required"),
        ({"kind": "insight", "text": "hello", "shared": "perhaps"}, "shared", "boolean"),
        ({"kind": "insight", "text": "\ud800 lone half"}, "text", "valid string"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(personas, api_as, body, field, message):
    response = post(api_as(personas.a.user), personas.a, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(item["loc"][-1] == field and message in item["msg"] for item in detail), detail
    assert JournalEntry.objects.count() == 0


def test_it_refuses_a_counselor_writing_in_the_journal(personas, api_as):
    for who in ["c1", "supervisor", "admin"]:
        response = post(api_as(personas.users[who]), personas.a, {"kind": "note", "text": "hi"})
        assert response.status_code == 403
        assert "Only the client writes in their own journal" in response.json()["detail"]
    response = post(api_as(personas.c2), personas.a, {"kind": "note", "text": "hi"})
    assert response.status_code == 404
    assert JournalEntry.objects.count() == 0


def test_it_lists_everything_for_the_client_and_only_shared_entries_for_the_counselor(
    personas, api_as
):
    JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="private")
    shared = JournalEntry.objects.create(
        client=personas.a, kind=Kind.BRING_UP, text="shared", shared=True
    )
    url = f"/api/v1/clients/{personas.a.pk}/journal"
    assert api_as(personas.a.user).get(url).json()["count"] == 2
    body = api_as(personas.c1).get(url).json()
    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [shared.pk]
    assert api_as(personas.c1).get(url + "?kind=note").json()["count"] == 0
    refused = api_as(personas.supervisor).get(url)
    assert refused.status_code == 403
    assert "their counselor" in refused.json()["detail"]


def test_it_hides_a_private_entry_from_the_counselor_by_id(personas, api_as):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="private")
    api = api_as(personas.c1)
    assert api.get(f"/api/v1/journal/{entry.pk}").status_code == 404
    assert patch(api, entry, {"shared": True}).status_code == 404
    assert api.delete(f"/api/v1/journal/{entry.pk}").status_code == 404
    entry.refresh_from_db()
    assert not entry.shared


def test_it_lets_the_counselor_read_but_not_change_a_shared_entry(personas, api_as):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="hi", shared=True)
    api = api_as(personas.c1)
    assert api.get(f"/api/v1/journal/{entry.pk}").json()["text"] == "hi"
    assert patch(api, entry, {"text": "changed"}).status_code == 403
    assert api.delete(f"/api/v1/journal/{entry.pk}").status_code == 403
    entry.refresh_from_db()
    assert entry.text == "hi"


def test_it_shares_unshares_and_edits_through_patch(personas, api_as):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="first")
    api = api_as(personas.a.user)
    body = patch(api, entry, {"shared": True}).json()
    assert body["shared"] and body["shared_at"]
    body = patch(api, entry, {"text": "second", "kind": "insight"}).json()
    assert (body["text"], body["kind"], body["shared"]) == ("second", "insight", True)
    assert patch(api, entry, {"shared": False}).json()["shared_at"] is None


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "Send at least one of kind, text, shared."),
        ({"text": "   "}, "Write something before saving."),
        ({"kind": "diary"}, "gratitude"),
    ],
)
def test_it_refuses_a_bad_change_and_keeps_the_entry(personas, api_as, body, message):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="kept")
    response = patch(api_as(personas.a.user), entry, body)
    assert response.status_code == 422
    assert message in json.dumps(response.json())
    entry.refresh_from_db()
    assert (entry.kind, entry.text) == ("note", "kept")


def test_it_deletes_an_entry(personas, api_as):
    entry = JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="gone")
    api = api_as(personas.a.user)
    assert api.delete(f"/api/v1/journal/{entry.pk}").status_code == 204
    assert api.get(f"/api/v1/journal/{entry.pk}").status_code == 404


def test_it_stores_one_entry_for_a_repeated_idempotency_key(personas, api_as):
    api = api_as(personas.a.user)
    body = {"kind": "note", "text": "once"}
    first = post(api, personas.a, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(api, personas.a, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    other = post(api, personas.a, {"kind": "note", "text": "different"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert JournalEntry.objects.count() == 1


@pytest.mark.parametrize("entry_id", ["0", "-1", "99999999999999999999999", "abc"])
def test_it_answers_odd_ids_without_failing(personas, api_as, entry_id):
    response = api_as(personas.a.user).get(f"/api/v1/journal/{entry_id}")
    assert response.status_code in {404, 422}


def test_it_lists_in_a_fixed_number_of_queries(personas, api_as, django_assert_max_num_queries):
    for n in range(40):
        JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text=f"n{n}", shared=True)
    api = api_as(personas.c1)
    with django_assert_max_num_queries(12):
        assert api.get(f"/api/v1/clients/{personas.a.pk}/journal").json()["count"] == 40
