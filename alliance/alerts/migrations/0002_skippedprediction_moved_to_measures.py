# The prediction lock moved to the measures app, which keeps using this table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("measures", "0002_skippedprediction"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SkippedPrediction")],
            database_operations=[],
        ),
    ]
