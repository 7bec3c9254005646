"""The open cases' deadline index gains the station (``petition_open_due_idx``).

"Overdue now" counts the open cases not yet due per station; with the station in the key that
is an index-only scan instead of one heap page per case. The old code reads the new index as
well as the old one, so this is safe before the code switch. On PostgreSQL both indexes are
built and dropped ``CONCURRENTLY`` (the petitions table stays writable), outside a transaction.
"""

from django.db import migrations, models

from petitions.choices import UNDER_DEADLINE

OLD = models.Index(
    fields=["deadline"],
    name="petition_open_deadline_idx",
    condition=models.Q(status__in=list(UNDER_DEADLINE)),
)
NEW = models.Index(
    fields=["deadline", "station"],
    name="petition_open_due_idx",
    condition=models.Q(status__in=list(UNDER_DEADLINE)),
)


def _kw(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def forwards(apps, schema_editor):
    petition = apps.get_model("petitions", "Petition")
    schema_editor.add_index(petition, NEW, **_kw(schema_editor))
    schema_editor.remove_index(petition, OLD, **_kw(schema_editor))


def backwards(apps, schema_editor):
    petition = apps.get_model("petitions", "Petition")
    schema_editor.add_index(petition, OLD, **_kw(schema_editor))
    schema_editor.remove_index(petition, NEW, **_kw(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0009_event_petition_index_dropped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="petition", name="petition_open_deadline_idx"),
                migrations.AddIndex(model_name="petition", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
