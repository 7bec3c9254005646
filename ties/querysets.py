"""Row scoping for the ties app: a row is visible with the deputy it belongs to.

Whoever sees a deputy (``Deputy.objects.visible_to``: the deputy, the staff of their stations,
clerks over them, admins) sees that deputy's pairs and contacts; nothing else is written out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import region_paths_q
from stations.scope import managed_q

if TYPE_CHECKING:
    from .models import (  # noqa: F401
        CommitteeLink,
        ConstituentPair,
        ElectoralDistrict,
        Grid,
        ReportBack,
    )


def _deputies(user):
    return apps.get_model("deputies", "Deputy").objects.visible_to(user).values("pk")


class PairQuerySet(models.QuerySet["ConstituentPair"]):
    def visible_to(self, user) -> PairQuerySet:
        return self.filter(deputy__in=_deputies(user))

    def active(self) -> PairQuerySet:
        return self.filter(is_active=True)


class CommitteeLinkQuerySet(models.QuerySet["CommitteeLink"]):
    def visible_to(self, user) -> CommitteeLinkQuerySet:
        seen = _deputies(user)
        return self.filter(Q(member__in=seen) | Q(deputy__in=seen))


class GridQuerySet(models.QuerySet["Grid"]):
    def visible_to(self, user) -> GridQuerySet:
        """Clerks over the community, the station's staff, the grid's own worker, admins."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = region_paths_q(roles.clerk_region_paths, "community__path") | Q(worker=user)
        if roles.staff_station_ids:
            q |= managed_q(user, "station")
        return self.filter(q)


class DistrictQuerySet(models.QuerySet["ElectoralDistrict"]):
    def visible_to(self, user) -> DistrictQuerySet:
        """Clerks over the district's region, and admins."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        return self.filter(region_paths_q(roles.clerk_region_paths, "region__path"))


class ReportBackQuerySet(models.QuerySet["ReportBack"]):
    def visible_to(self, user) -> ReportBackQuerySet:
        """Clerks over the district, the staff of the session's station, the deputies
        reporting, admins."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = region_paths_q(roles.clerk_region_paths, "district__region__path")
        if roles.staff_station_ids:
            q |= managed_q(user, "station")
        if roles.deputy_id:
            q |= Q(
                pk__in=self.model.objects.filter(speakers__deputy_id=roles.deputy_id).values("pk")
            )
        return self.filter(q)


class StationScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The station's staff, clerks over its region, the deputies taking part, admins."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = region_paths_q(roles.clerk_region_paths, "station__region__path")
        if roles.staff_station_ids:
            q |= managed_q(user, "station")
        if roles.deputy_id:
            q |= Q(pk__in=self.model._default_manager.filter(deputies=roles.deputy_id).values("pk"))
        return self.filter(q)


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The station's staff, clerks over its region, the deputy booked, admins."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = region_paths_q(roles.clerk_region_paths, "station__region__path")
        if roles.staff_station_ids:
            q |= managed_q(user, "station")
        if roles.deputy_id:
            q |= Q(deputy_id=roles.deputy_id)
        return self.filter(q)
