"""The API every agreed record has under /api/v1/, written once: its shapes and its operations.

Reading takes sight of the client (`visible_to`); writing takes being the client or their
counselor. Supervisors and administrators who can see a record and try to change it get 403;
anyone else gets 404. A change based on an old version gets 409 with the current record, in
the same shape as a read (`alliance.schemas.shows_current`). No operation here catches a
service's refusal: the API's one handler (`alliance.api`) answers it.

`RecordApi(router, Goal, …)` registers the operations under the record's own paths and names
(`/goals/{goal_id}/agree`, `agree_goal`), one call each, so an app's api.py lists what it has.
"""

from datetime import datetime
from typing import Annotated

from ninja import Path, Schema, Status
from ninja.utils import contribute_operation_args
from pydantic import Field, create_model

from alliance.access import get_visible_or_404
from alliance.agreement import services
from alliance.agreement.models import NOTE_MAX
from alliance.agreement.services import targets
from alliance.audit import services as audit
from alliance.care.api import visible_client
from alliance.schemas import Detail, shows_current

Id = Annotated[int, Field(ge=1, le=2**62)]
VersionNumber = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]


class PersonOut(Schema):
    id: int
    name: str


class AgreedOut(Schema):
    client: bool
    counselor: bool


class AgreedAtOut(Schema):
    client: datetime | None
    counselor: datetime | None


class AgreeIn(Schema):
    version: VersionNumber = Field(description="The version you agree to.")


class AnswerIn(Schema):
    note: str = Field(default="", max_length=NOTE_MAX)


class ProposalOut(Schema):
    """A proposal to end the record (close a goal, drop a task)."""

    id: int
    note: str
    side: str
    proposed_by: PersonOut
    proposed_at: datetime
    answer: str
    answered_at: datetime | None


class VersionOut(Schema):
    """What every version says of itself; a kind's version shape adds what it keeps."""

    number: int
    author: PersonOut
    side: str
    created_at: datetime
    agreed_at: AgreedAtOut


def person(user) -> dict:
    return {"id": user.pk, "name": user.name}


