"""Demo reception rules, a year of reception days, a filled roster and past attendance.

Idempotent and deterministic: rules are keyed on (station, title), generation and auto-fill only
add what is missing, and attendance is only recorded for past duties that have none.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from stations.models import Department, Station
from stations.paths import path_prefixes

from ..rules import PRESETS
from . import selectors as sel
from . import services as svc
from .choices import DayStatus, DutyStatus, HolidayPolicy
from .models import DayDepartment, Duty, ReceptionDay, ReceptionRule

# station name -> (preset, title, outdoor location)
DEMO_RULES = {
    "新兴街道人大代表联络站": ("monthly_20", "每月20日代表接待日（不见不散）", ""),
    "建设街道人大代表联络站": ("first_third_monday", "每月第一、三个周一上午接待", ""),
    "解放街道人大代表联络站": ("friday_evening", "周五夜间接待（18:30–20:30）", ""),
    "东栅街道人大代表联络站": ("quarter_end_15", "季末月15日主题接待", ""),
    "南湖街道人大代表联络站": ("odd_months_20", "单月20日接待", ""),
    "新城街道人大代表联络站": ("every_other_friday", "隔周周五流动接待", "新城街道文化广场"),
}
ABSENCE_REASONS = ("因公出差", "参加市人大会议", "身体不适", "单位临时任务")


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _rule(station: Station, preset: str, title: str, location: str, year: int) -> ReceptionRule:
    fields = dict(PRESETS[preset]["fields"])
    for name in ("start_time", "end_time"):
        fields[name] = dt.time.fromisoformat(fields[name])
    rule, _created = ReceptionRule.objects.get_or_create(
        station=station,
        title=title,
        defaults={
            **fields,
            "dtstart": dt.date(year, 1, 2)
            if preset == "every_other_friday"
            else dt.date(year, 1, 1),
            "location": location,
            "holiday_policy": HolidayPolicy.NEXT_WORKDAY,
        },
    )
    return rule


def _departments(station: Station, days: list[ReceptionDay]) -> None:
    """Two departments a month take turns joining the first reception of the month."""
    paths = [p for p in path_prefixes(station.region.path)]
    pool = list(Department.objects.filter(region__path__in=paths, is_active=True).order_by("pk"))
    if not pool:
        return
    seen_months: set[tuple[int, int]] = set()
    links = []
    turn = 0
    for day in days:
        key = (day.date.year, day.date.month)
        if key in seen_months:
            continue
        seen_months.add(key)
        for _i in range(min(2, len(pool))):
            links.append(DayDepartment(day=day, department=pool[turn % len(pool)]))
            turn += 1
    DayDepartment.objects.bulk_create(links, ignore_conflicts=True)


def _attendance(station: Station, today: dt.date, rng: random.Random) -> int:
    past = list(
        ReceptionDay.objects.filter(station=station, date__lt=today, status=DayStatus.PLANNED)
    )
    ReceptionDay.objects.filter(pk__in=[d.pk for d in past]).update(status=DayStatus.HELD)
    duties = (
        Duty.objects.filter(day__in=past, status=DutyStatus.ASSIGNED)
        .select_related("day")
        .order_by("pk")
    )
    now = timezone.now()
    changed = []
    for duty in duties:
        roll = rng.random()
        if roll < 0.85:
            duty.status = DutyStatus.PRESENT
        elif roll < 0.93:
            duty.status = DutyStatus.LATE
        else:
            duty.status = DutyStatus.ABSENT
            duty.absence_reason = rng.choice(ABSENCE_REASONS)
        duty.recorded_at = now
        changed.append(duty)
    Duty.objects.bulk_update(changed, ["status", "absence_reason", "recorded_at"])
    return len(changed)


@transaction.atomic
def load(stdout=None) -> None:
    """Rules, days (this year and the next 12 months), roster and past attendance for the demo."""
    today = timezone.localdate()
    end = today + dt.timedelta(days=svc.GENERATE_AHEAD_DAYS)
    rng = random.Random(20240520)
    stations = {
        s.name: s
        for s in Station.objects.filter(name__in=DEMO_RULES, is_active=True).select_related(
            "region"
        )
    }
    if not stations:
        _say(stdout, "Roster demo: none of the demo stations exist; nothing to do.\n")
        return
    for name, (preset, title, location) in DEMO_RULES.items():
        station = stations.get(name)
        if station is None:
            continue
        _rule(station, preset, title, location, today.year)
        generated = svc.days_generate(
            actor=None, station=station, start=dt.date(today.year, 1, 1), end=end, today=dt.date.min
        )
        added = 0
        for year in range(today.year, end.year + 1):
            plan = sel.autofill_plan(station, year, start=dt.date(year, 1, 1))
            added += svc.autofill_save(actor=None, station=station, pairs=plan.pairs)
        days = list(ReceptionDay.objects.filter(station=station).order_by("date", "start_time"))
        _departments(station, days)
        recorded = _attendance(station, today, rng)
        _say(
            stdout,
            f"Roster demo: {name}: {generated.created} days, {added} duties, "
            f"{recorded} attendance records.\n",
        )
