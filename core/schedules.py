"""Periodic tasks, declared in code and written to django-celery-beat's tables.

Each app, and each sub-domain package such as ``deputies/roster/``, may have a ``schedules.py``
with ``SCHEDULES = [Schedule(...), ...]``; ``manage.py setup_schedules`` (run by ``make run``
and on deploy) creates or updates the rows, so administrators can still pause or retime a task
in the admin without a code change.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass

from .packages import app_packages


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    # crontab fields; minute="*/5" etc. Times are Asia/Shanghai.
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    kwargs: dict | None = None
    # Set for work more frequent than crontab's minute: an interval instead of the fields above.
    every_seconds: int | None = None


def declared_schedules() -> list[Schedule]:
    found: list[Schedule] = []
    for package in app_packages():
        try:
            module = importlib.import_module(f"{package}.schedules")
        except ModuleNotFoundError:
            continue
        found.extend(getattr(module, "SCHEDULES", []))
    return found


def install_schedules() -> int:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    count = 0
    for s in declared_schedules():
        when: dict[str, object]
        if s.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=s.every_seconds, period=IntervalSchedule.SECONDS
            )
            when = {"interval": interval, "crontab": None}
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=s.minute,
                hour=s.hour,
                day_of_month=s.day_of_month,
                month_of_year=s.month_of_year,
                day_of_week=s.day_of_week,
                timezone=settings.TIME_ZONE,
            )
            when = {"crontab": crontab, "interval": None}
        PeriodicTask.objects.update_or_create(
            name=s.name,
            defaults={"task": s.task, **when, "kwargs": json.dumps(s.kwargs or {})},
        )
        count += 1
    return count


# The core app's own periodic tasks.
SCHEDULES = [
    # The re-send sweep: messages whose on-commit enqueue was lost (broker down) or whose worker
    # died mid-delivery go out within a minute (every 30 s; a stale claim after 45 s).
    Schedule("core: re-send pending outbox", "core.tasks.deliver_pending_outbox", every_seconds=30),
    # Django never deletes expired sessions by itself.
    Schedule(
        "core: clear expired sessions", "core.tasks.clear_expired_sessions", minute="40", hour="3"
    ),
    # One message a day for users who chose the daily digest instead of one per event.
    Schedule(
        "core: daily notification digest", "core.tasks.send_daily_digests", minute="0", hour="18"
    ),
    # Each November, tell administrators to load next year's State Council holiday notice.
    Schedule(
        "core: holiday calendar coverage",
        "core.tasks.warn_calendar_coverage",
        minute="0",
        hour="9",
        day_of_week="1",
        month_of_year="11,12",
    ),
]
