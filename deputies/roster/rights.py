"""Who may change a station's roster: the one station-scope rule (``stations.scope``)."""

from __future__ import annotations

from stations.models import Station
from stations.scope import user_manages_station

from ..models import Deputy


def can_manage_station(user, station: Station) -> bool:
    """Admins and the station's own staff (a head also runs the rooms below the station)."""
    return user_manages_station(user, station)


def can_manage_deputy(user, deputy: Deputy) -> bool:
    """Whether the user runs one of the stations the deputy currently belongs to."""
    stations = Station.objects.filter(
        assignments__deputy=deputy, assignments__end_date__isnull=True
    )
    return any(can_manage_station(user, s) for s in stations)
