from alliance.journal.models import JournalEntry, Kind
from alliance.tests.access import CLIENTS, Entry, operations, pages


def entry_of_a(p, shared=True):
    return JournalEntry.objects.create(
        client=p.a, kind=Kind.INSIGHT, text="I notice I rush to agree.", shared=shared
    )


def shared_entry(p, who):
    return {"entry_id": entry_of_a(p).pk}


def of_a(p, who):
    return {"client_id": p.a.pk}


ONLY_A = {"a": 200}

WEB = {
    "journal": Entry(pages(404, **{c: 200 for c in CLIENTS})),
    # Even a shared entry is never opened by staff on the client's pages.
    "journal_entry": Entry(pages(404, **ONLY_A), kwargs=shared_entry),
    "journal_share": Entry(
        pages(404, a=302), method="POST", kwargs=shared_entry, data=lambda p, who: {"shared": "0"}
    ),
    "journal_delete": Entry(pages(404, **ONLY_A), kwargs=shared_entry),
    # The client's counselor reads what is shared; supervisors and administrators do not.
    "client_journal": Entry(pages(404, c1=200), kwargs=of_a),
    "who_sees_what": Entry(pages(404, **{c: 200 for c in CLIENTS})),
}

API = {
    ("POST", "/api/v1/clients/{client_id}/journal"): Entry(
        operations(404, a=201, c1=403, supervisor=403, admin=403),
        method="POST",
        kwargs=of_a,
        data=lambda p, who: {"kind": "bring_up", "text": "How we end sessions", "shared": True},
    ),
    ("GET", "/api/v1/clients/{client_id}/journal"): Entry(
        operations(404, a=200, c1=200, supervisor=403, admin=403), kwargs=of_a
    ),
    ("GET", "/api/v1/journal/{entry_id}"): Entry(
        operations(404, a=200, c1=200), kwargs=shared_entry
    ),
    ("PATCH", "/api/v1/journal/{entry_id}"): Entry(
        operations(404, a=200, c1=403),
        method="PATCH",
        kwargs=shared_entry,
        data=lambda p, who: {"shared": False},
    ),
    ("DELETE", "/api/v1/journal/{entry_id}"): Entry(
        operations(404, a=204, c1=403), method="DELETE", kwargs=shared_entry
    ),
}

# Objects of each data kind in Amira's record, for the check that "Who sees my data" and the
# access rules agree (alliance/journal/tests/test_who_sees_what.py).
PRIVACY = {
    # The record's rule is `Client.objects.visible_to`; its statement is in accounts.privacy.
    "record": lambda p: [p.a],
    "journal": lambda p: [entry_of_a(p, shared=True), entry_of_a(p, shared=False)],
}
