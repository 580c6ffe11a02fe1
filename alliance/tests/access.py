"""The vocabulary of the access matrix: who asks, what they send, what they must get back.

Each app lists its pages in `WEB` (keyed by URL name) and its API operations in `API` (keyed by
method and OpenAPI path) in its `tests/matrix.py`; `test_access_matrix` checks every persona
against every entry and fails when a page or operation has no entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

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
