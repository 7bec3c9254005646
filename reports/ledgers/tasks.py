"""Celery tasks for ledgers and notices. Tasks take ids, reload, and are safe to run twice."""

from __future__ import annotations

import logging
import os
import tempfile

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from core.codes import random_code
from core.excel import write_xlsx
from core.replica import replica_reads

from .. import notices
from ..exports import LEDGERS, LedgerFilters, ledger_title
from .choices import JobStatus
from .models import ExportJob

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between progress updates (one UPDATE each)


def export_dir() -> str:
    """Where the workbook is written before it goes to the storage (a local scratch folder)."""
    path = os.path.join(tempfile.gettempdir(), "liaison-exports")
    os.makedirs(path, exist_ok=True)
    return path


def run_export_job(job_id: int) -> bool:
    """Write the job's ledger to ``exports/`` in the default storage (MEDIA_ROOT, or an S3
    bucket shared by every web machine and worker); returns False if it was not pending.

    XlsxWriter streams to a local scratch file (constant memory); the finished file is then
    handed to the storage API, which stores it under the name it chooses."""
    claimed = ExportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, progress=0
    )
    if not claimed:
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ledger = LEDGERS[job.kind]
    filters = LedgerFilters.from_json(job.filters)
    relative = f"exports/{job.pk}-{random_code(10)}.xlsx"
    target = os.path.join(export_dir(), os.path.basename(relative))
    try:
        # The ledger's rows from the replica when there is one (progress writes go to the primary).
        with (
            translation.override(job.filters.get("language") or settings.LANGUAGE_CODE),
            replica_reads(),
        ):
            qs = ledger.queryset(job.user, filters)
            total = max(1, qs.count())

            def counted():
                for number, row in enumerate(ledger.rows(job.user, filters, qs), start=1):
                    if number % PROGRESS_EVERY == 0:
                        # Department rows can outnumber petitions: never claim 100 before the end.
                        ExportJob.objects.filter(pk=job_id).update(
                            progress=min(99, 100 * number // total)
                        )
                    yield row

            rows = write_xlsx(
                target,
                ledger.headers(),
                counted(),
                sheet_name=str(job.get_kind_display()),
                widths=ledger.widths or None,
                title=ledger_title(job.kind, filters),
            )
    except Exception as exc:
        log.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        if os.path.exists(target):
            os.remove(target)
        return False
    try:
        with open(target, "rb") as handle:
            relative = default_storage.save(relative, File(handle))
    finally:
        os.remove(target)
    ExportJob.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        progress=100,
        row_count=rows,
        file_path=relative,
        finished_at=timezone.now(),
    )
    return True


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_export(job_id: int) -> bool:
    return run_export_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def publish_due_notices() -> int:
    """Daily: publish the last completed notice period for stations that have not got one."""
    return notices.publish_due()
