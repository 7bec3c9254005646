"""A narrow table for deadline supervision (issue 10): the sweep updates it, not petitions.

Safe to run before the code switch: it only adds the table and copies each case's state
(cases assigned or handling, and every case that reached a level). 0008 copies again what
the old code escalated in between and then drops ``petition.escalation``.
"""

import django.db.models.deletion
from django.db import migrations, models

from . import _supervision_sql as sql



def copy_state(apps, schema_editor):
    sql.run(apps, schema_editor, sql.INSERT_MISSING, sql.RAISE_LEVELS)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_routing_rules")]

    operations = [
        migrations.CreateModel(
            name="Supervision",
            fields=[
                (
                    "petition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="supervision",
                        serialize=False,
                        to="petitions.petition",
                    ),
                ),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "None"),
                            (1, "Urged (催办)"),
                            (2, "Supervised (督办)"),
                            (3, "Listed for supervision (挂牌督办)"),
                        ],
                        default=0,
                        verbose_name="escalation",
                    ),
                ),
                ("deadline", models.DateField(blank=True, null=True)),
                ("reminded_on", models.DateField(blank=True, null=True)),
                ("escalated_on", models.DateField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "supervision",
                "verbose_name_plural": "supervision",
                "indexes": [
                    models.Index(
                        condition=models.Q(("deadline__isnull", False)),
                        fields=["level", "deadline"],
                        name="supervision_due_idx",
                    )
                ],
            },
        ),
        # Reversed by dropping the table (0008's reverse has already put the levels back).
        migrations.RunPython(copy_state, migrations.RunPython.noop, elidable=True),
    ]
