"""Row scoping for receptions and petitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import region_paths_q
from stations.scope import managed_q

from .choices import OPEN_STATUSES, UNDER_DEADLINE

if TYPE_CHECKING:
    # The row type of each queryset (only for the type checker: models import this module).
    from .models import Petition, Reception, RoutingRule  # noqa: F401


def _station_scope_q(user) -> Q:
    """What a clerk or station staff member may see, expressed on ``station``."""
    roles = roles_of(user)
    return region_paths_q(roles.clerk_region_paths, "station__region__path") | managed_q(user)


class ReceptionQuerySet(models.QuerySet["Reception"]):
    def visible_to(self, user) -> ReceptionQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = _station_scope_q(user)
        if roles.deputy_id is not None:
            q |= Q(
                pk__in=self.model.deputies.through.objects.filter(deputy_id=roles.deputy_id).values(
                    "reception_id"
                )
            )
        # A part-time liaison (grid worker) logs receptions at their station and records
        # opinions there (petitions.rights.may_record_at); its cases stay hidden from them.
        if roles.is_liaison:
            q |= Q(station_id__in=roles.liaison_station_ids)
        return self.filter(q)


class PetitionQuerySet(models.QuerySet["Petition"]):
    def visible_to(self, user) -> PetitionQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = _station_scope_q(user)
        if roles.is_deputy:
            q |= Q(deputy_id=roles.deputy_id)
        if roles.is_handler:
            ids = roles.handler_department_ids
            q |= Q(lead_department_id__in=ids) | Q(
                pk__in=self.model.assisting_departments.through.objects.filter(
                    department_id__in=ids
                ).values("petition_id")
            )
        return self.filter(q)

    def open(self) -> PetitionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today) -> PetitionQuerySet:
        """Open cases under a deadline (assigned, handling) whose deadline is before ``today``."""
        return self.filter(status__in=UNDER_DEADLINE, deadline__lt=today)


class RoutingRuleQuerySet(models.QuerySet["RoutingRule"]):
    def visible_to(self, user) -> RoutingRuleQuerySet:
        """Administrators all; clerks the rules of their regions and below; station staff the
        rules that apply to their stations (to see why a form was pre-filled)."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        return self.filter(region_paths_q(roles.clerk_region_paths, "region__path"))
