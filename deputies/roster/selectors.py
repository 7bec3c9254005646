"""Reads for the roster pages: a station's year, the auto-fill proposal, a deputy's schedule."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from stations.models import Department, Station

from ..models import Deputy
from .choices import DayStatus, DutyStatus, SwapStatus
from .models import Duty, ReceptionDay, SwapRequest, Unavailability


def duty_days_per_deputy() -> int:
    """Reception-duty days the auto-fill plans for each deputy in a year (a scheduling target;
    whether a deputy is behind is duty's "八个一" rule, not this number)."""
    return settings.ROSTER_DUTY_DAYS_PER_DEPUTY


def roster_stations(user) -> QuerySet[Station]:
    """Stations whose roster a user may see: admins, clerks of the area and the station's staff."""
    return Station.objects.editable_by(user)


def station_deputies(station: Station) -> QuerySet[Deputy]:
    """The station's current deputies (assignment without an end date)."""
    return Deputy.objects.filter(
        assignments__station=station, assignments__end_date__isnull=True, is_active=True
    ).order_by("name_pinyin")


def _with_people(days: QuerySet[ReceptionDay]) -> QuerySet[ReceptionDay]:
    return days.prefetch_related(
        Prefetch("duties", queryset=Duty.objects.select_related("deputy", "replaced_by")),
        "departments__department",
    )


def station_year(station: Station, year: int) -> QuerySet[ReceptionDay]:
    """A station's reception days in a year with the deputies and departments on each."""
    return _with_people(ReceptionDay.objects.filter(station=station, date__year=year))


def upcoming_days(station: Station, limit: int = 8) -> list[ReceptionDay]:
    """The coming reception days of a station with the deputies on duty (for the public page)."""
    today = timezone.localdate()
    days = ReceptionDay.objects.filter(
        station=station, date__gte=today, status=DayStatus.PLANNED
    ).order_by("date", "start_time")
    return list(_with_people(days)[:limit])


def duty_counts(station: Station, year: int) -> dict[int, int]:
    """Duties per deputy at a station in a year, absences not counted."""
    rows = (
        Duty.objects.filter(day__station=station, day__date__year=year)
        .exclude(day__status=DayStatus.CANCELLED)
        .exclude(status=DutyStatus.ABSENT)
        .values("deputy_id")
        .annotate(n=Count("pk"))
    )
    return {r["deputy_id"]: r["n"] for r in rows}


def pending_swaps(station: Station) -> QuerySet[SwapRequest]:
    """Swaps the other deputy accepted, waiting for the station to confirm."""
    return SwapRequest.objects.filter(
        from_duty__day__station=station, status=SwapStatus.ACCEPTED
    ).select_related("from_duty__day", "to_duty__day", "requester", "counterpart")


# --- Auto-fill -------------------------------------------------------------------------------


@dataclass
class Shortfall:
    deputy: Deputy
    count: int
    missing: int


@dataclass
class AutofillPlan:
    """A proposed roster: new duties per day, the resulting counts and who falls short."""

    quota: int
    seats: int
    open_days: int = 0
    proposals: list[tuple[ReceptionDay, list[Deputy]]] = field(default_factory=list)
    counts: list[tuple[Deputy, int]] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(day.pk, d.pk) for day, deputies in self.proposals for d in deputies]

    @property
    def new_duties(self) -> int:
        return len(self.pairs)


