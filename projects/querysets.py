"""Row scoping for cycles and candidate projects: one method per model decides who sees which.

A cycle belongs to one region's people's congress. Its clerks (the region or above) see it; so
do the deputies, station staff and departments sitting in that region (they propose, vote and
carry the projects out). A department sees the candidates that name it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import path_prefixes, region_paths_q

if TYPE_CHECKING:
    from .models import Candidate, Cycle  # noqa: F401


def _seated_paths(user) -> list[str]:
    """The paths of every region above where the user sits as a deputy, staff member or
    department handler: a cycle of any of those regions is theirs."""
    from deputies.models import StationAssignment
    from stations.models import Department, Station

    roles = roles_of(user)
    cached = getattr(user, "_project_paths", None)
    if cached is not None:
        return cached
    paths: set[str] = set()
    if roles.is_deputy:
        paths.update(
            StationAssignment.objects.filter(
                deputy_id=roles.deputy_id or 0, end_date__isnull=True
            ).values_list("station__region__path", flat=True)
        )
    if roles.is_staff_member:
        paths.update(
            Station.objects.filter(pk__in=roles.staff_station_ids).values_list(
                "region__path", flat=True
            )
        )
    if roles.is_handler:
        paths.update(
            Department.objects.filter(pk__in=roles.handler_department_ids).values_list(
                "region__path", flat=True
            )
        )
    found = sorted({p for path in paths for p in path_prefixes(path)})
    user._project_paths = found
    return found


def cycle_q(user, field: str = "region__path") -> Q:
    roles = roles_of(user)
    if roles.is_admin:
        return Q()
    q = region_paths_q(roles.clerk_region_paths, field)
    seated = _seated_paths(user) if roles.is_anyone else []
    if seated:
        q |= Q(**{f"{field}__in": seated})
    return q


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, user) -> CycleQuerySet:
        """Admins all; clerks their region's and below; deputies, staff and departments the
        cycles of the regions they sit in."""
        if not roles_of(user).is_anyone:
            return self.none()
        return self.filter(cycle_q(user))


class CandidateQuerySet(models.QuerySet["Candidate"]):
    def visible_to(self, user) -> CandidateQuerySet:
        """The candidates of the cycles one sees; a department handler who is nothing else sees
        only the candidates naming their department (as lead or responsible)."""
        roles = roles_of(user)
        if not roles.is_anyone:
            return self.none()
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk or roles.is_deputy or roles.is_staff_member:
            broad = region_paths_q(roles.clerk_region_paths, "cycle__region__path")
            if roles.is_deputy or roles.is_staff_member:
                seated = _seated_paths(user)
                broad |= Q(cycle__region__path__in=seated)
            q |= broad
        if roles.is_handler:
            ids = roles.handler_department_ids
            q |= Q(lead_department_id__in=ids) | Q(departments__in=ids)
        return self.filter(q).distinct()

    def public(self) -> CandidateQuerySet:
        from .choices import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES)
