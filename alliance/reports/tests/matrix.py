from alliance.tests.access import Entry, operations, pages

CLIENTS = {"a": 200, "b": 200, "d": 200, "other_client": 200}
CLINIC_1_STAFF = {"admin": 200, "supervisor": 200, "c1": 200}


def amira(p, who):
    return {"client_id": p.a.pk}


WEB = {
    "my_progress": Entry(pages(404, **CLIENTS)),
    "my_progress_report": Entry(pages(404, **CLIENTS)),
    "client_progress_charts": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
    "client_report": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
    "client_timeline": Entry(pages(404, **CLINIC_1_STAFF), kwargs=amira),
}

API = {
    # The client gets their own copy; staff who see the record get the clinic's copy.
    ("GET", "/api/v1/clients/{client_id}/report.pdf"): Entry(
        operations(404, a=200, **CLINIC_1_STAFF), kwargs=amira
    ),
}