def autofill_plan(
    station: Station,
    year: int,
    *,
    start: dt.date | None = None,
    quota: int | None = None,
    seats: int | None = None,
) -> AutofillPlan:
    """Spread the station's deputies fairly over the year's open reception days.

    Days are filled in date order; each seat goes to the available deputy with the fewest duties
    so far (then the one who sat longest ago), which gives a round robin that respects
    unavailability. Seats per day default to what the quota needs: deputies × quota ÷ days.
    Existing duties count; nothing is written.
    """
    quota = duty_days_per_deputy() if quota is None else quota
    start = max(start or dt.date(year, 1, 1), dt.date(year, 1, 1))
    deputies = list(station_deputies(station))
    all_days = list(
        ReceptionDay.objects.filter(station=station, date__year=year)
        .exclude(status=DayStatus.CANCELLED)
        .prefetch_related("duties")
        .order_by("date", "start_time")
    )
    if seats is None:
        seats = math.ceil(len(deputies) * quota / len(all_days)) if all_days else 1
    seats = max(1, min(seats, len(deputies) or 1))
    plan = AutofillPlan(quota=quota, seats=seats)
    counts = defaultdict(int, duty_counts(station, year))
    last: dict[int, dt.date] = {}
    for day in all_days:
        for duty in day.duties.all():
            last[duty.deputy_id] = max(last.get(duty.deputy_id, day.date), day.date)
    away = defaultdict(list)
    for u in Unavailability.objects.filter(
        deputy__in=deputies, end__gte=dt.date(year, 1, 1), start__lte=dt.date(year, 12, 31)
    ):
        away[u.deputy_id].append((u.start, u.end))

    for day in all_days:
        if day.status != DayStatus.PLANNED or day.date < start:
            continue
        plan.open_days += 1
        taken = {d.deputy_id for d in day.duties.all()}
        free = seats - len(taken)
        if free <= 0:
            continue
        candidates = [
            d
            for d in deputies
            if d.pk not in taken and not any(s <= day.date <= e for s, e in away[d.pk])
        ]
        candidates.sort(key=lambda d: (counts[d.pk], last.get(d.pk, dt.date.min), d.name_pinyin))
        chosen = candidates[:free]
        for d in chosen:
            counts[d.pk] += 1
            last[d.pk] = day.date
        if chosen:
            plan.proposals.append((day, chosen))
    plan.counts = [(d, counts[d.pk]) for d in deputies]
    plan.shortfalls = [Shortfall(d, n, quota - n) for d, n in plan.counts if n < quota]
    return plan


def station_unavailabilities(station: Station) -> QuerySet[Unavailability]:
    """Current and coming unavailable periods of the station's deputies (past ones drop off)."""
    return (
        Unavailability.objects.filter(
            deputy__in=station_deputies(station), end__gte=timezone.localdate()
        )
        .select_related("deputy")
        .order_by("start", "deputy__name_pinyin", "pk")
    )


# --- Department rotation ---------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    """'/33/3304/330402/' -> ['/33/', '/33/3304/', '/33/3304/330402/']"""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def rotation_departments(station: Station) -> QuerySet[Department]:
    """Active departments of the station's area: those of its region or a region above it."""
    return (
        Department.objects.active()
        .filter(region__path__in=_ancestor_paths(station.region.path))
        .order_by("region__path", "name", "pk")
    )


@dataclass
class RotationPlan:
    """Proposed department turns: new departments per reception day and the resulting counts."""

    per_month: int
    months: int = 0
    proposals: list[tuple[ReceptionDay, list[Department]]] = field(default_factory=list)
    counts: list[tuple[Department, int]] = field(default_factory=list)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(day.pk, d.pk) for day, departments in self.proposals for d in departments]

    @property
    def new_turns(self) -> int:
        return len(self.pairs)


