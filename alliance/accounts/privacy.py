"""Who sees each kind of a client's data, stated once and used twice.

Each kind of client data (the record, the journal, notes, …) is a `DataKind`: for each audience
(the client, their counselor, the clinic's supervisors and administrators) it says how much of
it they see, and who writes it. The kind's queryset builds its `visible_to` from that statement
(`DataKind.rule`), and the client's "Who sees my data" page is written from the same statement,
so the page cannot promise something the code does not do. `alliance/journal/tests/
test_who_sees_what.py` asks every persona for real objects of every registered kind and checks
the answers against the statement.

Nobody outside those audiences sees anything: the audiences are reached only through
`Client.objects.visible_to`, which never crosses clinics and gives a counselor only their own
clients.

Most kinds are a filter on their rows (`DataKind.rule`). A few depend on more than the row: a
counselor sees the client's Working together answers for a session only once they have
predicted them, and a clinic may hide the counselor's predictions from its clients. Such a
kind states the finer rule as a `Condition` (words for the page and the same rule row by row)
and a clinic's choice as `per_clinic`, and names in `routes` the code that applies them, so
the test holds that code to the words.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from alliance.accounts.models import Role


class Audience(StrEnum):
    """Who stands in which relation to a client's data."""

    YOU = "you"  # the client themself
    COUNSELOR = "counselor"  # the client's current counselor
    CLINIC = "clinic"  # supervisors and administrators of the client's clinic


AUDIENCE_OF_ROLE = {
    Role.CLIENT: Audience.YOU,
    Role.COUNSELOR: Audience.COUNSELOR,
    Role.SUPERVISOR: Audience.CLINIC,
    Role.ADMIN: Audience.CLINIC,
}


class Sees(StrEnum):
    ALL = "all"
    SHARED = "shared"  # only the items the client has shared
    OWN = "own"  # only the items they wrote themselves
    NOTHING = "nothing"


SEES_WORDS = {
    Sees.ALL: "can see all of it",
    Sees.SHARED: "can see only the entries you share, and cannot change them",
    Sees.OWN: "can see only the ones they wrote themselves",
    Sees.NOTHING: "cannot see any of it",
}

WRITER_WORDS = {
    Audience.YOU: "you",
    Audience.COUNSELOR: "your counselor",
    Audience.CLINIC: "the clinic's supervisors and administrators",
}


def audience_of(user) -> Audience | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return AUDIENCE_OF_ROLE.get(user.role)


@dataclass(frozen=True)
class Condition:
    """One audience sees a row only when `holds(row)`, for a reason the row alone does not
    hold (has the counselor predicted this session yet?). `words` follow the audience's `Sees`
    words on the page: "can see all of it, except …"."""

    words: str
    holds: Callable[[Any], bool]


@dataclass(frozen=True)
class DataKind:
    """One kind of a client's data and who may see it."""

    key: str
    model: str  # app_label.ModelName
    title: str  # as the client reads it: "Your journal"
    description: str
    sees: dict[Audience, Sees]
    # Who may write it; None where writes follow rules of their own (the record itself).
    writers: frozenset[Audience] | None = None
    # Which rows of the model are this kind, when a model holds several kinds.
    scope: Q = field(default_factory=Q)
    client_field: str = "client"
    shared_field: str = "shared"
    author_field: str = "author"
    order: int = 100
    # Other models holding parts of this kind (a goal's versions, an alert's repairs), each
    # with the path from its rows to the client. They follow `sees`, only ALL or NOTHING.
    parts: dict[str, str] = field(default_factory=dict)
    # Finer rules for some audiences, applied by the code in `routes`.
    conditions: dict[Audience, Condition] = field(default_factory=dict)
    # The kind as it holds for one client, where their clinic's settings change it.
    per_clinic: Callable[["DataKind", Any], "DataKind"] | None = None
    # Where pages and the API reach a model's rows of one client's record other than through
    # the model's own `visible_to`: {"app.Model": function(user, client) -> queryset}.
    routes: dict[str, Callable[[Any, Any], QuerySet]] = field(default_factory=dict)

    def __post_init__(self):
        if self.parts and {Sees.SHARED, Sees.OWN} & set(self.sees.values()):
            raise ValueError(f"{self.key}: parts follow the kind only as all or nothing")

    def models(self) -> list[str]:
        return [self.model, *self.parts]

    def for_client(self, client) -> "DataKind":
        """The kind as it holds for `client`, after their clinic's settings."""
        return self.per_clinic(self, client) if self.per_clinic else self

    def sees_for(self, audience: Audience | None) -> Sees:
        if audience is None:
            return Sees.NOTHING
        return self.sees.get(audience, Sees.NOTHING)

    def rule(self, user) -> Q:
        """The rows of this kind `user` may see, as a filter on the kind's model; without the
        `conditions`, which the code in `routes` applies."""
        from alliance.care.models import Client

        sees = self.sees_for(audience_of(user))
        if sees == Sees.NOTHING:
            return Q(pk__in=[])
        condition = self.scope & Q(
            **{f"{self.client_field}__in": Client.objects.visible_to(user).values("pk")}
        )
        if sees == Sees.SHARED:
            condition &= Q(**{self.shared_field: True})
        elif sees == Sees.OWN:
            condition &= Q(**{self.author_field: user})
        return condition

    def sees_any(self, user) -> bool:
        """Whether `user`'s role may see any of this kind at all (for anyone's record)."""
        return self.sees_for(audience_of(user)) != Sees.NOTHING

    def can_write(self, user, client) -> bool:
        """Whether `user` writes this kind in `client`'s record; the caller has already found
        `client` through `Client.objects.visible_to(user)`."""
        if self.writers is None:
            return False
        audience = audience_of(user)
        if audience not in self.writers:
            return False
        from alliance.care.models import Client

        return Client.objects.visible_to(user).filter(pk=client.pk).exists()

    def rows_shown(self, model: str, user, client) -> QuerySet:
        """The rows of `model` in `client`'s record the code shows `user`, for the test that
        holds the code to this statement."""
        route = self.routes.get(model)
        if route is not None:
            rows = route(user, client)
        else:
            path = self.client_field if model == self.model else self.parts[model]
            rows = apps.get_model(model).objects.visible_to(user).filter(**{path: client.pk})
        return rows.filter(self.scope) if model == self.model else rows

    def statements(self) -> list[tuple[Audience, str]]:
        """Each audience with what it sees, in plain words, for the page."""
        said = []
        for audience in Audience:
            sees = self.sees_for(audience)
            words = SEES_WORDS[sees]
            if sees != Sees.NOTHING and audience in self.conditions:
                words = f"{words}, {self.conditions[audience].words}"
            said.append((audience, words))
        return said

    def written_by(self) -> str:
        if not self.writers:
            return ""
        names = [WRITER_WORDS[audience] for audience in Audience if audience in self.writers]
        return " and ".join(names)


_KINDS: dict[str, DataKind] = {}


def register(kind: DataKind) -> DataKind:
    """Add a kind to the page; apps call this next to the model whose rule it states."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"two different data kinds use the key {kind.key!r}")
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[DataKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


CLIENT_RECORD = register(
    DataKind(
        key="record",
        model="care.Client",
        title="Your record",
        description=(
            "Your name and email address, who your counselor is, and the dates of your "
            "sessions. Your counselor records your sessions; the clinic's administrators "
            "choose who your counselor is."
        ),
        sees={Audience.YOU: Sees.ALL, Audience.COUNSELOR: Sees.ALL, Audience.CLINIC: Sees.ALL},
        client_field="pk",
        parts={"care.Session": "client"},
        order=0,
    )
)
