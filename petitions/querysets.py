"""Row scoping for receptions and petitions."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of

if TYPE_CHECKING:
    # The row type of each queryset (only for the type checker: models import this module).
    from .models import Petition, Reception  # noqa: F401


def _station_scope_q(roles, prefix: str) -> Q:
    """What a clerk or station staff member may see, expressed on ``<prefix>station``."""
    q = Q(pk__in=[])
    if roles.is_clerk:
        q |= reduce(
            or_,
            (
                Q(**{f"{prefix}station__region__path__startswith": p})
                for p in roles.clerk_region_paths
            ),
        )
    if roles.staff_station_ids:
        ids = roles.staff_station_ids
        q |= Q(**{f"{prefix}station_id__in": ids}) | Q(**{f"{prefix}station__parent_id__in": ids})
    return q


class ReceptionQuerySet(models.QuerySet["Reception"]):
    def visible_to(self, user) -> ReceptionQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = _station_scope_q(roles, "")
        if roles.deputy_id is not None:
            q |= Q(
                pk__in=self.model.deputies.through.objects.filter(deputy_id=roles.deputy_id).values(
                    "reception_id"
                )
            )
        return self.filter(q)


class PetitionQuerySet(models.QuerySet["Petition"]):
    def visible_to(self, user) -> PetitionQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = _station_scope_q(roles, "")
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
        from .choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today) -> PetitionQuerySet:
        from .choices import UNDER_DEADLINE

        return self.filter(status__in=UNDER_DEADLINE, deadline__lt=today)
