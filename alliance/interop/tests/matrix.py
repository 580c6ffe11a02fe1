from alliance.interop.tests.fhir import questionnaire_response
from alliance.tests.access import Entry, operations, pages

CLINIC_1_STAFF = {"admin": 200, "supervisor": 200, "c1": 200}


def form_for(p, who):
    """Each sends the form they would answer: counselors their prediction, clients a PHQ-9."""
    if who in {"c1", "c2", "other_counselor", "admin", "supervisor"}:
        return questionnaire_response("wai-sr-predicted", {f"wai_{n}": 4 for n in range(1, 13)})
    return questionnaire_response("phq9", {f"phq9_{n}": 0 for n in range(1, 10)})


CLIENTS = {"a": 200, "b": 200, "d": 200, "other_client": 200}

WEB = {
    "my_export": Entry(pages(404, **CLIENTS)),
    "my_export_pdf": Entry(pages(404, **CLIENTS)),
}

API = {
    # The client's own download: everyone else, staff included, is answered as if the
    # record did not exist.
    ("GET", "/api/v1/clients/{client_id}/export"): Entry(
        operations(404, a=200), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
    ("GET", "/api/v1/instruments/{code}/fhir"): Entry(
        operations(200), kwargs=lambda p, who: {"code": "phq9"}
    ),
    ("GET", "/api/v1/clients/{client_id}/fhir"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
    # Whoever submits the form for the client, as on the check-in API: the client their own
    # forms, their counselor the prediction; clinic-wide roles read but do not answer.
    ("POST", "/api/v1/clients/{client_id}/fhir/QuestionnaireResponse"): Entry(
        operations(404, a=201, c1=201, admin=403, supervisor=403),
        method="POST",
        kwargs=lambda p, who: {"client_id": p.a.pk},
        data=form_for,
    ),
}
