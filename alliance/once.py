"""Storing a record once per idempotency key, so that a request repeated after a lost reply
answers with what the first one stored instead of storing it twice."""

from django.db import IntegrityError, transaction

from alliance.errors import Invalid


def store_once(key: str, *, earlier, same, store, different: str):
    """Store a new record unless `key` was used before; returns the record and whether it is new.

    `earlier()` finds the record stored under `key`; `same(record)` says whether it was stored
    for the same request, else the key is refused with the message `different`; `store()`
    saves the new record (and its audit event) inside one transaction. Without a key every
    request stores a new record.
    """
    if key:
        found = earlier()
        if found is not None:
            return _repeated(found, same, different), False
    try:
        with transaction.atomic():
            record = store()
    except IntegrityError:
        # The same key twice at once: the other request stored it.
        found = earlier() if key else None
        if found is None:
            raise
        return _repeated(found, same, different), False
    return record, True


def _repeated(found, same, different: str):
    if not same(found):
        raise Invalid(different, field="idempotency_key")
    return found
