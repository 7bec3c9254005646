"""Row scoping for the registry: one ``visible_to(user)`` per model, used by every view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of

from .paths import path_prefixes, region_paths_q
from .scope import managed_q

if TYPE_CHECKING:
    # The row type of each queryset (only for the type checker: models import this module).
    from .models import Department, Region, Station  # noqa: F401


class RegionQuerySet(models.QuerySet["Region"]):
    def visible_to(self, user) -> RegionQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths)
        if roles.staff_station_ids:
            q |= Q(stations__in=roles.staff_station_ids)
        return self.filter(q).distinct() if roles.staff_station_ids else self.filter(q)

    def covered_by(self, user) -> RegionQuerySet:
        """The regions whose settings a clerk answers for (quota rules, points schemes, grids,
        electoral districts, terms): their area and everything below; admins: every region;
        nobody else any. Clerks' setting pages fetch through this, so another area is a 404."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        return self.filter(region_paths_q(roles.clerk_region_paths))

    def subtree(self, region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)

    def placeable_by(self, user) -> RegionQuerySet:
        """Regions a user may put a station in: a clerk's area, or below a staff member's station."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        paths = set(roles.clerk_region_paths)
        paths |= roles.staff_region_paths
        if not paths:
            return self.none()
        return self.filter(region_paths_q(paths))


class StationQuerySet(models.QuerySet["Station"]):
    def visible_to(self, user) -> StationQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths, "region__path")
        if roles.staff_station_ids:
            q |= managed_q(user, "pk")
        if roles.is_deputy:
            q |= Q(assignments__deputy_id=roles.deputy_id, assignments__end_date__isnull=True)
        result = self.filter(q)
        return result.distinct() if roles.is_deputy else result

    def active(self) -> StationQuerySet:
        return self.filter(is_active=True)

    def editable_by(self, user) -> StationQuerySet:
        """Stations whose record a user may change: admins, clerks and the station's own staff."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths, "region__path")
        if roles.staff_station_ids:
            q |= managed_q(user, "pk")
        return self.filter(q)


class DepartmentQuerySet(models.QuerySet["Department"]):
    def visible_to(self, user) -> DepartmentQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths, "region__path")
        if roles.is_handler:
            q |= Q(pk__in=roles.handler_department_ids)
        if roles.staff_station_ids:
            # Staff assign cases to departments of their station's region and the regions above
            # it (a street station hands work to district bureaus).
            ancestors = {p for path in roles.staff_region_paths for p in path_prefixes(path)}
            q |= Q(region__path__in=ancestors)
        return self.filter(q)

    def editable_by(self, user) -> DepartmentQuerySet:
        """Departments a user may change: admins anywhere, clerks within their area."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        if not roles.is_clerk:
            return self.none()
        return self.filter(region_paths_q(roles.clerk_region_paths, "region__path"))

    def active(self) -> DepartmentQuerySet:
        return self.filter(is_active=True)
