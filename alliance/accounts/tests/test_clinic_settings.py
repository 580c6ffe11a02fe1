"""The clinic's crisis text: an administrator edits it on a page and through the API; phone
numbers in it become tap-to-call links on the client's pages."""

import json

import pytest

from alliance.accounts.clinic import with_phone_links
from alliance.accounts.models import Clinic
from alliance.audit.models import AuditEvent

TEXT = "Northside duty line: 0100 000 000, day or night.\nIn danger now: call 999."


def patch(client, body):
    return client.patch("/api/v1/clinic", json.dumps(body), content_type="application/json")


def test_an_administrator_changes_the_crisis_text_on_the_settings_page(personas, web_as):
    web = web_as(personas.admin)
    page = web.get("/clinic/settings/")
    assert page.status_code == 200
    assert "Crisis text" in page.content.decode()
    response = web.post("/clinic/settings/", {"crisis_text": TEXT}, follow=True)
    assert "The crisis text is saved." in response.content.decode()
    assert Clinic.objects.get(pk=personas.clinic.pk).crisis_text == TEXT
    event = AuditEvent.objects.filter(actor_id=personas.admin.pk, action="update").latest("id")
    assert (event.object_type, event.detail) == ("Clinic", "crisis text")


@pytest.mark.parametrize(
    "text, message",
    [
        ("   ", "Write what a client should do in a crisis"),
        ("x" * 2001, "2000 characters"),
    ],
)
def test_the_page_refuses_an_empty_or_overlong_text(personas, web_as, text, message):
    before = Clinic.objects.get(pk=personas.clinic.pk).crisis_text
    response = web_as(personas.admin).post("/clinic/settings/", {"crisis_text": text})
    assert response.status_code == 422
    assert message in response.content.decode() or "This field is required." in (
        response.content.decode()
    )
    assert Clinic.objects.get(pk=personas.clinic.pk).crisis_text == before


def test_everyone_reads_their_own_clinics_text_and_only_its_administrators_change_it(
    personas, api_as
):
    for user in (personas.a.user, personas.c1, personas.admin):
        body = api_as(user).get("/api/v1/clinic").json()
        assert body["id"] == personas.clinic.pk
        assert body["crisis_text"] == personas.clinic.crisis_text
    assert api_as(personas.other_client.user).get("/api/v1/clinic").json()["id"] == (
        personas.other_clinic.pk
    )
    for user in (personas.supervisor, personas.c1, personas.a.user):
        refused = patch(api_as(user), {"crisis_text": "Something else"})
        assert refused.status_code == 403
        assert "administrators" in refused.json()["detail"]
    response = patch(api_as(personas.admin), {"crisis_text": TEXT})
    assert response.status_code == 200
    assert response.json()["crisis_text"] == TEXT
    assert api_as(personas.a.user).get("/api/v1/clinic").json()["crisis_text"] == TEXT
    # The other clinic's text is its own.
    assert Clinic.objects.get(pk=personas.other_clinic.pk).crisis_text != TEXT


@pytest.mark.parametrize("body", [{"crisis_text": " "}, {"crisis_text": "x" * 2001}, {}, {"x": 1}])
def test_the_api_refuses_a_bad_text_with_a_422_and_stores_nothing(personas, api_as, body):
    before = Clinic.objects.get(pk=personas.clinic.pk).crisis_text
    response = patch(api_as(personas.admin), body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "crisis_text"
    assert Clinic.objects.get(pk=personas.clinic.pk).crisis_text == before


def test_phone_numbers_become_tap_to_call_links_and_the_rest_is_escaped():
    html = with_phone_links("Call 0100 000 000 or +44 (20) 7946-0958; <b>999</b> at 9-5.\nOK")
    assert '<a class="tel" href="tel:0100000000">0100 000 000</a>' in html
    assert '<a class="tel" href="tel:+442079460958">+44 (20) 7946-0958</a>' in html
    assert '&lt;b&gt;<a class="tel" href="tel:999">999</a>&lt;/b&gt;' in html
    assert "9-5" in html and 'href="tel:95"' not in html
    assert "<br>OK" in html
