"""Row scoping for deputies."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of

if TYPE_CHECKING:
    # The row type of each queryset (only for the type checker: models import this module).
    from .models import Deputy  # noqa: F401


class DeputyQuerySet(models.QuerySet["Deputy"]):
    def visible_to(self, user) -> DeputyQuerySet:
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_deputy:
            q |= Q(pk=roles.deputy_id)
        station_q = Q(pk__in=[])
        if roles.is_clerk:
            station_q |= reduce(
                or_,
                (
                    Q(assignments__station__region__path__startswith=p)
                    for p in roles.clerk_region_paths
                ),
            )
        if roles.staff_station_ids:
            ids = roles.staff_station_ids
            station_q |= Q(assignments__station_id__in=ids) | Q(
                assignments__station__parent_id__in=ids
            )
        if roles.is_clerk or roles.staff_station_ids:
            q |= Q(pk__in=deputy_ids(station_q))
        return self.filter(q)

    def active(self) -> DeputyQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> DeputyQuerySet:
        """Name, full pinyin ("zhangsan") or initials ("zs")."""
        text = text.strip()
        if not text:
            return self
        key = text.lower().replace(" ", "")
        return self.filter(
            Q(name__contains=text)
            | Q(name_pinyin__startswith=key)
            | Q(name_initials__startswith=key)
        )


def deputy_ids(station_q: Q):
    """Subquery of deputy ids matching a condition on their assignments (avoids DISTINCT)."""
    from .models import Deputy

    return Deputy.objects.filter(station_q).values("pk")
