"""Writes of routing rules: clerks keep the rules of their regions, administrators all."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.roles import roles_of
from stations.paths import in_region_paths

from ..models import RoutingRule


def _may_keep(actor: Any, region: Any) -> bool:
    roles = roles_of(actor)
    return roles.is_admin or in_region_paths(region.path, roles.clerk_region_paths)


@transaction.atomic
def routing_rule_save(*, actor: Any, rule: RoutingRule, assisting: list[Any]) -> RoutingRule:
    """Create or update a rule (from a validated form's unsaved instance)."""
    if not _may_keep(actor, rule.region):
        raise PermissionDenied
    if rule.pk:
        RoutingRule.objects.select_for_update().get(pk=rule.pk)
    else:
        rule.created_by = actor
    rule.save()
    rule.assisting_departments.set([d for d in assisting if d.pk != rule.lead_department_id])
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: Any, rule: RoutingRule) -> None:
    row = RoutingRule.objects.select_for_update().select_related("region").get(pk=rule.pk)
    if not _may_keep(actor, row.region):
        raise PermissionDenied
    row.delete()
