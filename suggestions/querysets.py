"""Row scoping for suggestions: one method decides who sees which."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import in_region_paths, region_paths_q

if TYPE_CHECKING:
    from .models import Suggestion  # noqa: F401


def covering_clerk(roles, region) -> bool:
    """A standing-committee clerk whose region is the suggestion's region or contains it."""
    return in_region_paths(region.path, roles.clerk_region_paths)


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def visible_to(self, user) -> SuggestionQuerySet:
        """Admins all; a clerk their region's (and below); a deputy those they lead or were
        invited to co-sign; a department handler the suggestions assigned to their department.

        Drafts stay with their deputies until submitted: a clerk sees nothing unsent.
        """
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        q = Q(pk__in=[])
        if roles.is_clerk:
            q |= region_paths_q(roles.clerk_region_paths, "region__path") & ~Q(status="draft")
        model: Any = self.model
        if roles.is_deputy:
            q |= Q(lead_deputy_id=roles.deputy_id) | Q(
                pk__in=model.cosigners.through.objects.filter(deputy_id=roles.deputy_id).values(
                    "suggestion_id"
                )
            )
        if roles.is_handler:
            ids = roles.handler_department_ids
            q |= Q(lead_department_id__in=ids) | Q(
                pk__in=model.assisting_departments.through.objects.filter(
                    department_id__in=ids
                ).values("suggestion_id")
            )
        return self.filter(q)
