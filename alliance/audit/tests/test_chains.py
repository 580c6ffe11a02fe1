"""Each clinic's events form a chain of their own, so clinics never wait for each other's
audited writes, and `alliance audit verify` still checks every row exactly."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from alliance.audit import services as audit
from alliance.audit.models import GENESIS, NO_CLINIC, AuditEvent

TABLE = AuditEvent._meta.db_table


def verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_it_chains_each_clinics_events_apart(personas):
    for client in [personas.a, personas.other_client, personas.b, personas.other_client]:
        audit.record(None, "read", audit.for_client(client), actor=personas.c1)
    audit.record(None, "signin", audit.Target("Session"))
    north = list(AuditEvent.objects.filter(chain=personas.clinic.pk).order_by("id"))
    south = list(AuditEvent.objects.filter(chain=personas.other_clinic.pk).order_by("id"))
    (none,) = AuditEvent.objects.filter(chain=NO_CLINIC)
    for chain in (north, south):
        assert chain[0].prev_hash == GENESIS
        assert chain[1].prev_hash == chain[0].hash
    assert none.prev_hash == GENESIS and none.clinic_id is None
    assert verify() == (0, "Audit trail intact: 5 events checked.\n")


def test_it_writes_targets_of_several_clinics_in_one_call(personas):
    targets = [audit.for_client(c) for c in [personas.a, personas.other_client, personas.b]]
    first, second, third = audit.record(None, "list", targets, actor=personas.admin)
    assert (first.chain, second.chain, third.chain) == (
        personas.clinic.pk,
        personas.other_clinic.pk,
        personas.clinic.pk,
    )
    assert third.prev_hash == first.hash and second.prev_hash == GENESIS
    assert verify()[0] == 0


def test_it_names_the_chain_of_a_broken_row(personas):
    for client in [personas.a, personas.b, personas.other_client]:
        audit.record(None, "read", audit.for_client(client), actor=personas.c1)
    second = AuditEvent.objects.filter(chain=personas.clinic.pk).order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER audit_no_update ON {TABLE}")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
        cursor.execute(f"UPDATE {TABLE} SET detail = 'edited' WHERE id = %s", [second.pk])  # noqa: S608
    code, output = verify()
    assert code == 1
    assert f"row {second.pk}: contents were altered after it was written" in output
    assert f"(in clinic {personas.clinic.pk}'s chain)" in output


def write_first_chain_rows(count):
    """Rows as written before chains were per clinic: one chain, hashed without `chain`."""
    prev = GENESIS
    for n in range(count):
        event = AuditEvent(action="read", object_type="Client", object_id=str(n), clinic_id=1)
        event.prev_hash = prev
        event.hash = event.compute_hash()
        event.save()
        prev = event.hash


def test_it_verifies_rows_written_before_chains_were_per_clinic_as_they_were(personas):
    write_first_chain_rows(3)
    audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest.prev_hash == GENESIS  # the clinic's own chain starts afresh
    assert verify() == (0, "Audit trail intact: 4 events checked.\n")
    first = AuditEvent.objects.filter(chain__isnull=True).order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER audit_no_update ON {TABLE}")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [first.pk])  # noqa: S608
    code, output = verify()
    assert code == 1
    assert "(in the first chain (before chains were per clinic))" in output


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_it_lets_clinics_write_without_waiting_for_each_other(personas):
    """A transaction holding North's chain (an audited write not yet committed) keeps a
    second North write waiting, and lets a South write through at once."""
    holding = threading.Event()
    release = threading.Event()
    finished = {}

    def hold_north():
        try:
            with transaction.atomic():
                audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def write(name, client, actor):
        try:
            audit.record(None, "read", audit.for_client(client), actor=actor)
            finished[name] = time.monotonic()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_north)
    holder.start()
    assert holding.wait(10)
    north = threading.Thread(target=write, args=("north", personas.b, personas.c1))
    south = threading.Thread(
        target=write, args=("south", personas.other_client, personas.other_counselor)
    )
    north.start()
    south.start()
    south.join(5)
    time.sleep(0.3)
    assert "south" in finished and "north" not in finished
    release.set()
    holder.join(10)
    north.join(10)
    assert "north" in finished
    assert verify()[0] == 0
    assert AuditEvent.objects.count() == 3


def test_deferred_events_are_written_at_the_end_in_the_order_recorded(personas):
    with transaction.atomic(), audit.deferred():
        audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
        with audit.deferred():  # an inner block joins the outer one
            audit.record(None, "read", audit.for_client(personas.other_client), actor=personas.c1)
        audit.record(None, "update", audit.for_client(personas.b), actor=personas.c1)
        assert not AuditEvent.objects.exists()
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.client_id) for e in events] == [
        ("read", personas.a.pk),
        ("read", personas.other_client.pk),
        ("update", personas.b.pk),
    ]
    assert verify() == (0, "Audit trail intact: 3 events checked.\n")


def test_deferred_events_are_dropped_when_the_block_fails(personas):
    with pytest.raises(RuntimeError), transaction.atomic(), audit.deferred():
        audit.record(None, "read", audit.for_client(personas.a), actor=personas.c1)
        raise RuntimeError
    audit.record(None, "read", audit.for_client(personas.b), actor=personas.c1)
    (event,) = AuditEvent.objects.all()
    assert event.client_id == personas.b.pk and event.prev_hash == GENESIS
