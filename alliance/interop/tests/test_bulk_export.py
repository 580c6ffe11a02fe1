"""`alliance export fhir --clinic NAME --out DIR`: a clinic's records as FHIR Bulk Data."""

import json

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.audit.models import AuditEvent
from alliance.conftest import make_client
from alliance.goals.tests.helpers import make_goal
from alliance.interop.fhir.bulk import TYPES
from alliance.interop.tests.fhir import assert_canonical
from alliance.interop.tests.test_fhir_bundle import references
from alliance.measures.models import Response
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
)


@pytest.fixture
def clinics(personas):
    """Northside: Carmen with Amira and Ben, Chidi with Dana and Eve, all with histories;
    Southside: Olga's client Omar, with one too."""
    eve = make_client(personas.clinic, "eve@north.test", "Eve", personas.c2)
    for client in (personas.a, personas.b, personas.d, eve, personas.other_client):
        build_history(personas, client=client)
        if client == personas.b:
            # A goal with no scale and no ratings, between goals that have both.
            make_goal(personas, client=client, text="Walk at lunch")
    return personas


def export(tmp_path, *args) -> dict[str, list[dict]]:
    call_command("export", "fhir", "--clinic", "Northside Clinic", "--out", str(tmp_path), *args)
    files = {}
    for kind in TYPES:
        lines = (tmp_path / f"{kind}.ndjson").read_text(encoding="utf-8").splitlines()
        files[kind] = [json.loads(line) for line in lines]
    return files


def test_it_writes_one_valid_file_per_type_with_only_the_clinics_people(clinics, tmp_path):
    files = export(tmp_path, "--chunk-size", "3")
    names = sorted(patient["name"][0]["text"] for patient in files["Patient"])
    assert names == ["Amira", "Ben", "Dana", "Eve"]
    north = Response.objects.filter(client__clinic=clinics.clinic).count()
    assert len(files["QuestionnaireResponse"]) == north == 40
    assert len(files["Encounter"]) == 16 and len(files["Goal"]) == 5
    assert len(files["CarePlan"]) == 4
    # Per client: 6 outcome totals, 2 × 4 alliance and 2 × 4 prediction scores, 4 ratings.
    assert len(files["Observation"]) == 4 * (6 + 8 + 8 + 4)
    for kind, resources in files.items():
        for resource in resources:
            assert resource["resourceType"] == kind
            if kind == "Questionnaire":
                Questionnaire.model_validate(resource)
            else:
                assert_canonical(resource)
    ids = {f"{kind}/{r['id']}" for kind, resources in files.items() for r in resources}
    for resources in files.values():
        for resource in resources:
            for reference in references(resource):
                assert reference in ids, f"{resource['resourceType']} → {reference}"
    goals = {g["description"]["text"]: g for g in files["Goal"]}
    assert (
        "target" not in goals["Walk at lunch"] and "outcomeReference" not in goals["Walk at lunch"]
    )
    rated = [g for g in files["Goal"] if g["description"]["text"] == "Call my sister every week"]
    assert [len(g["outcomeReference"]) for g in rated] == [4, 4, 4, 4]
    assert all(len(g["extension"]) == 6 for g in rated)  # five levels and the weight
    canonicals = {f"{q['url']}|{q['version']}" for q in files["Questionnaire"]}
    assert {r["questionnaire"] for r in files["QuestionnaireResponse"]} <= canonicals
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    assert "Omar" not in text and "omar@south.test" not in text
    for words in (PRIVATE, SHARED, PSYCHOTHERAPY, PROGRESS):
        assert words not in text


def test_it_names_each_resource_as_the_clients_bundle_does(clinics, tmp_path, api_as):
    files = export(tmp_path)
    bundle = api_as(clinics.supervisor).get(f"/api/v1/clients/{clinics.a.pk}/fhir").json()
    in_bundle = {entry["resource"]["id"] for entry in bundle["entry"]}
    exported = {r["id"] for resources in files.values() for r in resources}
    assert in_bundle <= exported


def test_it_records_the_export_of_each_record(clinics, tmp_path):
    export(tmp_path)
    events = AuditEvent.objects.filter(action="export", detail="FHIR Bulk Data export")
    assert sorted(events.values_list("client_id", flat=True)) == sorted(
        clinics.clinic.clients.values_list("pk", flat=True)
    )
    assert {(e.object_type, e.via, e.actor_id) for e in events} == {("Client", "cli", None)}


def test_it_refuses_a_clinic_it_does_not_know(personas, tmp_path):
    with pytest.raises(CommandError, match="No clinic named 'Nowhere'"):
        call_command("export", "fhir", "--clinic", "Nowhere", "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    assert not AuditEvent.objects.filter(action="export").exists()
