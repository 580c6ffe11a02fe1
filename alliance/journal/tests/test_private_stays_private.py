"""A private journal entry reaches only its client, and a psychotherapy note only its author,
through every page and every API operation there is.

The pages and operations come from every app's access matrix, so a page added later is asked
too. Each persona opens each of them, plus the addresses of the private objects themselves,
and the private words must never come back to anyone else.
"""

import json

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from alliance.conftest import bearer, sign_in
from alliance.journal.models import JournalEntry, Kind
from alliance.notes.models import Note, NoteKind
from alliance.tests.access import EVERYONE
from alliance.tests.test_access_matrix import API, WEB

ENTRY_WORDS = "zq-private-journal-7731"
NOTE_WORDS = "zq-psychotherapy-note-4409"


@pytest.fixture
def personas(shared_personas):
    # Hundreds of cases, each a request or two: the personas are made once for the module.
    return shared_personas


@pytest.fixture
def private(personas):
    entry = JournalEntry.objects.create(
        client=personas.a, kind=Kind.BRING_UP, text=f"{ENTRY_WORDS} about my father"
    )
    note = Note.objects.create(
        client=personas.a,
        author=personas.c1,
        kind=NoteKind.PSYCHOTHERAPY,
        text=f"{NOTE_WORDS}: I felt protective",
    )
    return entry, note


def web_for(personas, who):
    # Another app's page failing here is the access matrix's business, not this test's.
    web = WebClient(raise_request_exception=False)
    return web if who == "anon" else sign_in(web, personas.users[who])


def api_for(personas, who):
    headers = {} if who == "anon" else bearer(personas.users[who])
    return WebClient(raise_request_exception=False, **headers)


PAGES = sorted(name for name, item in WEB.items() if item.method == "GET")
OPERATIONS = sorted(key for key, item in API.items() if key[0] == "GET")


def assert_kept(who, url, body: bytes):
    if who != "a":
        assert ENTRY_WORDS.encode() not in body, f"{who} read the private journal entry at {url}"
    if who != "c1":
        assert NOTE_WORDS.encode() not in body, f"{who} read the psychotherapy note at {url}"


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("name", PAGES)
def test_it_keeps_private_words_off_every_page(personas, private, name, who):
    item = WEB[name]
    url = reverse(name, kwargs=item.kwargs(personas, who))
    url += f"?{item.query}" if item.query else ""
    assert_kept(who, url, web_for(personas, who).get(url).content)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("key", OPERATIONS, ids=lambda key: key[1])
def test_it_keeps_private_words_out_of_every_api_answer(personas, private, key, who):
    item = API[key]
    url = key[1].format(**item.kwargs(personas, who))
    url += f"?{item.query}" if item.query else ""
    assert_kept(who, url, api_for(personas, who).get(url).content)


@pytest.mark.parametrize("who", EVERYONE)
def test_it_keeps_the_private_objects_from_everyone_else_at_their_own_addresses(
    personas, private, who
):
    entry, note = private
    web, api = web_for(personas, who), api_for(personas, who)
    for url in [
        reverse("journal_entry", args=[entry.pk]),
        reverse("journal_delete", args=[entry.pk]),
        reverse("client_journal", args=[personas.a.pk]),
        reverse("client_notes", args=[personas.a.pk]) + "?own_page=1",
        reverse("client_detail", args=[personas.a.pk]),
    ]:
        assert_kept(who, url, web.get(url).content)
    for url in [
        f"/api/v1/journal/{entry.pk}",
        f"/api/v1/clients/{personas.a.pk}/journal?kind=bring_up",
        f"/api/v1/clients/{personas.a.pk}/notes?kind=psychotherapy",
    ]:
        assert_kept(who, url, api.get(url).content)
    if who == "a":
        return
    sharing = api.patch(
        f"/api/v1/journal/{entry.pk}", json.dumps({"shared": True}), content_type="application/json"
    )
    assert_kept(who, "PATCH journal entry", sharing.content)
    shared = web.post(reverse("journal_share", args=[entry.pk]), {"shared": "1"})
    assert_kept(who, "share form", shared.content)
    entry.refresh_from_db()
    assert not entry.shared, f"{who} shared the client's entry"


def test_it_shows_each_private_thing_to_its_owner(personas, private):
    entry, note = private
    assert ENTRY_WORDS.encode() in web_for(personas, "a").get(reverse("journal")).content
    assert (
        NOTE_WORDS.encode()
        in web_for(personas, "c1").get(reverse("client_notes", args=[personas.a.pk])).content
    )
    listing = api_for(personas, "c1").get(f"/api/v1/clients/{personas.a.pk}/notes").json()
    assert [n["id"] for n in listing["items"]] == [note.pk]
