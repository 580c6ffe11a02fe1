from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from alliance import crypto

BATCH = 500


class Command(BaseCommand):
    help = (
        "Encryption keys: `alliance keys generate` prints a new key; `alliance keys rotate` "
        "re-encrypts every stored value with the newest key in ALLIANCE_ENCRYPTION_KEYS; "
        "`alliance keys check` reads every stored value (after a restore, say) and names any key "
        "missing from ALLIANCE_ENCRYPTION_KEYS."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="print a new random key")
        sub.add_parser("rotate", help="re-encrypt everything with the newest key")
        sub.add_parser("check", help="read every encrypted value; name any missing key")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(crypto.generate_key())
            return
        if action == "check":
            self.check_every_value()
            return
        newest = crypto.newest_fingerprint()
        total = 0
        for model, field in crypto.encrypted_fields():
            done = rotate_field(model, field, newest)
            total += done
            self.stdout.write(f"{model._meta.label}.{field.name}: {done} re-encrypted")
        self.stdout.write(f"Done: {total} values now use key {newest}.")

    def check_every_value(self):
        """Open every sealed value. A key that is missing is named by its fingerprint (the
        value says which key sealed it), with how many values need it."""
        by_key = Counter()
        missing = Counter()
        broken = []
        for model, field in crypto.encrypted_fields():
            for row_pk, stored in raw_values(model, field):
                key_id = crypto.key_of(stored)
                try:
                    crypto.decrypt(stored, field.context())
                except crypto.DecryptionError as error:
                    if key_id and key_id not in crypto.known_fingerprints():
                        missing[key_id] += 1
                    elif len(broken) < 5:
                        broken.append(f"{model._meta.label}.{field.name} row {row_pk}: {error}")
                    continue
                by_key[key_id] += 1
        used = ", ".join(f"{key} ({count})" for key, count in sorted(by_key.items())) or "none"
        if missing:
            needed = ", ".join(f"{key} ({count} values)" for key, count in sorted(missing.items()))
            raise CommandError(
                f"Encrypted values sealed with a key not in ALLIANCE_ENCRYPTION_KEYS: {needed}. "
                "Add the key with that fingerprint (from where the keys are kept apart from the "
                "database backups) and run this again."
            )
        if broken:
            raise CommandError("Encrypted values that do not open:\n  " + "\n  ".join(broken))
        self.stdout.write(
            f"Every encrypted value reads: {sum(by_key.values())} values; keys in use: {used}."
        )


def raw_values(model, field):
    """(pk, stored value) of every non-empty value of one encrypted column, in pk order."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    pk = quote(model._meta.pk.column)
    last_pk = None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {pk} > %s " if last_pk is not None else ""
            cursor.execute(
                f"SELECT {pk}, {column} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                [last_pk, BATCH] if last_pk is not None else [BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        last_pk = rows[-1][0]
        yield from ((row_pk, stored) for row_pk, stored in rows if stored)


def rotate_field(model, field, newest: str) -> int:
    """Re-seal one column in batches, each its own transaction.

    Reading the raw column (not through the field) tells which key sealed each value, so an
    interrupted run resumes where it stopped: values already on the newest key are skipped.
    """
    done = 0
    last_pk = 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(field.column)
    pk = quote(model._meta.pk.column)

    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [last_pk, BATCH],
                )
                rows = cursor.fetchall()
            if not rows:
                return done
            last_pk = rows[-1][0]
            for row_pk, stored in rows:
                if not stored or crypto.key_of(stored) == newest:
                    continue
                plaintext = crypto.decrypt(stored, field.context())
                model.objects.filter(pk=row_pk).update(**{field.name: plaintext})
                done += 1
