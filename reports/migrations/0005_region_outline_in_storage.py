"""Region outlines move from a text column into Django's storage (a file per region)."""

import django.db.models.deletion
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import migrations, models

import reports.models


def text_to_storage(apps, schema_editor):
    RegionOutline = apps.get_model("reports", "RegionOutline")
    for outline in RegionOutline.objects.select_related("region").exclude(geojson=""):
        outline.file.save(
            f"outlines/{outline.region.code}.geojson",
            ContentFile(outline.geojson.encode("utf-8")),
            save=True,
        )


def storage_to_text(apps, schema_editor):
    RegionOutline = apps.get_model("reports", "RegionOutline")
    for outline in RegionOutline.objects.exclude(file=""):
        with outline.file.open("rb") as fh:
            outline.geojson = fh.read().decode("utf-8-sig")
        outline.save(update_fields=["geojson"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_rollups_without_row_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="regionoutline",
            name="file",
            field=models.FileField(
                default="",
                max_length=200,
                upload_to=reports.models._outline_name,
                verbose_name="GeoJSON file",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="regionoutline",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
        migrations.RunPython(text_to_storage, storage_to_text),
        migrations.RemoveField(model_name="regionoutline", name="geojson"),
    ]
