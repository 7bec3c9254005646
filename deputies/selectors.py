"""Reads for the deputy pages: list querysets, assignments, the deputies a user may edit."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from core.roles import roles_of
from stations.models import Station

from .models import Deputy, StationAssignment


def current_assignments_prefetch() -> Prefetch:
    """Current assignments with their station and region, as ``deputy.current_assignments``."""
    return Prefetch(
        "assignments",
        queryset=StationAssignment.objects.filter(end_date__isnull=True).select_related(
            "station__region"
        ),
        to_attr="current_assignments",
    )


def current_assignments(deputy: Deputy) -> list[StationAssignment]:
    """The prefetched current assignments, or one query when they were not prefetched."""
    cached = getattr(deputy, "current_assignments", None)
    if cached is not None:
        return cached
    assignments = list(
        deputy.assignments.filter(end_date__isnull=True).select_related("station__region")
    )
    deputy.current_assignments = assignments  # type: ignore[attr-defined]  # the prefetch's to_attr
    return assignments


def primary_station(deputy: Deputy) -> Station | None:
    for assignment in current_assignments(deputy):
        if assignment.is_primary:
            return assignment.station
    return None


def editable_deputies(user) -> QuerySet[Deputy]:
    """Deputies whose record a user may change.

    Admins: all. Staff and clerks: deputies currently assigned to a station they may edit.
    Clerks also keep deputies whose assignments in their area have all ended, so a record that
    lost its station can still be fixed by the clerk of the area.
    """
    roles = roles_of(user)
    if roles.is_admin:
        return Deputy.objects.all()
    stations = Station.objects.editable_by(user)
    q = Q(end_date__isnull=True, station__in=stations)
    if roles.is_clerk:
        q |= Q(station__in=stations)
    if not (roles.is_clerk or roles.staff_station_ids):
        return Deputy.objects.none()
    ids = StationAssignment.objects.filter(q).values("deputy_id")
    return Deputy.objects.filter(pk__in=ids)


def deputy_list(user) -> QuerySet[Deputy]:
    """Deputies the user may see, with what a list row needs (constant query count)."""
    return Deputy.objects.visible_to(user).prefetch_related(current_assignments_prefetch())


def deputy_detail_assignments(deputy: Deputy) -> list[StationAssignment]:
    """All assignments, current first, then the past ones by start date."""
    return sorted(
        deputy.assignments.select_related("station__region"),
        key=lambda a: (a.end_date is not None, not a.is_primary, a.start_date),
    )
