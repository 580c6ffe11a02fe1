from django.core.management.base import BaseCommand
from django.db import transaction

from alliance import crypto

BATCH = 500


class Command(BaseCommand):
    help = "Encryption keys: `alliance keys generate` prints a new key; `alliance keys rotate` "
    "re-encrypts every stored value with the newest key in ALLIANCE_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="print a new random key")
        sub.add_parser("rotate", help="re-encrypt everything with the newest key")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(crypto.generate_key())
            return
        newest = crypto.newest_fingerprint()
        total = 0
        for model, field in crypto.encrypted_fields():
            done = rotate_field(model, field, newest)
            total += done
            self.stdout.write(f"{model._meta.label}.{field.name}: {done} re-encrypted")
        self.stdout.write(f"Done: {total} values now use key {newest}.")


def rotate_field(model, field, newest: str) -> int:
    """Re-seal one column in batches, each its own transaction.

    Reading the raw column (not through the field) tells which key sealed each value, so an
    interrupted run resumes where it stopped: values already on the newest key are skipped.
    """
    done = 0
    last_pk = 0
    from django.db import connection

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
