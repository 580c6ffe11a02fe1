"""The authenticator app's secret is sealed at rest, rotated with the other keys, and the
secrets stored before it was sealed are sealed by the migration."""

import importlib
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance import crypto

TABLE = TOTPDevice._meta.db_table
MIGRATION = importlib.import_module(
    "alliance.accounts.migrations.0002_tokens_sessions_and_stand_ins"
)
KEY_B = b"B" * 32


def raw_keys() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, key FROM {TABLE}")  # noqa: S608
        return dict(cursor.fetchall())


class Editor:
    """What a RunPython step receives, enough for the steps that use only the connection."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_it_keeps_no_secret_in_plain_text(personas):
    device = TOTPDevice.objects.get(user=personas.c1)
    stored = raw_keys()[device.pk]
    assert stored.startswith(f"aes1:{crypto.newest_fingerprint()}:")
    assert device.key not in stored
    assert len(device.key) == 40 and int(device.key, 16) >= 0


def test_it_still_checks_codes_with_the_sealed_secret(personas):
    device = TOTPDevice.objects.get(user=personas.c1)
    assert device.verify_token(f"{totp(device.bin_key):06d}")
    assert device.config_url.startswith("otpauth://totp/")


def test_it_rotates_the_secret_with_the_other_keys(personas, settings):
    before = {d.pk: d.key for d in TOTPDevice.objects.all()}
    settings.ENCRYPTION_KEYS = [KEY_B, *settings.ENCRYPTION_KEYS]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert f"otp_totp.TOTPDevice.key: {len(before)} re-encrypted" in out.getvalue()
    assert {crypto.key_of(v) for v in raw_keys().values()} == {crypto.fingerprint(KEY_B)}
    settings.ENCRYPTION_KEYS = [KEY_B]
    assert {d.pk: d.key for d in TOTPDevice.objects.all()} == before


def test_it_seals_secrets_stored_in_plain_text_before_and_opens_them_going_back(personas):
    plain = {d.pk: d.key for d in TOTPDevice.objects.all()}
    with connection.cursor() as cursor:
        for pk, key in plain.items():
            cursor.execute(f"UPDATE {TABLE} SET key = %s WHERE id = %s", [key, pk])  # noqa: S608
    MIGRATION.seal_totp_keys(None, Editor())
    sealed = raw_keys()
    assert all(crypto.key_of(value) for value in sealed.values())
    assert {d.pk: d.key for d in TOTPDevice.objects.all()} == plain
    MIGRATION.seal_totp_keys(None, Editor())
    assert raw_keys() == sealed  # run twice, sealed once
    MIGRATION.open_totp_keys(None, Editor())
    assert raw_keys() == plain
    MIGRATION.widen_totp_key(None, Editor())
    MIGRATION.seal_totp_keys(None, Editor())


def test_it_leaves_django_otps_migrations_alone(db):
    out = StringIO()
    call_command(
        "makemigrations", "accounts", "audit", "otp_totp", "--check", "--dry-run", stdout=out
    )
    assert "No changes detected" in out.getvalue()
