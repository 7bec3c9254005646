"""Reads of the to-do home: tile counts (one grouped query per role), the oldest waiting cases,
the station's reception days and a deputy's next duty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from deputies.roster.choices import DayStatus
from deputies.roster.models import Duty, ReceptionDay
from stations.scope import managed_q

from ..models import Petition
from . import tiles as t


@dataclass
class Section:
    """One role's part of the home page."""

    role: str
    tiles: list[tuple[t.Tile, int]]
    cases: list[Petition]
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for _tile, n in self.tiles)


def sections(user, today: dt.date) -> list[Section]:
    c = t.context_for(user, today)
    qs = Petition.objects.all()
    out = []
    for role in t.roles_with_tiles(c.roles):
        counted = t.counts(qs, role, c)
        out.append(
            Section(
                role=role,
                tiles=[(tile, counted[tile.key]) for tile in t.tiles_of(role)],
                cases=t.waiting_list(qs, role, c),
            )
        )
    return out


def _duties_prefetch() -> Prefetch:
    return Prefetch(
        "duties",
        queryset=Duty.objects.select_related("deputy").order_by("deputy__name_pinyin"),
    )


def station_reception_days(user, today: dt.date) -> tuple[ReceptionDay | None, ReceptionDay | None]:
    """Today's reception day at the user's stations and the next one after today."""
    days = (
        ReceptionDay.objects.filter(managed_q(user), date__gte=today)
        .exclude(status=DayStatus.CANCELLED)
        .select_related("station")
        .prefetch_related(_duties_prefetch())
        .order_by("date", "start_time")
    )
    todays = next((d for d in days.filter(date=today)[:1]), None)
    upcoming = next((d for d in days.filter(date__gt=today)[:1]), None)
    return todays, upcoming


def deputy_next_duty(deputy_id: int, today: dt.date) -> Duty | None:
    """The deputy's duty today (still to check in or done) or the next one."""
    return (
        Duty.objects.filter(deputy_id=deputy_id, day__date__gte=today)
        .exclude(day__status=DayStatus.CANCELLED)
        .select_related("day", "day__station")
        .order_by("day__date", "day__start_time")
        .first()
    )
