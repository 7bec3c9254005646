"""Supervision of suggestions (督办): one set-based sweep run by Celery beat.

Like the cases' sweep (petitions/tasks.py) and with the same levels and thresholds: a reminder
to the lead department before the limit, then 催办 → 督办 → 挂牌督办 after it, each level one
UPDATE plus one bulk INSERT of events. Everyone concerned gets ONE digest per level and run,
whose dedupe key names the exact set of suggestions, so running the sweep twice tells nobody
twice. Class-B suggestions whose follow-up date has come are brought back to the department.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
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

from .choices import UNDER_DEADLINE, EventKind, Status
from .models import Suggestion, SuggestionEvent

log = logging.getLogger(__name__)
DIGEST_TITLES = 10
FIELDS = ("pk", "title", "number", "deadline", "lead_department_id", "region__path", "round")


@dataclass(frozen=True)
class Row:
    pk: int
    title: str
    number: int | None
    deadline: dt.date
    department_id: int | None
    path: str
    round: int = 0

    @property
    def label(self) -> str:
        number = _("No. %(n)d") % {"n": self.number} if self.number else ""
        return f"{number} {self.title}".strip()


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def recipients(rows: list[Row], *, clerks: bool = True) -> dict[int, set[int]]:
    """user id -> suggestion ids: the lead departments' handlers and (when ``clerks``) the
    clerks whose region covers the suggestion. Two queries for the whole batch."""
    out: dict[int, set[int]] = defaultdict(set)
    by_department: dict[int, list[int]] = defaultdict(list)
    under: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.department_id:
            by_department[r.department_id].append(r.pk)
        for prefix in _prefixes(r.path):
            under[prefix].append(r.pk)
    for user_id, department_id in DepartmentHandler.objects.filter(
        department_id__in=list(by_department), user__is_active=True
    ).values_list("user_id", "department_id"):
        out[user_id].update(by_department[department_id])
    if clerks:
        for user_id, path in ClerkScope.objects.filter(
            region__path__in=list(under), user__is_active=True
        ).values_list("user_id", "region__path"):
            out[user_id].update(under[path])
    return out


def _set_key(rows: list[Row]) -> str:
    text = ",".join(f"{r.pk}/{r.deadline}/{r.round}" for r in rows)
    return hashlib.sha1(text.encode()).hexdigest()[:16]  # noqa: S324 (a name, not a secret)


def _send(rows: list[Row], to: dict[int, set[int]], *, subject, key: str) -> int:
    """One digest per recipient naming their suggestions (the first ten) and a link."""
    if not to:
        return 0
    by_pk = {r.pk: r for r in rows}
    messages = []
    for user in get_user_model().objects.filter(pk__in=list(to)).only("pk", "email", "phone"):
        mine = sorted((by_pk[i] for i in to[user.pk]), key=lambda r: (r.deadline, r.pk))
        lines = [
            _("%(title)s (limit %(d)s)") % {"title": r.label, "d": r.deadline.isoformat()}
            for r in mine[:DIGEST_TITLES]
        ]
        if len(mine) > DIGEST_TITLES:
            lines.append(_("… and %(n)d more") % {"n": len(mine) - DIGEST_TITLES})
        url = (
            reverse("suggestions:detail", args=[mine[0].pk])
            if len(mine) == 1
            else reverse("suggestions:list") + "?overdue=1"
        )
        messages += user_messages(
            [user],
            subject=subject(len(mine), mine[0]),
            body="\n".join(lines),
            url=url,
            dedupe_key=f"suggestion-sweep:{key}:{_set_key(mine)}",
        )
    return notify_bulk(messages)


def _escalate(level: int, cutoff: dt.date, today: dt.date) -> int:
    """Raise every suggestion due at ``level`` and write its event; returns how many."""
    label = str(Escalation(level).label)
    with transaction.atomic():
        due = Suggestion.objects.select_for_update(of=("self",)).filter(
            status__in=UNDER_DEADLINE, deadline__lte=cutoff, escalation__lt=level
        )
        rows = [Row(*r) for r in due.values_list(*FIELDS)]
        if not rows:
            return 0
        ids = [r.pk for r in rows]
        Suggestion.objects.filter(pk__in=ids).update(escalation=level)
        SuggestionEvent.objects.bulk_create(
            [
                SuggestionEvent(
                    suggestion_id=pk,
                    kind=EventKind.ESCALATED,
                    action="escalate",
                    actor_label="system",
                    from_status=Status.HANDLING,
                    to_status=Status.HANDLING,
                    note=label,
                )
                for pk in ids
            ],
            batch_size=2000,
        )

        def subject(n: int, row: Row) -> str:
            if n == 1:
                return _("%(level)s: suggestion %(title)s (limit %(d)s)") % {
                    "level": label,
                    "title": row.label,
                    "d": row.deadline.isoformat(),
                }
            return ngettext(
                "%(n)d suggestion reached %(level)s", "%(n)d suggestions reached %(level)s", n
            ) % {"n": n, "level": label}

        _send(rows, recipients(rows), subject=subject, key=f"{today}:level{level}")
    return len(rows)


def _remind(today: dt.date, calendar: Calendar) -> int:
    """Tell the lead departments once about suggestions due within the reminder window."""
    horizon = calendar.add_working_days(today, settings.REMIND_DAYS_BEFORE)
    rows = [
        Row(*r)
        for r in Suggestion.objects.filter(
            status__in=UNDER_DEADLINE, deadline__gte=today, deadline__lte=horizon
        ).values_list(*FIELDS)
    ]
    if not rows:
        return 0

    def subject(n: int, row: Row) -> str:
        if n == 1:
            return _("Reminder: reply to suggestion %(title)s by %(d)s") % {
                "title": row.label,
                "d": row.deadline.isoformat(),
            }
        return ngettext(
            "Reminder: %(n)d suggestion due by %(d)s", "Reminder: %(n)d suggestions due by %(d)s", n
        ) % {"n": n, "d": horizon.isoformat()}

    with transaction.atomic():
        return _send(rows, recipients(rows, clerks=False), subject=subject, key="remind")


def _follow_ups(today: dt.date) -> int:
    """Class-B suggestions whose follow-up date has come: the department is asked for news."""
    rows = [
        Row(*r[:-1], round=r[-1])  # type: ignore[arg-type]  # follow_up_date__lte: never None
        for r in Suggestion.objects.filter(
            status=Status.FOLLOWING, follow_up_date__lte=today
        ).values_list("pk", "title", "number", "follow_up_date", "lead_department_id",
                      "region__path", "round")
    ]  # fmt: skip
    if not rows:
        return 0

    def subject(n: int, row: Row) -> str:
        if n == 1:
            return _("Follow-up due: has the plan for suggestion %(title)s been delivered?") % {
                "title": row.label
            }
        return ngettext(
            "Follow-up due for %(n)d suggestion", "Follow-up due for %(n)d suggestions", n
        ) % {"n": n}

    with transaction.atomic():
        return _send(rows, recipients(rows, clerks=False), subject=subject, key="follow-up")


def run_sweep(today: dt.date | None = None) -> dict:
    """Reminders, escalation (highest level first: one event at the final level) and
    follow-ups; returns counts for tests and logs."""
    today = today or timezone.localdate()
    calendar = Calendar()
    result = {"reminded": _remind(today, calendar)}
    for level in sorted(ESCALATION_LATE_DAYS, reverse=True):
        cutoff = latest_deadline_for(calendar, today, ESCALATION_LATE_DAYS[level])
        result[f"level{int(level)}"] = _escalate(int(level), cutoff, today)
    result["follow_ups"] = _follow_ups(today)
    log.info("suggestion sweep %s: %s", today, result)
    return result


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_suggestions() -> dict:
    return run_sweep()
