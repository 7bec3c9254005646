"""Deadline supervision (督办) and auto-close: set-based sweeps run by Celery beat.

No task is scheduled per petition: the deadlines live in the database and one sweep reads
them. Each level is one UPDATE whose rows get their events in the same statement; each person
concerned gets ONE digest per level and run ("12 cases reached 督办", the first titles and a
link), never one message per case. Every digest carries a dedupe key naming its exact set of
cases, so a second run sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import heapq
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.aggregates import IdList
from core.notify import kind_of, notify_bulk, preferences, user_messages
from core.workdays import Calendar
from stations.models import ClerkScope, DepartmentHandler, Region, Station
from stations.paths import path_prefixes
from stations.scope import station_staff_ids

from .choices import UNDER_DEADLINE, Escalation, EventKind, Status
from .models import Petition, PetitionEvent, Supervision
from .services import petition_auto_close

log = logging.getLogger(__name__)

# Working days past the deadline at which each level starts (催办 → 督办 → 挂牌督办).
ESCALATION_LATE_DAYS = {
    Escalation.URGED: 1,
    Escalation.SUPERVISED: 5,
    Escalation.LISTED: 15,
}
DIGEST_TITLES = 10  # cases named in one digest; the link leads to the rest


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


class Case(NamedTuple):
    """What a digest needs of one case (read in the same statement that changed it)."""

    pk: int
    title: str
    deadline: dt.date
    department_id: int | None
    station_id: int
    parent_id: int | None
    path: str
    reopen_count: int = 0


def _audience(
    ordered: list[Case], *, staff_and_clerks: bool = True
) -> tuple[dict[int, list[list[int]]], set[int]]:
    """Who hears about which late cases: the lead department's handlers, the station's staff
    (a head station's staff also for its rooms) and clerks whose region contains the station.

    A handful of queries for the whole batch, however many cases. Returns user id -> the
    lists of case positions in ``ordered`` that concern them (one list per department,
    station or region, each ascending and shared by everyone told about it), and the ids of
    the department handlers among them.
    """
    by_department: dict[int, list[int]] = defaultdict(list)
    by_station: dict[int, list[int]] = defaultdict(list)
    by_path: dict[str, list[int]] = defaultdict(list)
    heads: dict[int, int | None] = {}
    for i, (_pk, _title, _d, department_id, station_id, parent_id, path, _r) in enumerate(ordered):
        if department_id:
            by_department[department_id].append(i)
        if staff_and_clerks:
            by_station[station_id].append(i)
            by_path[path].append(i)
            heads[station_id] = parent_id
    out: dict[int, list[list[int]]] = defaultdict(list)
    handlers: set[int] = set()
    if by_department:
        for user_id, department_id in DepartmentHandler.objects.filter(
            department_id__in=list(by_department), user__is_active=True
        ).values_list("user_id", "department_id"):
            out[user_id].append(by_department[department_id])
            handlers.add(user_id)
    if not staff_and_clerks:
        return out, handlers
    for station_id, user_ids in station_staff_ids(heads).items():
        for user_id in user_ids:
            out[user_id].append(by_station[station_id])
    paths_under: dict[str, list[str]] = defaultdict(list)  # region -> case paths below it
    for path in by_path:
        for prefix in path_prefixes(path):
            paths_under[prefix].append(path)
    under: dict[str, list[int]] = {}  # region -> the cases in its subtree, for its clerks
    for user_id, region in ClerkScope.objects.filter(
        region__path__in=list(paths_under), user__is_active=True
    ).values_list("user_id", "region__path"):
        if region not in under:
            paths = paths_under[region]
            under[region] = (
                by_path[paths[0]]
                if len(paths) == 1
                else sorted(chain.from_iterable(map(by_path.__getitem__, paths)))
            )
        out[user_id].append(under[region])
    return out, handlers


def _digest_body(first: list[Case], n: int, line: str) -> str:
    """The first titles of a digest (``first``, at most DIGEST_TITLES) and how many more."""
    lines = [line % {"title": c.title, "d": c.deadline.isoformat()} for c in first]
    if n > len(first):
        lines.append(_("… and %(n)d more") % {"n": n - len(first)})
    return "\n".join(lines)


def _case_name(c: Case) -> int:
    """A case's own 64-bit name for dedupe keys: its id, deadline and reopen count."""
    text = f"{c.pk}/{c.deadline}/{c.reopen_count}"
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:8])  # noqa: S324 (a name)


def _set_key(names) -> str:
    """A short stable name for a set of cases: the sum of their names, which needs no sort
    (a province clerk's catch-up digest covers ~100k cases)."""
    return f"{sum(names) % 2**64:016x}"


class _Recipient(NamedTuple):
    pk: int
    email: str
    phone: str


