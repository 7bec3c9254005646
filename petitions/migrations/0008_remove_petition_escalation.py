"""Drop ``petition.escalation`` now that the level lives in Supervision (run after the code
switch). Forwards it first copies what the old code escalated since 0007; backwards it adds the
column again and puts every case's level back from its supervision row."""

from django.db import migrations, models

from . import _supervision_sql as sql


def catch_up(apps, schema_editor):
    sql.run(apps, schema_editor, sql.INSERT_MISSING, sql.RAISE_LEVELS)


def put_back(apps, schema_editor):  # the column is back: RemoveField is reversed first
    sql.run(apps, schema_editor, sql.LEVELS_BACK)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0007_supervision")]

    operations = [
        migrations.RunPython(catch_up, put_back, elidable=True),
        migrations.RemoveField(model_name="petition", name="escalation"),
    ]
