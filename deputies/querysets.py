"""Row scoping for deputies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import region_paths_q
from stations.scope import managed_q

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
        if roles.is_clerk or roles.staff_station_ids:
            station_q = region_paths_q(
                roles.clerk_region_paths, "assignments__station__region__path"
            ) | managed_q(user, "assignments__station")
            # A subquery of ids rather than a join, so the list needs no DISTINCT.
            q |= Q(pk__in=self.model.objects.filter(station_q).values("pk"))
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
