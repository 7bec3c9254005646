"""Builders for the duty tests: rows written directly so each test states its facts."""

from __future__ import annotations

import datetime as dt

from deputies.roster.models import Duty, ReceptionDay
from duty.choices import ActivityStatus
from duty.models import Activity


def duty(world, day: dt.date, status: str, deputy=None, station=None) -> Duty:
    reception_day = ReceptionDay.objects.create(
        station=station or world.station_a, date=day, start_time=dt.time(9), end_time=dt.time(11)
    )
    return Duty.objects.create(day=reception_day, deputy=deputy or world.deputy_dave, status=status)


def activity(world, kind: str, day: dt.date, status=ActivityStatus.APPROVED, **kw) -> Activity:
    data = dict(
        deputy=world.deputy_dave,
        station=world.station_a,
        kind=kind,
        date=day,
        title=f"{kind} {day}",
        status=status,
    )
    data.update(kw)
    return Activity.objects.create(**data)
