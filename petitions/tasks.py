"""Deadline supervision (督办) and auto-close: set-based sweeps run by Celery beat.

No task is scheduled per petition: the deadlines live in the database and one sweep reads
them. Every notification carries a dedupe key, so a second run sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import notify_users
from core.workdays import Calendar

from .choices import UNDER_DEADLINE, Escalation, EventKind, Status
from .models import Petition, PetitionEvent
from .services import department_users, petition_auto_close

log = logging.getLogger(__name__)

# Working days past the deadline at which each level starts (催办 → 督办 → 挂牌督办).
ESCALATION_LATE_DAYS = {
    Escalation.URGED: 1,
    Escalation.SUPERVISED: 5,
    Escalation.LISTED: 15,
}


def latest_deadline_for(calendar: Calendar, today: dt.date, late_days: int) -> dt.date:
    """The latest deadline that is at least ``late_days`` working days late today.

    Level 1 counts calendar days (a case is late the day after its deadline); the higher
    levels count working days so a holiday week does not escalate a department unfairly.
    """
    if late_days <= 1:
        return today - dt.timedelta(days=1)
    day = today - dt.timedelta(days=1)
    while calendar.working_days_between(day, today) < late_days:
        day -= dt.timedelta(days=1)
    return day


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def supervisors(petition: Petition) -> list:
    """Who hears about a late case: the lead department's handlers, the station's staff, and
    clerks whose region contains the station."""
    User = get_user_model()
    station = petition.station
    station_ids = [station.pk] + ([station.parent_id] if station.parent_id else [])
    users: dict[int, object] = {}
    groups = [
        department_users([petition.lead_department_id]) if petition.lead_department_id else [],
        User.objects.filter(staff_posts__station_id__in=station_ids, is_active=True),
        User.objects.filter(
            clerk_scopes__region__path__in=_prefixes(station.region.path), is_active=True
        ),
    ]
    for group in groups:
        for user in group:
            users.setdefault(user.pk, user)
    return list(users.values())


def _escalate_level(level: int, cutoff: dt.date) -> int:
    """Raise every due case to ``level`` with one UPDATE; events and notices for exactly those rows."""
    with transaction.atomic():
        ids = list(
            Petition.objects.select_for_update(skip_locked=True)
            .filter(status__in=UNDER_DEADLINE, deadline__lte=cutoff, escalation__lt=level)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Petition.objects.filter(pk__in=ids, escalation__lt=level).update(escalation=level)
        rows = list(
            Petition.objects.filter(pk__in=ids).select_related("station__region", "lead_department")
        )
        label = Escalation(level).label
        PetitionEvent.objects.bulk_create(
            PetitionEvent(
                petition=p,
                kind=EventKind.ESCALATED,
                actor_label="system",
                from_status=p.status,
                to_status=p.status,
                note=str(label),
                is_public=False,
            )
            for p in rows
        )
        for p in rows:
            notify_users(
                supervisors(p),
                subject=_("%(level)s: %(title)s (deadline %(d)s, %(dept)s)")
                % {
                    "level": label,
                    "title": p.title,
                    "d": p.deadline.isoformat(),
                    "dept": p.lead_department or "",
                },
                url=p.get_absolute_url(),
                dedupe_key=f"petition:{p.pk}:r{p.reopen_count}:escalation:{level}",
            )
    return len(ids)


def _remind(today: dt.date, calendar: Calendar) -> int:
    horizon = calendar.add_working_days(today, settings.REMIND_DAYS_BEFORE)
    sent = 0
    rows = Petition.objects.filter(
        status__in=UNDER_DEADLINE, deadline__gte=today, deadline__lte=horizon
    ).only("pk", "title", "deadline", "reopen_count", "lead_department_id")
    for p in rows:
        with transaction.atomic():
            sent += notify_users(
                department_users([p.lead_department_id]) if p.lead_department_id else [],
                subject=_("Reminder: reply due by %(d)s: %(title)s")
                % {"d": p.deadline.isoformat(), "title": p.title},
                url=p.get_absolute_url(),
                dedupe_key=f"petition:{p.pk}:r{p.reopen_count}:remind:{p.deadline.isoformat()}",
            )
    return sent


def run_sweep(today: dt.date | None = None) -> dict:
    """Reminders before the deadline, escalation after it; returns counts (for tests and logs)."""
    today = today or timezone.localdate()
    calendar = Calendar()
    result = {"reminded": _remind(today, calendar)}
    # Highest level first: a case many days late gets one event at its final level.
    for level in sorted(ESCALATION_LATE_DAYS, reverse=True):
        cutoff = latest_deadline_for(calendar, today, ESCALATION_LATE_DAYS[level])
        result[f"level{int(level)}"] = _escalate_level(int(level), cutoff)
    log.info("deadline sweep %s: %s", today, result)
    return result


def run_auto_close(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUTO_CLOSE_UNRATED_DAYS)
    ids = list(
        Petition.objects.filter(status=Status.FEEDBACK_GIVEN, feedback_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    closed = sum(petition_auto_close(petition=pk) is not None for pk in ids)
    log.info("auto-closed %s unrated cases", closed)
    return closed


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_deadlines() -> dict:
    return run_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def auto_close_unrated() -> int:
    return run_auto_close()
