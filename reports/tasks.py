"""Celery tasks of the reports app: rollup maintenance and the monthly reports."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import rollups


@shared_task
def apply_new_events(settle_seconds: int = 5) -> int:
    """Fold new petition events and receptions into the rollups (every minute; safe to repeat)."""
    return rollups.apply_new_events(settle_seconds=settle_seconds)


@shared_task
def reconcile_rollups(start: str | None = None, end: str | None = None) -> int:
    """Nightly: recompute the rollup rows of every case changed since the last night (bounded
    by the changed cases). With ``start``/``end`` (ISO dates): rebuild that range of days from
    the raw tables instead (repair; ``manage.py rebuild_rollups`` rebuilds everything)."""
    if start or end:
        last = dt.date.fromisoformat(end) if end else timezone.localdate()
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=400)
        return rollups.reconcile(first, last)
    return rollups.refresh_changed()["cases_keys"]


@shared_task
def prepare_monthly_reports(today: str | None = None) -> int:
    """On the 1st: snapshot last month's figures for each clerk's region and notify the clerk."""
    from .monthly import prepare_monthly_reports as prepare

    return prepare(dt.date.fromisoformat(today) if today else timezone.localdate())