def _send_digests(cases: list[Case], *, subject, key: str, staff_and_clerks: bool = True) -> int:
    """One in-app message (plus email) per person told (``_audience``) listing their cases;
    returns messages queued.

    ``subject(n, case)`` words the message; ``key`` names the sweep step. The dedupe key also
    names the exact set of cases, so running the sweep again tells nobody twice. A catch-up
    run tells ~15k people about ~100k cases (a clerk of the province about all of them), so
    the work per person is kept small: cases are ordered and named once, and most people are
    told about one department's, station's or region's list, whose first titles and name are
    worked out once for everyone who shares it.
    """
    ordered = sorted(cases, key=attrgetter("deadline", "pk"))
    audience, handlers = _audience(ordered, staff_and_clerks=staff_and_clerks)
    if not audience:
        return 0
    names = [_case_name(c) for c in ordered]
    users = [
        _Recipient(*row)
        for row in get_user_model()
        .objects.filter(pk__in=IdList(audience))
        .values_list("pk", "email", "phone")
    ]
    # Everyone's preferences in two queries, not two per recipient.
    prefs = preferences([u.pk for u in users], kind_of(f"sweep:{key}"))
    department_url = reverse("petitions:department_cases")
    overdue_url = reverse("petitions:list") + "?overdue=1"
    # One reverse() for every single-case link: the URL with the case's id in its place.
    detail_url = reverse("petitions:detail", args=[0]).rsplit("0", 1)
    line = _("%(title)s (deadline %(d)s)")  # translated once, not once per line
    shared_keys: dict[int, str] = {}  # id() of a shared list -> the name of its set of cases
    messages = []
    for user in users:
        lists = audience[user.pk]
        if len(lists) == 1:  # one department, station or region: ascending already
            mine = lists[0]
            n, shown = len(mine), mine[:DIGEST_TITLES]
            if id(mine) not in shared_keys:
                shared_keys[id(mine)] = _set_key(map(names.__getitem__, mine))
            set_key = shared_keys[id(mine)]
        else:  # e.g. a head station's staff (its rooms too), a clerk who also handles
            union = set().union(*lists)
            n, shown = len(union), heapq.nsmallest(DIGEST_TITLES, union)
            set_key = _set_key(map(names.__getitem__, union))
        first = ordered[shown[0]]
        if n == 1:
            url = f"{detail_url[0]}{first.pk}{detail_url[1]}"
        else:
            url = department_url if user.pk in handlers else overdue_url
        messages += user_messages(
            [user],
            subject=subject(n, first),
            body=_digest_body([ordered[i] for i in shown], n, line),
            url=url,
            dedupe_key=f"sweep:{key}:{set_key}",
            prefs=prefs,
        )
    return notify_bulk(messages)


# The sweep's statements read and write the narrow Supervision table through its partial
# (level, deadline) index, so a run touches only the cases that cross a threshold; the wide
# petitions table is read by primary key for what the events and digests need, never updated.
CLAIM_SQL = """
WITH up AS (
    UPDATE {sup} s SET {set}
    FROM {petition} p
    WHERE s.deadline IS NOT NULL AND {where}
      AND p.id = s.petition_id AND p.status IN %(statuses)s
    RETURNING p.id, p.status, p.title, s.deadline, p.lead_department_id, p.station_id,
              p.reopen_count
){events}
SELECT up.id, up.title, up.deadline, up.lead_department_id, up.station_id, s.parent_id,
       r.path, up.reopen_count
FROM up JOIN {station} s ON s.id = up.station_id JOIN {region} r ON r.id = s.region_id
"""
EVENTS_SQL = """, ev AS (
    INSERT INTO {event} (petition_id, kind, actor_label, from_status, to_status, note,
                         public_note, is_public, created_at)
    SELECT id, %(kind)s, 'system', status, status, %(note)s, '', false, %(now)s FROM up
)"""
# Raise to a level: the cases below it whose deadline is at least that late (one index range
# per lower level, so the cases already at the top level are never read).
ESCALATE_SET = "level = %(level)s, escalated_on = %(today)s"
ESCALATE_WHERE = "s.level = ANY(%(below)s) AND s.deadline <= %(cutoff)s"
# Remind once per deadline: due within the window, not yet reminded, with a lead department.
REMIND_SET = "reminded_on = %(today)s"
REMIND_WHERE = (
    "s.level = 0 AND s.deadline >= %(today)s AND s.deadline <= %(horizon)s "
    "AND s.reminded_on IS NULL AND p.lead_department_id IS NOT NULL"
)
CASE_FIELDS = (
    "petition_id",
    "petition__title",
    "deadline",
    "petition__lead_department_id",
    "petition__station_id",
    "petition__station__parent_id",
    "petition__station__region__path",
    "petition__reopen_count",
)


def _claim_sql(set_: str, where: str, params: dict, *, events: bool) -> list[Case]:
    sql = CLAIM_SQL.format(
        sup=Supervision._meta.db_table,
        petition=Petition._meta.db_table,
        station=Station._meta.db_table,
        region=Region._meta.db_table,
        set=set_,
        where=where,
        events=EVENTS_SQL.format(event=PetitionEvent._meta.db_table) if events else "",
    )
    with connection.cursor() as cur:
        cur.execute(sql, {"statuses": tuple(UNDER_DEADLINE), **params})
        return [Case(*row) for row in cur.fetchall()]


