"""Row scoping for the duty app (one ``visible_to`` per listable model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import path_prefixes, region_paths_q
from stations.scope import managed_q

if TYPE_CHECKING:
    from .models import Activity, QuotaRule  # noqa: F401


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user) -> ActivityQuerySet:
        """The deputy's own; the station's staff (rooms below included); clerks of the area."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_deputy:
            q |= Q(deputy_id=roles.deputy_id)
        if roles.staff_station_ids:
            q |= managed_q(user)
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths, "station__region__path")
        return self.filter(q)


class RegionRuleQuerySet(models.QuerySet):
    """Rows set per region (quota rules, points schemes)."""

    def visible_to(self, user):
        """Clerks see the rules of their area and the defaults above it that apply there."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        above = {p for path in roles.clerk_region_paths for p in path_prefixes(path)}
        return self.filter(
            region_paths_q(roles.clerk_region_paths, "region__path") | Q(region__path__in=above)
        )

    def editable_by(self, user):
        """Clerks set the rules of their own area and below; the province default is the
        administrators' (or a provincial clerk's)."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        return self.filter(region_paths_q(roles.clerk_region_paths, "region__path"))
