"""Writes for ledgers, notices and records: each one re-checks the actor's rights."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.roles import roles_of
from deputies.models import Deputy
from stations.models import Station

from .. import notices
from ..exports import LedgerFilters
from .choices import ActivityKind, LedgerKind
from .models import DeputyActivity, ExportJob, ProgressNotice
from .rights import can_record_activities, can_use_ledgers


@transaction.atomic
def export_job_create(*, actor, kind: str, filters: LedgerFilters) -> ExportJob:
    """Queue a large ledger export; the worker re-applies the actor's scope when it runs."""
    if not can_use_ledgers(roles_of(actor)):
        raise PermissionDenied(_("You may not export ledgers."))
    LedgerKind(kind)  # raises ValueError for an unknown ledger
    job = ExportJob.objects.create(
        user=actor, kind=kind, filters={**filters.to_json(), "language": get_language()}
    )
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


@transaction.atomic
def deputy_activity_create(
    *, actor, deputy: Deputy, kind: str, date: dt.date, title: str, notes: str = ""
) -> DeputyActivity:
    """Record a training, inspection, research or report-back for a deputy in the actor's scope."""
    if not can_record_activities(roles_of(actor)) or not (
        Deputy.objects.visible_to(actor).filter(pk=deputy.pk).exists()
    ):
        raise PermissionDenied(_("You may not record activities for this deputy."))
    ActivityKind(kind)
    return DeputyActivity.objects.create(
        deputy=deputy, kind=kind, date=date, title=title, notes=notes, recorded_by=actor
    )


def progress_notice_publish(
    *, actor, station: Station, today: dt.date | None = None
) -> ProgressNotice:
    """Publish the current period's notice now (early), replacing an earlier snapshot of it."""
    if not Station.objects.editable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("You may not publish notices for this station."))
    today = today or timezone.localdate()
    start, end = notices.period_of(today)
    return notices.publish(station, start, end, actor=actor, today=today)
