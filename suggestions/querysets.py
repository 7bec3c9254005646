"""Row scoping for suggestions: one method decides who sees which."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

from core.roles import roles_of


def covering_clerk(roles, region) -> bool:
    """A standing-committee clerk whose region is the suggestion's region or contains it."""
    return any(region.path.startswith(p) for p in roles.clerk_region_paths)


class SuggestionQuerySet(models.QuerySet):
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
            q |= reduce(
                or_, (Q(region__path__startswith=p) for p in roles.clerk_region_paths)
            ) & ~Q(status="draft")
        if roles.is_deputy:
            q |= Q(lead_deputy_id=roles.deputy_id) | Q(
                pk__in=self.model.cosigners.through.objects.filter(
                    deputy_id=roles.deputy_id
                ).values("suggestion_id")
            )
        if roles.is_handler:
            ids = roles.handler_department_ids
            q |= Q(lead_department_id__in=ids) | Q(
                pk__in=self.model.assisting_departments.through.objects.filter(
                    department_id__in=ids
                ).values("suggestion_id")
            )
        return self.filter(q)
