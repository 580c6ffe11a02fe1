"""Journal and note text is stored encrypted, and rotating keys keeps every value readable."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance import crypto
from alliance.accounts.management.commands import keys as keys_command
from alliance.journal.models import JournalEntry, Kind
from alliance.notes.models import Note, NoteKind

KEY_A = b"A" * 32
KEY_B = b"B" * 32
WORDS = "my brother's drinking"


def raw_values(model) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def containing(model, words: str) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE text LIKE %s", [f"%{words}%"])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def written(personas, settings):
    """Seven journal entries and five notes, all sealed with key A (as are the staff's
    authenticator secrets, so key A is the only key in use)."""
    devices = list(TOTPDevice.objects.all())
    settings.ENCRYPTION_KEYS = [KEY_A]
    for device in devices:
        device.save()
    entries = [
        JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text=f"{WORDS} #{n}")
        for n in range(7)
    ]
    notes = [
        Note.objects.create(
            client=personas.a,
            author=personas.c1,
            kind=NoteKind.PSYCHOTHERAPY if n % 2 else NoteKind.PROGRESS,
            text=f"{WORDS} (note {n})",
        )
        for n in range(5)
    ]
    return entries, notes


def texts():
    journal = dict(JournalEntry.objects.values_list("pk", "text"))
    notes = dict(Note.objects.values_list("pk", "text"))
    return journal, notes


def keys_used() -> set[str]:
    return {crypto.key_of(v) for m in (JournalEntry, Note) for v in raw_values(m)}


def test_it_keeps_no_plaintext_in_the_database(personas, api_as, written):
    api_as(personas.a.user).post(
        f"/api/v1/clients/{personas.a.pk}/journal",
        json.dumps({"kind": "bring_up", "text": f"{WORDS} again", "shared": True}),
        content_type="application/json",
    )
    api_as(personas.c1).post(
        f"/api/v1/clients/{personas.a.pk}/notes",
        json.dumps({"kind": "progress", "text": f"{WORDS}, said twice"}),
        content_type="application/json",
    )
    for model in (JournalEntry, Note):
        values = raw_values(model)
        assert values and all(v.startswith(f"aes1:{crypto.fingerprint(KEY_A)}:") for v in values)
        assert not any("brother" in v for v in values)
        assert containing(model, "brother") == 0
    assert JournalEntry.objects.filter(kind=Kind.BRING_UP).get().text == f"{WORDS} again"


def test_it_reads_everything_after_rotating_to_a_new_key(written, settings):
    before = texts()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    sealed = 12 + TOTPDevice.objects.count()
    assert f"Done: {sealed} values now use key {crypto.fingerprint(KEY_B)}." in out.getvalue()
    assert keys_used() == {crypto.fingerprint(KEY_B)}
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert texts() == before


def test_it_finishes_an_interrupted_rotation_when_run_again(written, settings, monkeypatch):
    before = texts()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    monkeypatch.setattr(keys_command, "BATCH", 3)
    real_decrypt = crypto.decrypt
    calls = []

    def failing_part_way(stored, context=""):
        if context == "journal.journalentry.text":
            calls.append(stored)
        if len(calls) == 5:
            raise RuntimeError("the server was stopped")
        return real_decrypt(stored, context)

    monkeypatch.setattr(crypto, "decrypt", failing_part_way)
    with pytest.raises(RuntimeError):
        call_command("keys", "rotate", stdout=StringIO())
    monkeypatch.setattr(crypto, "decrypt", real_decrypt)

    # The first batch was committed; the batch that failed was rolled back whole.
    journal_keys = [crypto.key_of(v) for v in raw_values(JournalEntry)]
    assert journal_keys == [crypto.fingerprint(KEY_B)] * 3 + [crypto.fingerprint(KEY_A)] * 4
    assert keys_used() == {crypto.fingerprint(KEY_A), crypto.fingerprint(KEY_B)}
    assert texts() == before

    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "journal.JournalEntry.text: 4 re-encrypted" in out.getvalue()
    assert "notes.Note.text: 5 re-encrypted" in out.getvalue()
    assert keys_used() == {crypto.fingerprint(KEY_B)}
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert texts() == before


def test_it_resumes_one_field_from_a_partial_state(written, settings):
    before = texts()
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    field = JournalEntry._meta.get_field("text")
    first_two = [e.pk for e in JournalEntry.objects.order_by("pk")[:2]]
    for pk in first_two:
        JournalEntry.objects.filter(pk=pk).update(text=f"{WORDS} #{pk - first_two[0]}")
    assert keys_command.rotate_field(JournalEntry, field, crypto.fingerprint(KEY_B)) == 5
    assert keys_command.rotate_field(JournalEntry, field, crypto.fingerprint(KEY_B)) == 0
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert dict(JournalEntry.objects.values_list("pk", "text")) == before[0]


def test_it_names_the_missing_key_when_one_is_lost(written, settings):
    settings.ENCRYPTION_KEYS = [KEY_B]
    lost = crypto.fingerprint(KEY_A)
    with pytest.raises(crypto.DecryptionError, match=f"sealed with key {lost}"):
        JournalEntry.objects.first()
    with pytest.raises(crypto.DecryptionError, match=f"sealed with key {lost}"):
        call_command("keys", "rotate", stdout=StringIO())
