"""Supervision of livelihood projects (督): one set-based sweep of milestones, run by beat.

With the cases' levels and thresholds (petitions/tasks.py): a milestone not done by its date is
urged (催办) the next day, supervised (督办) after 5 working days and listed (挂牌督办) after 15
— each level one UPDATE plus one bulk INSERT of timeline events. The lead department's handlers
and the clerks covering the cycle's region get ONE digest per level and run, whose dedupe key
names the exact set of milestones, so running the sweep twice tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.notify import notify_bulk, user_messages
from core.workdays import Calendar
from petitions.choices import Escalation
from petitions.tasks import ESCALATION_LATE_DAYS, latest_deadline_for
from stations.models import ClerkScope, DepartmentHandler
from stations.paths import path_prefixes

from .choices import EventKind, Status
from .models import Milestone, ProjectEvent

log = logging.getLogger(__name__)
DIGEST_TITLES = 10
FIELDS = ("pk", "title", "due_date", "candidate_id", "candidate__title",
          "candidate__lead_department_id", "candidate__cycle__region__path")  # fmt: skip


def _recipients(rows) -> dict[int, list[tuple]]:
    """user id -> milestone rows: lead departments' handlers and covering clerks."""
    out: dict[int, list[tuple]] = defaultdict(list)
    by_department: dict[int, list[tuple]] = defaultdict(list)
    under: dict[str, list[tuple]] = defaultdict(list)
    for r in rows:
        if r[5]:
            by_department[r[5]].append(r)
        for prefix in path_prefixes(r[6]):
            under[prefix].append(r)
    for user_id, department_id in DepartmentHandler.objects.filter(
        department_id__in=list(by_department), user__is_active=True
    ).values_list("user_id", "department_id"):
        out[user_id] += by_department[department_id]
    for user_id, path in ClerkScope.objects.filter(
        region__path__in=list(under), user__is_active=True
    ).values_list("user_id", "region__path"):
        out[user_id] += under[path]
    return out


def _escalate(level: int, cutoff: dt.date, today: dt.date) -> int:
    label = str(Escalation(level).label)
    with transaction.atomic():
        due = Milestone.objects.select_for_update(of=("self",)).filter(
            done_on__isnull=True,
            due_date__lte=cutoff,
            escalation__lt=level,
            candidate__status=Status.IN_PROGRESS,
        )
        rows = list(due.values_list(*FIELDS))
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        Milestone.objects.filter(pk__in=ids).update(escalation=level)
        Milestone.objects.filter(pk__in=ids, overdue_since__isnull=True).update(overdue_since=today)
        ProjectEvent.objects.bulk_create(
            [
                ProjectEvent(
                    candidate_id=r[3],
                    kind=EventKind.OVERDUE,
                    action="overdue",
                    note=f"{label}: {r[1]} ({r[2]:%Y-%m-%d})",
                )
                for r in rows
            ]
        )
        messages = []
        to = _recipients(rows)
        for user in get_user_model().objects.filter(pk__in=list(to)).only("pk", "email", "phone"):
            mine = sorted(set(to[user.pk]), key=lambda r: (r[2], r[0]))
            lines = [f"{r[4]} · {r[1]} ({r[2]:%Y-%m-%d})" for r in mine[:DIGEST_TITLES]]
            if len(mine) > DIGEST_TITLES:
                lines.append(_("… and %(n)d more") % {"n": len(mine) - DIGEST_TITLES})
            if len(mine) == 1:
                subject = _("%(level)s: milestone “%(m)s” of %(p)s is overdue") % {
                    "level": label, "m": mine[0][1], "p": mine[0][4],
                }  # fmt: skip
            else:
                subject = ngettext(
                    "%(n)d project milestone reached %(level)s",
                    "%(n)d project milestones reached %(level)s",
                    len(mine),
                ) % {"n": len(mine), "level": label}
            key = hashlib.sha1(",".join(str(r[0]) for r in mine).encode()).hexdigest()[:16]  # noqa: S324
            messages += user_messages(
                [user],
                subject=subject,
                body="\n".join(lines),
                url=reverse("projects:detail", args=[mine[0][3]]),
                dedupe_key=f"project-sweep:{today}:level{level}:{key}",
            )
        notify_bulk(messages)
    return len(rows)


def run_sweep(today: dt.date | None = None) -> dict:
    """Escalate overdue milestones, highest level first (a long-late milestone gets one event
    at its final level); returns counts for tests and logs."""
    today = today or timezone.localdate()
    calendar = Calendar()
    result = {}
    for level in sorted(ESCALATION_LATE_DAYS, reverse=True):
        cutoff = latest_deadline_for(calendar, today, ESCALATION_LATE_DAYS[level])
        result[f"level{int(level)}"] = _escalate(int(level), cutoff, today)
    log.info("project milestone sweep %s: %s", today, result)
    return result


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_projects() -> dict:
    return run_sweep()
