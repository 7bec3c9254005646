"""Exports through Django's storage API: the file goes where STORAGES says, not to a path."""

from django.core.files.storage import default_storage
from django.urls import reverse

from reports.ledgers.choices import JobStatus, LedgerKind
from reports.ledgers.models import ExportJob

from .ledger_support import petition, sheet


def test_a_background_export_is_stored_and_served_through_the_storage_api(
    world, as_role, settings, tmp_path, django_capture_on_commit_callbacks
):
    # A storage somewhere else than MEDIA_ROOT stands for the bucket every machine shares.
    bucket = tmp_path / "bucket"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEDGER_SYNC_MAX_ROWS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(bucket)},
        },
    }
    for i in range(2):
        petition(world, title=f"共享{i}")
    client = as_role("staff")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:export"), {"kind": LedgerKind.PETITIONS})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert default_storage.exists(job.file_path) and (bucket / job.file_path).exists()
    assert not (tmp_path / "media" / job.file_path).exists()

    download = client.get(reverse("ledgers:export_download", args=[job.pk]))
    rows = sheet(b"".join(download.streaming_content))
    assert sorted(row[6] for row in rows[1:]) == ["共享0", "共享1"]

    # Gone from the store: the download is a 404, not a server error.
    default_storage.delete(job.file_path)
    assert client.get(reverse("ledgers:export_download", args=[job.pk])).status_code == 404
