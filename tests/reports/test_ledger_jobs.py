"""Large ledgers run as a Celery job: progress page, status fragment, owner-only download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.ledgers.choices import JobStatus, LedgerKind
from reports.ledgers.models import ExportJob

from .ledger_support import petition, sheet


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.LEDGER_SYNC_MAX_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_runs_a_large_export_in_the_background(
    world, as_role, small_threshold, django_capture_on_commit_callbacks
):
    for i in range(3):
        petition(world, title=f"意见{i}")
    client = as_role("staff")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("ledgers:export"), {"kind": LedgerKind.PETITIONS})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "ledgers:export_job", args=[job.pk]
    )
    assert job.status == JobStatus.PENDING and job.user == world.user("staff")

    page = client.get(response.url)
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert b"download-link" not in page.content

    for callback in callbacks:  # the task is queued on commit; Celery runs eagerly in tests
        callback()
    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (JobStatus.DONE, 100, 3)
    assert job.file_path.startswith("exports/")
    assert (small_threshold / job.file_path).exists()

    status = client.get(reverse("ledgers:export_status", args=[job.pk])).content.decode()
    assert "download-link" in status and "hx-trigger" not in status

    download = client.get(reverse("ledgers:export_download", args=[job.pk]))
    assert download.status_code == 200
    rows = sheet(b"".join(download.streaming_content))
    assert sorted(row[6] for row in rows[1:]) == ["意见0", "意见1", "意见2"]


def test_it_keeps_the_scope_of_the_user_who_asked(
    world, as_role, small_threshold, django_capture_on_commit_callbacks
):
    for i in range(3):
        petition(world, title=f"南湖{i}")
    petition(world, station=world.station_b, title="秀洲")
    with django_capture_on_commit_callbacks(execute=True):
        as_role("clerk").post(reverse("ledgers:export"), {"kind": LedgerKind.PETITIONS})
    job = ExportJob.objects.get()
    content = (small_threshold / job.file_path).read_bytes()
    titles = [row[6] for row in sheet(content)[1:]]
    assert job.row_count == 3 and "秀洲" not in titles


def test_it_refuses_the_download_to_another_user(
    world, client, small_threshold, django_capture_on_commit_callbacks
):
    for i in range(3):
        petition(world, title=f"意见{i}")
    client.force_login(world.user("staff"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:export"), {"kind": LedgerKind.PETITIONS})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE
    # Even an administrator or a clerk over the station cannot fetch someone else's file.
    for role in ("other_staff", "city_clerk", "admin"):
        client.force_login(world.user(role))
        assert client.get(reverse("ledgers:export_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("ledgers:export_job", args=[job.pk])).status_code == 404


def test_it_records_a_failure(world, as_role, small_threshold, monkeypatch):
    from reports import exports
    from reports.ledgers import tasks as ledger_tasks

    def broken(user, filters, qs):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    ledger = exports.LEDGERS[LedgerKind.PETITIONS]
    monkeypatch.setitem(
        exports.LEDGERS,
        LedgerKind.PETITIONS,
        exports.Ledger(ledger.kind, ledger.headers, ledger.queryset, broken),
    )
    job = ExportJob.objects.create(user=world.user("staff"), kind=LedgerKind.PETITIONS)
    assert ledger_tasks.run_export_job(job.pk) is False
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.error
    page = as_role("staff").get(reverse("ledgers:export_status", args=[job.pk]))
    assert "alert-danger" in page.content.decode()
    # Running it again does nothing: only a pending job is claimed.
    assert ledger_tasks.run_export_job(job.pk) is False