def _claim_orm(due, values: dict) -> tuple[list[Case], dict[int, str]]:
    """The portable path (SQLite): read the due rows, then update exactly those."""
    due = due.select_for_update().filter(
        deadline__isnull=False, petition__status__in=UNDER_DEADLINE
    )
    cases = [Case(*r) for r in due.values_list(*CASE_FIELDS)]
    statuses = dict(due.values_list("petition_id", "petition__status"))
    Supervision.objects.filter(pk__in=list(statuses)).update(**values)
    return cases, statuses


def _escalate_rows(level: int, cutoff: dt.date, note: str, today: dt.date) -> list[Case]:
    """Raise every due case to ``level`` and write its event; returns exactly those cases."""
    if connection.vendor == "postgresql":
        # One statement: the UPDATE, the events (INSERT … SELECT) and what the digest needs.
        return _claim_sql(
            ESCALATE_SET,
            ESCALATE_WHERE,
            {
                "level": level,
                "below": list(range(level)),
                "cutoff": cutoff,
                "today": today,
                "kind": EventKind.ESCALATED.value,
                "note": note,
                "now": timezone.now(),
            },
            events=True,
        )
    cases, statuses = _claim_orm(
        Supervision.objects.filter(deadline__lte=cutoff, level__lt=level),
        {"level": level, "escalated_on": today},
    )
    PetitionEvent.objects.bulk_create(
        (
            PetitionEvent(
                petition_id=pk,
                kind=EventKind.ESCALATED,
                actor_label="system",
                from_status=status,
                to_status=status,
                note=note,
                is_public=False,
            )
            for pk, status in statuses.items()
        ),
        batch_size=2000,
    )
    return cases


def _remind_rows(today: dt.date, horizon: dt.date) -> list[Case]:
    """Mark the cases due within the window that were not reminded of this deadline yet."""
    if connection.vendor == "postgresql":
        return _claim_sql(
            REMIND_SET, REMIND_WHERE, {"today": today, "horizon": horizon}, events=False
        )
    cases, _statuses = _claim_orm(
        Supervision.objects.filter(
            level=Escalation.NONE,
            deadline__gte=today,
            deadline__lte=horizon,
            reminded_on__isnull=True,
            petition__lead_department_id__isnull=False,
        ),
        {"reminded_on": today},
    )
    return cases


def _escalate_level(level: int, cutoff: dt.date, today: dt.date) -> int:
    """Raise every due case to ``level``; one digest per person told. Returns cases raised."""
    label = str(Escalation(level).label)
    with transaction.atomic():
        cases = _escalate_rows(level, cutoff, label, today)
        if not cases:
            return 0

        def subject(n: int, case: Case) -> str:
            if n == 1:
                return _("%(level)s: %(title)s (deadline %(d)s)") % {
                    "level": label,
                    "title": case.title,
                    "d": case.deadline.isoformat(),
                }
            return ngettext("%(n)d case reached %(level)s", "%(n)d cases reached %(level)s", n) % {
                "n": n,
                "level": label,
            }

        _send_digests(cases, subject=subject, key=f"{today.isoformat()}:escalation:{level}")
    return len(cases)


def _remind(today: dt.date, calendar: Calendar) -> int:
    """Tell each department handler once about their cases newly due within the window."""
    horizon = calendar.add_working_days(today, settings.REMIND_DAYS_BEFORE)

    def subject(n: int, case: Case) -> str:
        if n == 1:
            return _("Reminder: reply due by %(d)s: %(title)s") % {
                "d": case.deadline.isoformat(),
                "title": case.title,
            }
        return ngettext(
            "Reminder: %(n)d case due by %(d)s", "Reminder: %(n)d cases due by %(d)s", n
        ) % {"n": n, "d": horizon.isoformat()}

    with transaction.atomic():
        # Each case is reminded once per deadline (Supervision.reminded_on, cleared when a new
        # deadline is set), so the sweep running every 15 minutes tells nobody twice.
        cases = _remind_rows(today, horizon)
        if not cases:
            return 0
        return _send_digests(cases, subject=subject, key="remind", staff_and_clerks=False)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a catch-up holds ~100k rows at once.

    Those rows (tuples of ids, dates and strings) form no cycles; reference counting frees
    them either way. But each of the collector's passes walks every object still alive, and
    the passes triggered by the rows' creation cost ~0.5 s of CPU in a 100k-case catch-up on
    the bench (README, "The deadline sweep"). It runs again as soon as the sweep is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_sweep(today: dt.date | None = None) -> dict:
    """Reminders before the deadline, escalation after it; returns counts (for tests and logs)."""
    today = today or timezone.localdate()
    calendar = Calendar()
    with _no_cycle_collection():
        result = {"reminded": _remind(today, calendar)}
        # Highest level first: a case many days late gets one event at its final level.
        for level in sorted(ESCALATION_LATE_DAYS, reverse=True):
            cutoff = latest_deadline_for(calendar, today, ESCALATION_LATE_DAYS[level])
            result[f"level{int(level)}"] = _escalate_level(int(level), cutoff, today)
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
