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
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

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

    def sees_for(self, audience: Audience | None) -> Sees:
        if audience is None:
            return Sees.NOTHING
        return self.sees.get(audience, Sees.NOTHING)

    def rule(self, user) -> Q:
        """The rows of this kind `user` may see, as a filter on the kind's model."""
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

    def statements(self) -> list[tuple[Audience, str]]:
        """Each audience with what it sees, in plain words, for the page."""
        return [(audience, SEES_WORDS[self.sees_for(audience)]) for audience in Audience]

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
        order=0,
    )
)