def rotation_plan(
    station: Station, year: int, *, per_month: int = 2, start: dt.date | None = None
) -> RotationPlan:
    """Let the area's departments take turns joining the year's receptions, N a month.

    Each month with an open reception day (planned, not before ``start``) gets departments
    until it has ``per_month`` different ones; each pick is the department with the fewest
    turns this year so far (then the one whose last turn is longest ago), so the counts never
    differ by more than one and every department comes round at an even pace. Turns already
    scheduled count, held and cancelled days are left alone, and a second run proposes
    nothing: the plan is idempotent. Nothing is written.
    """
    start = max(start or dt.date(year, 1, 1), dt.date(year, 1, 1))
    departments = list(rotation_departments(station))
    per_month = max(1, min(per_month, len(departments) or 1))
    plan = RotationPlan(per_month=per_month)
    days = list(
        ReceptionDay.objects.filter(station=station, date__year=year)
        .exclude(status=DayStatus.CANCELLED)
        .prefetch_related("departments")
        .order_by("date", "start_time")
    )
    known = {d.pk for d in departments}
    counts: dict[int, int] = defaultdict(int)
    last: dict[int, int] = {}  # department -> index of the month of its latest turn
    by_month: dict[int, list[ReceptionDay]] = defaultdict(list)
    for day in days:
        by_month[day.date.month].append(day)
        for link in day.departments.all():
            if link.department_id in known:
                counts[link.department_id] += 1
                last[link.department_id] = max(last.get(link.department_id, 0), day.date.month)
    order = {d.pk: i for i, d in enumerate(departments)}
    for month in range(1, 13):
        month_days = by_month.get(month, [])
        open_days = [d for d in month_days if d.status == DayStatus.PLANNED and d.date >= start]
        if not open_days or not departments:
            continue
        plan.months += 1
        # Distinct departments already joining this month, and links per day (to spread them).
        present = {link.department_id for d in month_days for link in d.departments.all()}
        load = {d.pk: len(d.departments.all()) for d in open_days}
        needed = per_month - len(present & known)
        if needed <= 0:
            continue
        candidates = sorted(
            (d for d in departments if d.pk not in present),
            key=lambda d: (counts[d.pk], last.get(d.pk, 0), order[d.pk]),
        )
        new: dict[int, list[Department]] = defaultdict(list)
        for department in candidates[:needed]:
            # The open day with the fewest departments; the earliest on a tie.
            day = min(open_days, key=lambda d: (load[d.pk], d.date, d.start_time))
            load[day.pk] += 1
            new[day.pk].append(department)
            counts[department.pk] += 1
            last[department.pk] = month
        plan.proposals += [(d, new[d.pk]) for d in open_days if new[d.pk]]
    plan.counts = [(d, counts[d.pk]) for d in departments]
    return plan


# --- A deputy's schedule ---------------------------------------------------------------------


def my_duties(deputy: Deputy) -> tuple[list[Duty], list[Duty]]:
    """(coming duties, past duties) of a deputy across all stations."""
    today = timezone.localdate()
    duties = Duty.objects.filter(deputy=deputy).select_related("day__station", "replaced_by")
    coming = list(
        duties.filter(day__date__gte=today)
        .exclude(day__status=DayStatus.CANCELLED)
        .order_by("day__date", "day__start_time")
    )
    past = list(duties.filter(day__date__lt=today).order_by("-day__date", "-day__start_time")[:50])
    return coming, past


def my_swaps(deputy: Deputy) -> tuple[list[SwapRequest], list[SwapRequest]]:
    """(incoming, outgoing) swap requests of a deputy, newest first."""
    swaps = SwapRequest.objects.select_related(
        "from_duty__day__station", "to_duty__day", "requester", "counterpart"
    )
    return list(swaps.filter(counterpart=deputy)[:30]), list(swaps.filter(requester=deputy)[:30])


def swap_candidates(duty: Duty) -> QuerySet[Duty]:
    """Other deputies' coming planned duties at the same station that this duty could swap with."""
    today = timezone.localdate()
    my_days = Duty.objects.filter(deputy_id=duty.deputy_id).values("day_id")
    busy_on_mine = Duty.objects.filter(day_id=duty.day_id).values("deputy_id")
    return (
        Duty.objects.filter(
            day__station_id=duty.day.station_id,
            day__date__gte=today,
            day__status=DayStatus.PLANNED,
            status=DutyStatus.ASSIGNED,
        )
        .exclude(deputy_id=duty.deputy_id)
        .exclude(day_id__in=my_days)
        .exclude(deputy_id__in=busy_on_mine)
        .filter(~Q(deputy__is_active=False))
        .select_related("day", "deputy")
        .order_by("day__date", "day__start_time")
    )


def deputy_stations(deputy_id: int) -> QuerySet[Station]:
    return Station.objects.filter(
        assignments__deputy_id=deputy_id, assignments__end_date__isnull=True
    )
