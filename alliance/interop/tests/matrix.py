from alliance.tests.access import Entry, operations, pages

WEB = {
    "my_export": Entry(pages(404, a=200, b=200, d=200, other_client=200)),
}

API = {
    # The client's own download: everyone else, staff included, is answered as if the
    # record did not exist.
    ("GET", "/api/v1/clients/{client_id}/export"): Entry(
        operations(404, a=200), kwargs=lambda p, who: {"client_id": p.a.pk}
    ),
}
