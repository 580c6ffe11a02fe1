from alliance.tests.access import Entry, operations, pages

CLIENTS = {"a": 200, "b": 200, "d": 200, "other_client": 200}
CLINIC_1_STAFF = {"admin": 200, "supervisor": 200, "c1": 200}
CLINIC_WIDE = {"admin": 200, "supervisor": 200}
COUNSELORS = {"c1": 200, "c2": 200, "other_counselor": 200}


def amira(p, who):
    return {"client_id": p.a.pk}


WEB = {
    "my_progress": Entry(pages(404, **CLIENTS)),
    "my_progress_report": Entry(pages(404, **CLIENTS)),
    "client_progress_charts": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
    "client_report": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
    "client_timeline": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
    # Each counselor has a practice page of their own; the clinic's page is for clinic-wide roles.
    "clinic_outcomes": Entry(pages(404, **CLINIC_WIDE)),
    "clinic_outcomes_csv": Entry(pages(404, **CLINIC_WIDE)),
    "my_practice": Entry(pages(404, **COUNSELORS)),
    "my_practice_csv": Entry(pages(404, **COUNSELORS)),
}

API = {
    # The client gets their own copy; staff who see the record get the clinic's copy.
    ("GET", "/api/v1/clients/{client_id}/report.pdf"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF), kwargs=amira
    ),
    # The same access as the client's record.
    ("GET", "/api/v1/clients/{client_id}/outcomes"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF), kwargs=amira
    ),
    # Every staff member sees figures: their clinic's, or a counselor their own.
    ("GET", "/api/v1/clinic/outcomes"): Entry(operations(404, **CLINIC_WIDE, **COUNSELORS)),
}
