"""A request for a record out of reach is refused with a 404 and recorded: who asked, from
where, and for what, one event per person, target and minute with the count beside it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client as WebClient
from django.utils import timezone

from alliance.access import get_visible_or_404
from alliance.audit import refusals
from alliance.audit.models import AuditEvent, Refusal
from alliance.care.models import Client


def refused_events():
    return list(AuditEvent.objects.filter(action="refused").order_by("id"))


def test_it_records_who_asked_for_a_record_out_of_reach_and_from_where(personas, api_as):
    olga = api_as(personas.other_counselor)
    response = olga.get(f"/api/v1/clients/{personas.a.pk}/journal", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    (event,) = refused_events()
    assert (event.actor_id, event.actor_email, event.ip, event.via) == (
        personas.other_counselor.pk,
        "olga@south.test",
        "203.0.113.9",
        "api",
    )
    assert (event.object_type, event.object_id) == ("Client", str(personas.a.pk))
    assert event.detail == f"GET /api/v1/clients/{personas.a.pk}/journal"
    # On the asker's clinic's chain; the record asked for may not exist, and is not named.
    assert (event.clinic_id, event.client_id) == (personas.other_clinic.pk, None)


def test_it_bounds_a_flood_to_one_event_a_minute_with_a_count(personas, api_as, monkeypatch):
    within_a_minute = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: within_a_minute)
    olga = api_as(personas.other_counselor)
    for _ in range(300):
        assert olga.get(f"/api/v1/clients/{personas.a.pk}").status_code == 404
    assert len(refused_events()) == 1
    (refusal,) = Refusal.objects.all()
    assert (refusal.count, refusal.who, refusal.object_id) == (
        300,
        f"user {personas.other_counselor.pk}",
        str(personas.a.pk),
    )


def test_it_starts_a_new_event_each_minute(personas, api_as, monkeypatch):
    olga = api_as(personas.other_counselor)
    olga.get(f"/api/v1/clients/{personas.a.pk}")
    later = timezone.now() + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    olga.get(f"/api/v1/clients/{personas.a.pk}")
    olga.get(f"/api/v1/clients/{personas.a.pk}")
    assert len(refused_events()) == 2
    assert sorted(Refusal.objects.values_list("count", flat=True)) == [1, 2]


def test_it_folds_a_scan_of_many_ids_into_one_target(personas, api_as, monkeypatch):
    within_a_minute = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: within_a_minute)
    olga = api_as(personas.other_counselor)
    for client_id in range(1000, 1000 + 3 * refusals.TARGETS_PER_MINUTE):
        assert olga.get(f"/api/v1/clients/{client_id}").status_code == 404
    assert len(refused_events()) == refusals.TARGETS_PER_MINUTE + 1
    scan = Refusal.objects.get(object_type=refusals.ANY_TARGET)
    assert scan.count == 2 * refusals.TARGETS_PER_MINUTE
    assert refused_events()[-1].detail == f"more than {refusals.TARGETS_PER_MINUTE} targets"


def test_it_records_refusals_of_pages_too(personas, web_as):
    carmen = web_as(personas.c1)
    assert carmen.get(f"/clients/{personas.d.pk}/").status_code == 404
    assert carmen.get("/people/").status_code == 404
    first, second = refused_events()
    assert (first.object_type, first.object_id, first.via) == ("Client", str(personas.d.pk), "web")
    assert (second.object_type, second.object_id) == ("Page", "people")
    assert first.detail == f"GET /clients/{personas.d.pk}/"


def test_it_records_nothing_for_what_the_asker_may_see(personas, api_as):
    api_as(personas.c1).get(f"/api/v1/clients/{personas.a.pk}")
    assert refused_events() == []
    assert not Refusal.objects.exists()


def test_it_records_a_refusal_even_when_the_request_rolled_back(personas, rf):
    """The event is written after the answer, outside whatever transaction refused."""
    request = rf.get(f"/clients/{personas.d.pk}/")
    request.user = personas.c1

    def view(request):
        try:
            with transaction.atomic():
                get_visible_or_404(Client.objects.visible_to(request.user), personas.d.pk)
        except Exception:
            pass
        from django.http import HttpResponseNotFound

        return HttpResponseNotFound()

    refusals.RefusalMiddleware(view)(request)
    assert len(refused_events()) == 1


def test_it_notes_nothing_outside_a_request(personas):
    with pytest.raises(Exception, match="Not found"):
        get_visible_or_404(Client.objects.visible_to(personas.c1), personas.d.pk)
    assert not Refusal.objects.exists()


def test_it_lists_recent_refusals_for_an_operator(personas, api_as):
    for _ in range(3):
        api_as(personas.other_counselor).get(f"/api/v1/clients/{personas.a.pk}")
    out = StringIO()
    call_command("audit", "refusals", stdout=out)
    assert f"user {personas.other_counselor.pk} ×3 Client {personas.a.pk}" in out.getvalue()


def test_it_lets_no_one_signed_out_reach_anything_to_refuse(personas):
    response = WebClient().get(f"/api/v1/clients/{personas.a.pk}")
    assert response.status_code == 401
    assert refused_events() == []
