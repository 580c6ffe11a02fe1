"""GET /api/v1/clinic/outcomes against the example clinic worked out by hand
(`clinic_example`): the figures, small numbers withheld, and who may see what."""

import pytest

from alliance.audit.models import AuditEvent
from alliance.reports.tests import clinic_example as example

URL = "/api/v1/clinic/outcomes"


@pytest.fixture
def clinic(personas):
    return example.build(personas)


def get(web_as, user, query=example.MARCH):
    return web_as(user).get(f"{URL}?{query}" if query else URL)


def outcome_part(body):
    return {key: body[key] for key in example.CLINIC_MARCH}


def test_it_gives_a_supervisor_the_whole_clinics_figures(personas, clinic, web_as):
    response = get(web_as, personas.supervisor)
    assert response.status_code == 200
    body = response.json()
    assert body["clinic"] == "Northside Clinic"
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    assert body["counselor_id"] is None
    assert outcome_part(body) == example.CLINIC_MARCH
    carmen, chidi = body["by_counselor"]
    assert (carmen["counselor_id"], carmen["name"]) == (personas.c1.pk, personas.c1.name)
    assert outcome_part(carmen) == example.CARMEN_MARCH
    assert outcome_part(chidi) == example.CHIDI_MARCH
    assert body["prediction_accuracy"] == [
        example.carmen_accuracy(personas),
        example.chidi_accuracy(personas),
    ]


def test_an_administrator_sees_the_same(personas, clinic, web_as):
    assert get(web_as, personas.admin).json() == get(web_as, personas.supervisor).json()


def test_a_counselor_sees_their_own_clients_and_their_own_accuracy(personas, clinic, web_as):
    body = get(web_as, personas.c1).json()
    assert body["counselor_id"] == personas.c1.pk
    assert outcome_part(body) == example.CARMEN_MARCH
    assert [b["counselor_id"] for b in body["by_counselor"]] == [personas.c1.pk]
    assert body["prediction_accuracy"] == [example.carmen_accuracy(personas)]
    own = get(web_as, personas.c1, f"{example.MARCH}&counselor_id={personas.c1.pk}")
    assert own.json() == body


def test_a_counselor_with_few_clients_is_told_too_few_to_say(personas, clinic, web_as):
    body = get(web_as, personas.c2).json()
    assert outcome_part(body) == example.CHIDI_MARCH
    assert body["prediction_accuracy"] == [example.chidi_accuracy(personas)]


def test_a_counselor_cannot_ask_about_a_colleague(personas, clinic, web_as):
    response = get(web_as, personas.c2, f"{example.MARCH}&counselor_id={personas.c1.pk}")
    assert response.status_code == 404


def test_a_supervisor_can_narrow_to_one_counselor(personas, clinic, web_as):
    query = f"{example.MARCH}&counselor_id={personas.c1.pk}"
    body = get(web_as, personas.supervisor, query).json()
    assert outcome_part(body) == example.CARMEN_MARCH
    assert body["prediction_accuracy"] == [example.carmen_accuracy(personas)]
    assert body == get(web_as, personas.c1).json()


@pytest.mark.parametrize("who", ["a", "b", "d", "other_client"])
def test_clients_get_nothing(personas, clinic, web_as, who):
    response = get(web_as, personas.users[who])
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_nobody_sees_another_clinics_people_or_figures(personas, clinic, web_as):
    for who, counselor in [
        (personas.supervisor, personas.other_counselor),
        (personas.other_counselor, personas.c1),
    ]:
        response = get(web_as, who, f"{example.MARCH}&counselor_id={counselor.pk}")
        assert response.status_code == 404
    # Olga's own clinic: Omar alone, too few to say; nothing of Northside's.
    body = get(web_as, personas.other_counselor).json()
    assert body["clinic"] == "Southside Clinic"
    assert body["paired"] == 1 and body["recovery_rate"] is None
    assert [b["counselor_id"] for b in body["by_counselor"]] == [personas.other_counselor.pk]
    assert body["prediction_accuracy"][0]["sessions"] == 0


def test_someone_who_is_not_a_counselor_is_no_counselor_id(personas, clinic, web_as):
    for pk in (personas.supervisor.pk, personas.a.user.pk, 10**9):
        response = get(web_as, personas.supervisor, f"counselor_id={pk}")
        assert response.status_code == 404


def test_the_period_decides_who_is_paired(personas, clinic, web_as):
    # Up to February: only Hana has two measured sessions (January and February).
    february = get(web_as, personas.supervisor, "to=2026-02-28").json()
    assert february["paired"] == 1
    # Open dates: everyone's whole course, Gus ending in April (18 and 14: no longer
    # recovered, and his alliance mean now takes in his April check-in).
    whole = get(web_as, personas.supervisor, "").json()
    assert whole["paired"] == 8
    assert whole["recovered"] == 3  # Amira, Cleo and Hana
    assert whole["alliance_outcome"]["n"] == 7
    april = get(web_as, personas.supervisor, "from=2026-04-01").json()
    assert april["paired"] == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", "Enter the start date as YYYY-MM-DD"),
        ("to=yesterday", "to", "Enter the end date as YYYY-MM-DD"),
        ("from=2026-03-31&to=2026-03-01", "to", "The end date is before the start date."),
        ("from=0999-01-01", "from", "between the years 1900 and 2999"),
        ("counselor_id=carmen", "counselor_id", ""),
        ("counselor_id=0", "counselor_id", ""),
        ("counselor_id=99999999999999999999", "counselor_id", ""),
    ],
)
def test_it_refuses_bad_input_clearly_and_records_nothing(
    personas, clinic, web_as, query, field, message
):
    before = AuditEvent.objects.count()
    response = get(web_as, personas.supervisor, query)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", field]
    assert message in problem["msg"]
    assert AuditEvent.objects.count() == before


def test_each_reading_is_audited(personas, clinic, web_as):
    get(web_as, personas.supervisor)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.via) == ("read", "ClinicFigures", "api")
    assert event.actor_id == personas.supervisor.pk
    assert event.clinic_id == personas.clinic.pk
    assert "1 March 2026 to 31 March 2026" in event.detail


def test_the_api_documents_the_definitions(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    for words in ("Paired clients", "Too few to say", "negative r", "Flückiger"):
        assert words in operation["description"]
