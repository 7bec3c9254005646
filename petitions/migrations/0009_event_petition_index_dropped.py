"""Drop the index on ``petitions_petitionevent.petition_id`` alone.

The ``(petition_id, created_at)`` index already serves every look-up by petition, so the old
code runs the same with or without it: safe before the code switch. On PostgreSQL the index is
dropped (and, backwards, built) ``CONCURRENTLY``, so the events table stays writable while a
big table is changed; that needs a migration outside a transaction (``atomic = False``).
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "petitions_petitionevent"
COLUMN = "petition_id"


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, c in constraints.items():
        if c["index"] and c["columns"] == [COLUMN] and not (c["unique"] or c["primary_key"]):
            schema_editor.execute(
                f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS "
                f"{schema_editor.quote_name(name)}"
            )


def create_index(apps, schema_editor):
    # The name Django gives a foreign key's own index, as before this migration.
    name = schema_editor._create_index_name(TABLE, [COLUMN], suffix="")
    schema_editor.execute(
        f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS "
        f"{schema_editor.quote_name(name)} ON {schema_editor.quote_name(TABLE)} "
        f"({schema_editor.quote_name(COLUMN)})"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0008_remove_petition_escalation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="petitionevent",
                    name="petition",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="petitions.petition",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
