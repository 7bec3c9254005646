"""The one station-scope rule: station staff also run the rooms and points below their station.

A township or street station (the head) has liaison rooms and points as children
(``Station.parent``); its staff manage those too, while a room's own staff manage only the room.
Every place that asks "may this user run this station?" or "which stations does this user run?"
calls these functions — the rule was once written out by hand in a dozen places and two copies
disagreed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.roles import Roles, roles_of

_CACHE_ATTR = "_managed_station_ids_cache"


def managed_station_ids(user: Any) -> frozenset[int]:
    """The ids of the stations a user runs as staff: their own posts and the children of those.

    Computed with one query and cached on the user object for the request, so list pages filter
    with a plain ``station_id IN (…)`` instead of a join over every station.
    """
    roles = roles_of(user)
    if not roles.staff_station_ids:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import Station

    own = roles.staff_station_ids
    children = Station.objects.filter(parent_id__in=own).values_list("pk", flat=True)
    ids = frozenset(own) | frozenset(children)
    setattr(user, _CACHE_ATTR, ids)
    return ids


def manages_station(roles: Roles, station: Any) -> bool:
    """Administrators, and the staff of the station or of the head station above it."""
    ids = roles.staff_station_ids
    return (
        roles.is_admin
        or station.pk in ids
        or (station.parent_id is not None and station.parent_id in ids)
    )


def user_manages_station(user: Any, station: Any) -> bool:
    return manages_station(roles_of(user), station)


def managed_q(user: Any, field: str = "station") -> Q:
    """A filter on ``field`` (a station foreign key, or ``pk`` for stations themselves)."""
    lookup = "pk__in" if field == "pk" else f"{field}_id__in"
    return Q(**{lookup: sorted(managed_station_ids(user))})


def station_staff(station: Any) -> QuerySet:
    """The active users who run ``station``: its own staff and the staff of its head station."""
    ids = [station.pk] + ([station.parent_id] if station.parent_id else [])
    return (
        get_user_model().objects.filter(staff_posts__station_id__in=ids, is_active=True).distinct()
    )
