"""The clerk's coverage page: every deputy grouped into a station (编组进站), the stations by
kind, the "六有" compliance rate, deputies' account activation and participation by region.

Seed 003: "代表活动参与率达到92%以上" — participation here is the share of grouped deputies
present at at least one reception of their region in the last 365 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from core.roles import roles_of
from deputies.models import Deputy, StationAssignment
from petitions.models import Reception
from stations.choices import StationKind
from stations.models import SIX_HAVES, Region, Station
from stations.paths import region_paths_q

PARTICIPATION_DAYS = 365


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class RegionRow:
    region: Region
    deputies: int = 0
    activated: int = 0
    participated: int = 0

    @property
    def activation_percent(self) -> int | None:
        return _percent(self.activated, self.deputies)

    @property
    def participation_percent(self) -> int | None:
        return _percent(self.participated, self.deputies)


@dataclass
class Coverage:
    ungrouped: list[Deputy]
    stations_by_kind: list[tuple[Any, int]]
    stations: int
    six_complete: int
    rows: list[RegionRow] = field(default_factory=list)

    @property
    def six_percent(self) -> int | None:
        return _percent(self.six_complete, self.stations)


def scope_regions(user: Any) -> list[Region]:
    """The regions a clerk answers for (admins: the top of the tree)."""
    roles = roles_of(user)
    if roles.is_admin:
        return list(Region.objects.filter(parent__isnull=True))
    return list(Region.objects.filter(path__in=roles.clerk_region_paths))


def coverage(user: Any, *, today: dt.date | None = None) -> Coverage:
    today = today or timezone.localdate()
    roots = scope_regions(user)
    paths = [r.path for r in roots]
    in_scope = region_paths_q(paths, "region__path")
    stations = Station.objects.filter(in_scope, is_active=True)
    kinds = dict(stations.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    six = Q(**{name: True for name, _label in SIX_HAVES})
    current = StationAssignment.objects.filter(
        end_date__isnull=True, deputy__is_active=True, is_primary=True
    )
    grouped = current.filter(region_paths_q(paths, "station__region__path"))
    # 编组进站: active deputies with a past station in the area but no current one now.
    # (Deputies never placed anywhere have no region yet; administrators see them all.)
    ungrouped_q = Deputy.objects.active().exclude(
        pk__in=StationAssignment.objects.filter(end_date__isnull=True).values("deputy_id")
    )
    if not roles_of(user).is_admin:
        ungrouped_q = ungrouped_q.filter(
            pk__in=StationAssignment.objects.filter(
                region_paths_q(paths, "station__region__path")
            ).values("deputy_id")
        )
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=PARTICIPATION_DAYS), dt.time.min)
    )
    present = set(
        Reception.objects.filter(held_at__gte=since)
        .filter(region_paths_q(paths, "station__region__path"))
        .values_list("deputies", flat=True)
    )
    children = list(Region.objects.filter(parent__in=roots).order_by("code")) or roots
    rows = {c.path: RegionRow(c) for c in children}
    for deputy_id, path, last_login in grouped.values_list(
        "deputy_id", "station__region__path", "deputy__user__last_login"
    ):
        row = next((rows[p] for p in rows if path.startswith(p)), None)
        if row is None:
            continue
        row.deputies += 1
        row.activated += last_login is not None
        row.participated += deputy_id in present
    return Coverage(
        ungrouped=list(ungrouped_q.order_by("name_pinyin")[:200]),
        stations_by_kind=[(label, kinds.get(value, 0)) for value, label in StationKind.choices],
        stations=stations.count(),
        six_complete=stations.filter(six).count(),
        rows=list(rows.values()),
    )
