import base64

import pytest

from alliance import crypto

OLD = b"o" * 32
NEW = b"n" * 32


@pytest.fixture
def keys(settings):
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    return settings


def test_it_round_trips_text(keys):
    sealed = crypto.encrypt("I felt heard today", "journal.text")
    assert "felt" not in sealed
    assert crypto.decrypt(sealed, "journal.text") == "I felt heard today"


def test_it_seals_with_the_newest_key_and_still_reads_older_ones(keys):
    keys.ENCRYPTION_KEYS = [OLD]
    old_sealed = crypto.encrypt("before rotation")
    keys.ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.key_of(old_sealed) == crypto.fingerprint(OLD)
    assert crypto.decrypt(old_sealed) == "before rotation"
    assert crypto.key_of(crypto.encrypt("after")) == crypto.fingerprint(NEW)


def test_it_uses_a_fresh_nonce_each_time(keys):
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_it_refuses_a_value_moved_to_another_field(keys):
    sealed = crypto.encrypt("private", "journal.text")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "notes.text")


def test_it_refuses_an_altered_value(keys):
    sealed = crypto.encrypt("private")
    prefix, key_id, body = sealed.split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    tampered = f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)


def test_it_names_a_missing_key(keys):
    sealed = crypto.encrypt("private")
    keys.ENCRYPTION_KEYS = [OLD]
    with pytest.raises(crypto.DecryptionError, match="not in ALLIANCE_ENCRYPTION_KEYS"):
        crypto.decrypt(sealed)


def test_it_generates_keys_the_settings_accept():
    from alliance.settings import parse_encryption_keys

    assert len(parse_encryption_keys(crypto.generate_key())[0]) == 32
