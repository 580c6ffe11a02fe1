"""The TOTP secret of each authenticator app, sealed at rest with the field encryption.

django-otp keeps the secret in `otp_totp_totpdevice.key` as plain hex: anyone who reads the
database (or a backup of it) could mint the staff's one-time codes. The column keeps its place
and meaning, but the value in it is sealed like any other encrypted field (`alliance.crypto`),
so `alliance keys rotate` re-seals it and a restore without the keys cannot read it. In memory
the model still holds the hex secret, so django-otp works unchanged.

The sealed value is longer than django-otp's 80 characters: migration 0002 of accounts widens
the column on PostgreSQL (SQLite does not enforce lengths) and seals the rows already there.
"""

from django.db import models

from alliance.crypto import EncryptedTextField


class SealedTOTPKey(EncryptedTextField):
    """django-otp's `key` field, sealed on the way to the database and opened on the way back.

    To migrations it is still django-otp's own CharField (`deconstruct`), so django-otp's
    migrations stay the only ones for its table.
    """

    holds_client_text = False

    def get_internal_type(self):
        return "CharField"

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.max_length
        return name, "django.db.models.CharField", args, kwargs


def seal_totp_keys() -> None:
    """Make django-otp's key field a sealed one; called once, when the app registry is ready."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    field = TOTPDevice._meta.get_field("key")
    if type(field) is models.CharField:
        field.__class__ = SealedTOTPKey