def agreed_record(record) -> dict:
    """The fields every agreed record shows: a kind's shape adds its own."""
    return {
        "id": record.pk,
        "client_id": record.client_id,
        "status": record.status,
        "version": record.version,
        "agreed": record.agreed,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def proposal_out(proposal) -> dict:
    return {
        "id": proposal.pk,
        "note": proposal.note,
        "side": proposal.side,
        "proposed_by": person(proposal.proposed_by),
        "proposed_at": proposal.proposed_at,
        "answer": proposal.answer,
        "answered_at": proposal.answered_at,
    }


class RecordApi:
    """Registers the operations of one kind of agreed record on its app's router: listing a
    client's, reading one and agreeing to it at once, and what needs the kind's shapes and
    services with `create`, `update`, `versions` and `ending`.

    `out` is the record's shape and `shape(record)` serialises one read `with_relations()`
    (`shaped` re-reads one that comes straight from a write); `shapes(records)` serialises many
    at once.
    """

    def __init__(self, router, model, *, out, shape, shapes=None):
        self.router, self.model, self.out, self.shape = router, model, out, shape
        self.shapes = shapes or (lambda records: [shape(r) for r in records])
        self.noun = model.noun
        self.plural = f"{model.noun}s"
        self.id_name = f"{model.noun}_id"
        self.at = f"/{self.plural}/{{{self.id_name}}}"
        self.conflict = create_model(
            f"{model.__name__}Conflict", __base__=Schema, detail=(str, ...), current=(out, ...)
        )
        self.writes = {200: out, 403: Detail, 409: self.conflict}
        shows_current(model)(self.shaped)
        self._list_for_client()
        self._read()
        self._agree()

    def shaped(self, record) -> dict:
        """The record in its shape, re-read with its relations when it was not read with them
        (after a write; access was checked when it was first reached)."""
        if not hasattr(record, "pending_ends"):
            record = self.model.objects.filter(pk=record.pk).with_relations().get()
        return self.shape(record)

    def record(self, request, pk):
        return get_visible_or_404(self.model.objects.visible_to(request.user).with_relations(), pk)

    def _add(self, method, path, function, name, *, response, summary, path_id=True):
        function.__name__ = name
        function.__qualname__ = name
        if path_id:
            contribute_operation_args(function, self.id_name, int, Path(...))
        getattr(self.router, method)(path, response=response, summary=summary)(function)

    def _list_for_client(self):
        model = self.model
        items = create_model(
            f"{model.__name__}List", __base__=Schema, items=(list[self.out], ...), count=(int, ...)
        )

        def operation(request, client_id: int):
            client = visible_client(request, client_id)
            records = list(
                model.objects.visible_to(request.user)
                .filter(client=client)
                .with_relations()
                .order_by("created_at", "id")
            )
            audit.record(request, "list", targets(client, *records) or audit.for_client(client))
            return {"items": self.shapes(records), "count": len(records)}

        self._add(
            "get",
            f"/clients/{{client_id}}/{self.plural}",
            operation,
            f"list_{self.plural}",
            response=items,
            summary=f"The client's {self.plural}",
            path_id=False,
        )

    def create(self, payload_in, propose, *, renamed=None):
        """`propose(user, client, **payload, request=…)` stores the new record (`renamed` maps
        a field to the service's name for it)."""
        renamed = renamed or {}

        def operation(request, client_id: int, payload: payload_in):
            """Either side proposes; the proposer agrees to version 1, the other side is asked
            to."""
            client = visible_client(request, client_id)
            fields = {renamed.get(name, name): value for name, value in payload.dict().items()}
            record = propose(request.user, client, **fields, request=request)
            return Status(201, self.shaped(record))

        self._add(
            "post",
            f"/clients/{{client_id}}/{self.plural}",
            operation,
            f"create_{self.noun}",
            response={201: self.out, 403: Detail},
            summary=f"Propose a {self.noun}",
            path_id=False,
        )

    def _read(self):
        def operation(request, **path):
            record = self.record(request, path[self.id_name])
            audit.record(request, "read", audit.for_object(record, record.client))
            return self.shaped(record)

        self._add(
            "get",
            self.at,
            operation,
            f"get_{self.noun}",
            response=self.out,
            summary=f"One {self.noun}",
        )

    def update(self, patch_in, edit, *, renamed=None):
        """`edit(user, record, version, **changes, request=…)` makes the new version; only the
        fields sent are changed (`renamed` maps a field to the service's name for it)."""
        renamed = renamed or {}

        def operation(request, payload: patch_in, **path):
            record = self.record(request, path[self.id_name])
            changes = payload.dict(exclude_unset=True)
            version = changes.pop("version")
            changes = {renamed.get(name, name): value for name, value in changes.items()}
            revision = edit(request.user, record, version, **changes, request=request)
            return self.shaped(revision.record)

        operation.__doc__ = (
            "A new version from `version`. Its writer agrees to it; the other side's agreement "
            "is cleared. Based on an old version: 409 with the current record, nothing changed."
        )
        self._add(
            "patch",
            self.at,
            operation,
            f"update_{self.noun}",
            response=self.writes,
            summary=f"Change a {self.noun}",
        )

    def _agree(self):
        def operation(request, payload: AgreeIn, **path):
            record = self.record(request, path[self.id_name])
            return self.shaped(
                services.agree(request.user, record, payload.version, request=request)
            )

        operation.__doc__ = (
            "The other side's agreement makes the current version mutual; agreeing again to "
            "your own changes nothing."
        )
        self._add(
            "post",
            f"{self.at}/agree",
            operation,
            f"agree_{self.noun}",
            response=self.writes,
            summary=f"Agree to the current version of a {self.noun}",
        )

    def versions(self, version_out):
        kept = [name for name in version_out.model_fields if name not in VersionOut.model_fields]
        items = create_model(
            f"{version_out.__name__}List",
            __base__=Schema,
            items=(list[version_out], ...),
            count=(int, ...),
        )

        def operation(request, **path):
            record = self.record(request, path[self.id_name])
            versions = list(record.versions.select_related("author").order_by("number"))
            audit.record(request, "read", targets(record.client, *versions))
            shown = [
                {
                    "number": v.number,
                    **{name: getattr(v, name) for name in kept},
                    "author": person(v.author),
                    "side": v.side,
                    "created_at": v.created_at,
                    "agreed_at": {"client": v.client_agreed_at, "counselor": v.counselor_agreed_at},
                }
                for v in versions
            ]
            return {"items": shown, "count": len(shown)}

        self._add(
            "get",
            f"{self.at}/versions",
            operation,
            f"list_{self.noun}_versions",
            response=items,
            summary="Every version",
        )

    def ending(self, end_in, proposal_out, shown, *, segment: str, description: str):
        """Propose ending the record at `<record>/<segment>` with `end_in` (its fields are the
        arguments of `alliance.agreement.services.propose_end`), answered with the proposal as
        `shown(proposal)` gives it (`proposal_out`); and confirm or decline that proposal at
        `…/<segment>/confirm` and `…/decline`."""
        verb = self.model.end_relation().related_model.verb
        gerund = self.model.end_relation().related_model.gerund

        def operation(request, payload: end_in, **path):
            record = self.record(request, path[self.id_name])
            proposal = services.propose_end(request.user, record, **payload.dict(), request=request)
            return Status(201, shown(proposal))

        operation.__doc__ = description
        self._add(
            "post",
            f"{self.at}/{segment}",
            operation,
            f"propose_{verb}_{self.noun}",
            response={201: proposal_out, 403: Detail, 409: self.conflict},
            summary=f"Propose {gerund} a {self.noun}",
        )
        answers = (
            ("confirm", True, f"Confirm the other side's proposal to {verb}"),
            ("decline", False, f"Decline (or, as proposer, withdraw) a proposal to {verb}"),
        )
        for answer, accept, summary in answers:
            self._add(
                "post",
                f"{self.at}/{segment}/{answer}",
                self._answering(accept),
                f"{answer}_{verb}_{self.noun}",
                response=self.writes,
                summary=summary,
            )

    def _answering(self, accept: bool):
        def operation(request, payload: AnswerIn, **path):
            record = self.record(request, path[self.id_name])
            current = services.answer_end(
                request.user, record, accept, payload.note, request=request
            )
            return self.shaped(current)

        return operation
