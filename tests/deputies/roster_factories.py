"""Small builders for roster tests and the role matrix."""

from __future__ import annotations

import datetime as dt

from deputies.models import Deputy, StationAssignment
from deputies.roster.models import Duty, ReceptionDay, ReceptionRule, SwapRequest
from deputies.rules import PRESETS

from .. import factories as f


def rule(station, preset: str = "monthly_20", **overrides) -> ReceptionRule:
    fields = dict(PRESETS[preset]["fields"])
    for name in ("start_time", "end_time"):
        fields[name] = dt.time.fromisoformat(fields[name])
    fields.update(title=str(PRESETS[preset]["label"]), dtstart=dt.date(2025, 1, 1))
    fields.update(overrides)
    return ReceptionRule.objects.create(station=station, **fields)


def day(station, date: dt.date, start: str = "09:00", end: str = "11:30", **kw) -> ReceptionDay:
    return ReceptionDay.objects.create(
        station=station,
        date=date,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        place="人民路1号",
        **kw,
    )


def deputy_at(station, name: str, user=None) -> Deputy:
    deputy = f.DeputyFactory.create(name=name, user=user, phone="13700137000")
    StationAssignment.objects.create(deputy=deputy, station=station, start_date=dt.date(2022, 1, 1))
    return deputy


def future(days: int = 10) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def swap_for_dave(world) -> SwapRequest:
    """A pending swap at station A where 钱多 offers a duty to dave (the `deputy` user)."""
    other = deputy_at(world.station_a, "钱多")
    mine = Duty.objects.create(day=day(world.station_a, future(10)), deputy=other)
    daves = Duty.objects.create(day=day(world.station_a, future(20)), deputy=world.deputy_dave)
    return SwapRequest.objects.create(
        from_duty=mine, to_duty=daves, requester=other, counterpart=world.deputy_dave
    )
