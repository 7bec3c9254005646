"""Reads for the public home page: stations to find, the latest published notices."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse

from stations.choices import StationKind
from stations.models import Region, Station

from ..ledgers.models import ProgressNotice

EARTH_KM = 6371.0


@dataclass
class Found:
    station: Station
    km: float | None = None


def public_stations() -> QuerySet[Station]:
    """Stations a visitor may look for: active ones with a public page."""
    return (
        Station.objects.filter(is_active=True)
        .exclude(public_code="")
        .select_related("region")
        .order_by("region__path", "name")
    )


def search_regions() -> QuerySet[Region]:
    """Areas offered in "find by region": those that hold at least one public station."""
    prefixes: set[str] = set()
    for path in set(public_stations().values_list("region__path", flat=True)):
        parts = path.strip("/").split("/")
        prefixes |= {"/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))}
    return Region.objects.filter(path__in=prefixes).order_by("path")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), accurate enough to tell the nearest station."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def find_stations(
    *,
    region: Region | None = None,
    name: str = "",
    near: tuple[float, float] | None = None,
    limit: int = 20,
) -> list[Found]:
    """Stations by region (and everything below it), by name or address, or nearest first."""
    qs = public_stations()
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if name:
        qs = qs.filter(Q(name__icontains=name) | Q(address__icontains=name))
    if near is None:
        return [Found(s) for s in qs[:limit]]
    lat, lon = near
    found = [
        Found(s, distance_km(lat, lon, float(s.latitude), float(s.longitude)))
        for s in qs.exclude(latitude=None).exclude(longitude=None)
        if s.latitude is not None and s.longitude is not None
    ]
    found.sort(key=lambda f: (f.km, f.station.name))
    return found[:limit]


def online_stations() -> QuerySet[Station]:
    return public_stations().filter(kind=StationKind.ONLINE)


def map_points(stations: list[Station]) -> list[dict]:
    """Stations with coordinates as map points; each opens the station's public page."""
    return [
        {
            "name": s.name,
            "value": [float(s.longitude), float(s.latitude)],
            "url": reverse("stations:public", args=[s.public_code]),
        }
        for s in stations
        if isinstance(s.latitude, Decimal | float) and isinstance(s.longitude, Decimal | float)
    ]


def latest_notices(limit: int = 5) -> QuerySet[ProgressNotice]:
    """The most recently published progress notices (进度公示) of all stations."""
    return (
        ProgressNotice.objects.filter(published_at__isnull=False, station__is_active=True)
        .select_related("station")
        .order_by("-published_at")[:limit]
    )
