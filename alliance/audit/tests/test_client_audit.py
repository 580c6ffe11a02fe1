import pytest

from alliance.audit import services as audit
from alliance.audit.models import AuditEvent


def audit_page(web, client, query=""):
    return web.get(f"/clients/{client.pk}/audit/{query}")


def test_it_lists_a_clients_events_for_an_admin(personas, web_as, api_as):
    web_as(personas.c1).get(f"/clients/{personas.a.pk}/")
    api_as(personas.supervisor).get(f"/api/v1/clients/{personas.a.pk}")
    web_as(personas.c1).get(f"/clients/{personas.b.pk}/")
    response = audit_page(web_as(personas.admin), personas.a)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Audit trail for Amira" in page
    assert "carmen@north.test" in page and "sol@north.test" in page
    assert f"Client #{personas.a.pk}" in page
    assert f"Client #{personas.b.pk}" not in page
    assert "web · 127.0.0.1" in page and "api · 127.0.0.1" in page
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_newest_event_first(personas, web_as):
    audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1, detail="first")
    audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1, detail="second")
    page = audit_page(web_as(personas.admin), personas.a).content.decode()
    assert page.index("(second)") < page.index("(first)")


def test_it_records_that_the_admin_read_the_trail(personas, web_as):
    audit_page(web_as(personas.admin), personas.a)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.client_id, event.actor_id) == (
        "read",
        "AuditTrail",
        personas.a.pk,
        personas.admin.pk,
    )


def test_it_pages_long_trails(personas, web_as):
    audit.record(None, "read", [audit.for_client(personas.a)] * 60, actor=personas.c1)
    web = web_as(personas.admin)
    first = audit_page(web, personas.a).content.decode()
    assert "Page 1 of 2" in first and "Older events" in first
    second = audit_page(web, personas.a, "?page=2").content.decode()
    assert "Page 2 of 2" in second and "Newer events" in second
    assert audit_page(web, personas.a, "?page=junk").status_code == 200


@pytest.mark.parametrize("who", ["supervisor", "c1", "a", "other_counselor"])
def test_it_answers_404_to_everyone_but_admins(personas, web_as, who):
    assert audit_page(web_as(personas.users[who]), personas.a).status_code == 404


def test_it_answers_404_to_an_admin_for_another_clinics_client(personas, web_as):
    assert audit_page(web_as(personas.admin), personas.other_client).status_code == 404
    assert web_as(personas.admin).get(f"/clients/{2**70}/audit/").status_code == 404
    # Nothing was read; the two refusals are on the trail.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["refused", "refused"]
