"""A clinic's records as FHIR Bulk Data: one NDJSON file per resource type.

Each file holds one resource per line (`Patient.ndjson`, `Encounter.ndjson`,
`QuestionnaireResponse.ndjson`, `Observation.ndjson`, `Goal.ndjson`, `CarePlan.ndjson`, and
`Questionnaire.ndjson` with the forms the responses answer), as a FHIR Bulk Data export
writes them. Resources name each other `Type/<id>`, with the same stable ids as the client's
Bundle.

It streams: every table is read in chunks of `chunk_size` rows (`.iterator()`, a server-side
cursor on PostgreSQL) and each resource is validated and written before the next row is read,
so memory stays flat however large the clinic. Only the clinic's own clients and their records
are read. It holds what a clinic's supervisors and administrators may see of each record,
less what never leaves in FHIR (notes of either kind and journal entries); the prediction lock
concerns a counselor before they predict and does not apply to a clinic's export.

Each client whose record is exported gets an audit event (`export`), written in batches as
their Patient lines are.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from alliance.audit import services as audit
from alliance.care.models import Client, Session
from alliance.goals.models import Goal, Rating, ScaleLevel
from alliance.homework.models import Task, TaskStatus
from alliance.interop.fhir.questionnaire import build_questionnaire
from alliance.interop.fhir.record import RESPONSE_FIELDS, Resources, Validator
from alliance.measures.models import Response

TYPES = (
    "Patient",
    "Encounter",
    "Questionnaire",
    "QuestionnaireResponse",
    "Observation",
    "Goal",
    "CarePlan",
)
CHUNK = 2000
GOAL_FIELDS = ("text", "status", "weight", "created_by", "created_at", "closed_at")
AUDIT_BATCH = 500
DETAIL = "FHIR Bulk Data export"


@dataclass
class Written:
    """How many resources of each type went into the files."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Files:
    """The open NDJSON files, one per type; each line is validated before it is written."""

    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.handles = {
            kind: (out / f"{kind}.ndjson").open("w", encoding="utf-8", newline="\n")
            for kind in TYPES
        }
        self.written = Written()
        self.validate = Validator()

    def write(self, data: dict) -> None:
        self.validate(data)
        self.write_valid(data["resourceType"], json.dumps(data, ensure_ascii=False))

    def write_valid(self, kind: str, line: str) -> None:
        self.handles[kind].write(line + "\n")
        self.written.counts[kind] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def export_clinic(clinic, out: Path, *, chunk_size: int = CHUNK) -> Written:
    """Write `clinic`'s records under `out` (created if needed; files there are replaced)."""
    resources = Resources(in_bundle=False)
    files = Files(Path(out))
    try:
        _patients(clinic, resources, files, chunk_size)
        _questionnaires(resources, files)
        for session in (
            Session.objects.filter(client__clinic=clinic).order_by("pk").iterator(chunk_size)
        ):
            files.write(resources.encounter(session))
        responses = (
            Response.objects.filter(client__clinic=clinic).order_by("pk").only(*RESPONSE_FIELDS)
        )
        for response in responses.iterator(chunk_size):
            files.write(resources.questionnaire_response(response))
            for observation in resources.score_observations(response):
                files.write(observation)
        _goals(clinic, resources, files, chunk_size)
        tasks = (
            Task.objects.filter(client__clinic=clinic, status=TaskStatus.AGREED)
            .order_by("client_id", "created_at", "id")
            .only("id", "client_id", "goal_id", "text", "frequency")
        )
        for client_id, own in itertools.groupby(
            tasks.iterator(chunk_size), key=lambda task: task.client_id
        ):
            files.write(resources.care_plan(client_id, list(own)))
    finally:
        files.close()
    return files.written


def _patients(clinic, resources: Resources, files: Files, chunk_size: int) -> None:
    clients = (
        Client.objects.filter(clinic=clinic)
        .select_related("user")
        .order_by("pk")
        .only("id", "clinic_id", "user__name", "user__email")
    )
    batch = []
    for client in clients.iterator(chunk_size):
        files.write(resources.patient(client.pk, client.name, client.email))
        batch.append(audit.for_client(client))
        if len(batch) >= AUDIT_BATCH:
            audit.record(None, "export", batch, detail=DETAIL)
            batch = []
    audit.record(None, "export", batch, detail=DETAIL)


def _goals(clinic, resources: Resources, files: Files, chunk_size: int) -> None:
    """Goals with their scales and ratings, read as three streams in goal order and matched
    as they go. (Prefetching them with `.iterator()` instead made memory creep up, chunk
    after chunk.)"""
    goals = (
        Goal.objects.filter(client__clinic=clinic)
        .select_related("client")
        .only("id", "client_id", "client__user_id", *GOAL_FIELDS)
        .order_by("pk")
    )
    levels = Following(
        ScaleLevel.objects.filter(goal__client__clinic=clinic).order_by("goal_id", "level"),
        chunk_size,
    )
    ratings = Following(
        Rating.objects.filter(goal__client__clinic=clinic).order_by("goal_id", "rated_at", "id"),
        chunk_size,
    )
    for goal in goals.iterator(chunk_size):
        own_ratings = ratings.take(goal.pk)
        files.write(resources.goal(goal, goal.client.user_id, levels.take(goal.pk), own_ratings))
        for observation in resources.rating_observations(goal, own_ratings):
            files.write(observation)


class Following:
    """The rows of a queryset ordered by `goal_id`, handed out goal by goal in that order."""

    def __init__(self, queryset, chunk_size: int):
        self.groups = itertools.groupby(queryset.iterator(chunk_size), key=lambda row: row.goal_id)
        self.current = next(self.groups, None)

    def take(self, goal_id: int) -> list:
        while self.current is not None and self.current[0] < goal_id:
            self.current = next(self.groups, None)
        if self.current is None or self.current[0] != goal_id:
            return []
        rows = list(self.current[1])
        self.current = next(self.groups, None)
        return rows


def _questionnaires(resources: Resources, files: Files) -> None:
    """Every form of the installation, so that each response's canonical resolves."""
    for instrument in resources.instruments.values():
        line = build_questionnaire(instrument).model_dump_json()
        files.write_valid("Questionnaire", line)
