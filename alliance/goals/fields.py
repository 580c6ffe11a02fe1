"""Sealed storage for the goals' and tasks' free text, and the migration step that seals text
stored before these columns were encrypted."""

import json

from django.core.exceptions import ValidationError
from django.db import migrations

from alliance import crypto


class EncryptedJSONField(crypto.EncryptedTextField):
    """A list or mapping of the client's words (a snapshot of value names, of level wordings),
    kept as JSON text that the database only sees encrypted.

    A str given to the field is JSON text, never a value in its own right: that is how
    `alliance keys rotate` hands back what it decrypted, and how a serialised value returns.
    """

    def to_python(self, value):
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValidationError("Not valid JSON.", code="invalid")

    def from_db_value(self, value, expression, connection):
        return self.to_python(super().from_db_value(value, expression, connection))

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False), self.context())

    def value_to_string(self, obj):
        return self.value_from_object(obj)


def _reseal(app_label: str, columns: dict[str, tuple[str, ...]], *, seal: bool):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        for model_name, field_names in columns.items():
            model = apps.get_model(app_label, model_name)
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            for name in field_names:
                column = quote(model._meta.get_field(name).column)
                context = f"{model._meta.label_lower}.{name}"
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} "  # noqa: S608
                        f"WHERE {column} IS NOT NULL AND {column} <> ''"
                    )
                    changed = [
                        (
                            crypto.encrypt(stored, context)
                            if seal
                            else crypto.decrypt(stored, context),
                            row_pk,
                        )
                        for row_pk, stored in cursor.fetchall()
                        if (crypto.key_of(stored) is None) == seal
                    ]
                    if changed:
                        cursor.executemany(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            changed,
                        )
            # PostgreSQL refuses to alter a table with deferred checks still queued from
            # these updates (the next step when the migration is reversed); run them now.
            connection.check_constraints(table_names=[model._meta.db_table])

    return run


def seal_existing_text(app_label: str, columns: dict[str, tuple[str, ...]]):
    """A migration step that encrypts, in place, the plain text in `columns` (model name →
    field names), and decrypts it again when the migration is reversed.

    It works on the raw columns: the fields would try to decrypt what is still plain. Run it
    after the columns became text, since a sealed value is longer than its plain text.
    """
    return migrations.RunPython(
        _reseal(app_label, columns, seal=True),
        _reseal(app_label, columns, seal=False),
        elidable=False,
    )
