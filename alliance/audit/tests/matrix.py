from alliance.tests.access import Entry, pages

WEB = {
    "client_audit": Entry(pages(404, admin=200), kwargs=lambda p, who: {"client_id": p.a.pk}),
}
API = {}
