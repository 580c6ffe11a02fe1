"""The vocabulary of the access matrix: who asks, what they send, what they must get back.

Each app lists its pages in `WEB` (keyed by URL name) and its API operations in `API` (keyed by
method and OpenAPI path) in its `tests/matrix.py`; `test_access_matrix` checks every persona
against every entry and fails when a page or operation has no entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import connection

from alliance.conftest import PERSONAS

EVERYONE = ["anon", *PERSONAS]
STAFF = ["admin", "supervisor", "c1", "c2", "other_counselor"]
CLIENTS = ["a", "b", "d", "other_client"]


def outcome(default: int, anon: int | None = None, **statuses: int) -> dict[str, int]:
    """Every persona's expected status: `default` unless named; anonymous callers separately."""
    unknown = set(statuses) - set(EVERYONE)
    assert not unknown, f"unknown personas {unknown}"
    expected = {persona: statuses.get(persona, default) for persona in EVERYONE}
    if anon is not None:
        expected["anon"] = anon
    return expected


def pages(default: int = 404, **statuses: int) -> dict[str, int]:
    """A signed-in page: anonymous visitors are sent to sign in, others get `default`."""
    return outcome(default, anon=302, **statuses)


def operations(default: int = 404, **statuses: int) -> dict[str, int]:
    """An API operation: anonymous callers get 401, others `default` unless named."""
    return outcome(default, anon=401, **statuses)


@dataclass
class Entry:
    expect: dict[str, int]
    method: str = "GET"
    # Both receive the personas and the name of the persona asking.
    kwargs: Callable = field(default=lambda p, who: {})
    data: Callable | None = None
    query: str = ""


# --- What a refused request must leave as it was: every table, less the bookkeeping below.

# Tables a refused request may rightly write, each with its reason.
BOOKKEEPING = {
    # Refusals are to be recorded in the audit trail too; what it holds is its own tests' business.
    "audit.AuditEvent",
    # The count beside each refusal event (alliance.audit.refusals).
    "audit.Refusal",
    # SESSION_SAVE_EVERY_REQUEST pushes the session's expiry forward on every request, refused
    # or not: that is the inactivity timeout working.
    "sessions.Session",
}


@cache
def _tables() -> list[tuple[str, str]]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in BOOKKEEPING:
            continue
        tables[meta.db_table] = meta.pk.column
    return sorted(tables.items())


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table as stored (encrypted text as ciphertext), in key order."""
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for table, key in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(key)}")
            state[table] = cursor.fetchall()
    return state


def changes(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """What differs between two states, a few rows per table, for a failure message."""
    found = []
    for table in before:
        if before[table] == after[table]:
            continue
        gone = [row for row in before[table] if row not in after[table]]
        new = [row for row in after[table] if row not in before[table]]
        found.append(
            f"{table}: "
            + "; ".join(
                [*(f"- {row!r:.200}" for row in gone[:3]), *(f"+ {row!r:.200}" for row in new[:3])]
            )
        )
    return found
