"""The one station-scope rule: station staff also run the rooms and points below their station.

A township or street station (the head) has liaison rooms and points as children
(``Station.parent``); its staff manage those too, while a room's own staff manage only the room.
Every place that asks "may this user run this station?" or "which stations does this user run?"
calls these functions — the rule was once written out by hand in a dozen places and two copies
disagreed (the roster forgot the head station's staff when it announced a swap).

The clerk's rule sits beside it: a clerk sees everything in the region subtrees of their scopes
(``stations.paths``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.aggregates import IdList
from core.roles import LIAISON_POSTS, Roles, roles_of


def with_rooms_q(station_ids: Iterable[int], field: str = "station") -> Q:
    """``field`` (a station foreign key, or ``pk`` for stations) is one of ``station_ids`` or a
    room or point below one of them."""
    ids = sorted(set(station_ids))
    rooms = Q(pk__in=ids) | Q(parent_id__in=ids)
    if field == "pk":
        return rooms
    # A subquery over the (small) station table, not ``station_id IN … OR station.parent_id IN
    # …`` on the joined rows: that OR spans two tables, so PostgreSQL joined every station to
    # every case before filtering (0.6 s for a street's ~100 cases at province scale). This
    # shape reads a few station rows by index, then the cases by their station index.
    station_model = apps.get_model("stations", "Station")
    return Q(**{f"{field}_id__in": station_model.objects.filter(rooms).values("pk")})


def managed_station_ids(user: Any) -> frozenset[int]:
    """The ids of the stations a user runs as staff: their own posts and the children of those.

    Read with the user's roles (``core.roles``: the rooms ride along in the same statement), so
    this costs no query of its own.
    """
    roles = roles_of(user)
    return roles.staff_station_ids | roles.staff_room_ids


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
    """A filter on ``field`` (a station foreign key, or ``pk`` for stations themselves): the
    stations the user runs as staff, with the rooms below them. Matches nothing for non-staff.

    The ids are listed (``managed_station_ids``, read with the roles), not a subquery: PostgreSQL estimated ``station_id IN (SELECT … id IN … OR parent_id IN …)`` at
    thousands of cases and walked the whole ``submitted_at`` index for a station's first page
    (162k rows, 0.5 s at 1M cases); with the ids it reads the station's own ~150 by their index.
    """
    ids = sorted(managed_station_ids(user))
    return Q(pk__in=ids) if field == "pk" else Q(**{f"{field}_id__in": ids})


def station_staff(station: Any) -> QuerySet:
    """The active users who run ``station``: its own staff and the staff of its head station."""
    ids = [station.pk] + ([station.parent_id] if station.parent_id else [])
    staff_model = apps.get_model("stations", "StaffPost")
    posts = staff_model.objects.filter(station_id__in=ids).exclude(post__in=LIAISON_POSTS)
    return get_user_model().objects.filter(staff_posts__in=posts, is_active=True).distinct()


def station_staff_ids(heads: Mapping[int, int | None]) -> dict[int, set[int]]:
    """``station_staff`` for many stations in one query: station id -> active user ids.

    ``heads`` maps each station id to its head station's id (``Station.parent_id``, or None).
    """
    wanted = set(heads) | {h for h in heads.values() if h is not None}
    staff_model = apps.get_model("stations", "StaffPost")
    by_post: dict[int, set[int]] = defaultdict(set)
    for user_id, station_id in (
        staff_model.objects.filter(station_id__in=IdList(wanted), user__is_active=True)
        .exclude(post__in=LIAISON_POSTS)
        .values_list("user_id", "station_id")
    ):
        by_post[station_id].add(user_id)
    return {
        station_id: by_post[station_id] | (by_post[head] if head is not None else set())
        for station_id, head in heads.items()
    }
