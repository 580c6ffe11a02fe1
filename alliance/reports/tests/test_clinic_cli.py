"""`alliance analytics --clinic NAME [--from --to] [--counselor] [--format json|csv]`."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from alliance import cli
from alliance.audit.models import AuditEvent
from alliance.reports.tests import clinic_example as example

MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


@pytest.fixture
def clinic(personas):
    return example.build(personas)


def run(*args) -> str:
    out = io.StringIO()
    call_command("analytics", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_same_figures_as_the_api(personas, clinic, web_as):
    printed = json.loads(run("--clinic", "Northside Clinic", *MARCH))
    served = web_as(personas.supervisor).get(f"/api/v1/clinic/outcomes?{example.MARCH}").json()
    assert printed == served
    assert {k: printed[k] for k in example.CLINIC_MARCH} == example.CLINIC_MARCH


def test_it_narrows_to_one_counselor_by_email(personas, clinic):
    printed = json.loads(
        run("--clinic", "Northside Clinic", "--counselor", "CARMEN@north.test", *MARCH)
    )
    assert {k: printed[k] for k in example.CARMEN_MARCH} == example.CARMEN_MARCH
    assert printed["prediction_accuracy"] == [example.carmen_accuracy(personas)]


def test_it_prints_csv(personas, clinic):
    rows = list(
        csv.DictReader(io.StringIO(run("--clinic", "Northside Clinic", *MARCH, "--format", "csv")))
    )
    assert [(r["group"], r["name"]) for r in rows] == [
        ("clinic", "Northside Clinic"),
        ("counselor", "Carmen Counselor"),
        ("counselor", "Chidi Counselor"),
    ]
    assert rows[0]["reliable_improvement_rate"] == "0.429"
    assert rows[2]["reliable_improvement_rate"] == ""  # too few to say


def test_it_is_audited_as_a_reading_from_the_command_line(personas, clinic):
    run("--clinic", "Southside Clinic")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.via, event.actor_id) == (
        "read",
        "ClinicFigures",
        "cli",
        None,
    )
    assert event.clinic_id == personas.other_clinic.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinic", "Nowhere"], "No clinic named 'Nowhere'."),
        (["--clinic", "Northside Clinic", "--from", "March"], "--from: Enter the start date"),
        (
            ["--clinic", "Northside Clinic", "--from", "2026-03-02", "--to", "2026-03-01"],
            "--to: The end date is before the start date.",
        ),
        (
            ["--clinic", "Northside Clinic", "--counselor", "olga@south.test"],
            "No counselor with the email 'olga@south.test' in Northside Clinic.",
        ),
    ],
)
def test_it_refuses_bad_input_clearly(personas, args, message):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        run(*args)
    assert AuditEvent.objects.count() == before


def test_the_alliance_command_passes_it_through(personas, clinic, capsys):
    assert cli.main(["analytics", "--clinic", "Northside Clinic", *MARCH, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("group,counselor_id,name,from,to,paired,")
