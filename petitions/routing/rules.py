"""Which routing rule applies to a case, and the deadline it gives."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.workdays import Calendar

from ..deadlines import reply_days
from ..models import Petition, RoutingRule


def match(petition: Petition) -> RoutingRule | None:
    """The most specific active rule for the case: its category, a region containing its
    station; a rule whose keyword the title or content contains beats one without, a deeper
    region beats a wider one."""
    if petition.category_id is None:
        return None
    path = petition.station.region.path
    candidates = [
        r
        for r in RoutingRule.objects.filter(category_id=petition.category_id)
        .select_related("region", "lead_department")
        .prefetch_related("assisting_departments")
        if path.startswith(r.region.path)
        and r.lead_department.is_active
        and (not r.keyword or r.keyword in petition.title or r.keyword in petition.content)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (bool(r.keyword), len(r.region.path), -r.pk))


def rule_deadline(
    petition: Petition, rule: RoutingRule | None, *, start: dt.date | None = None
) -> dt.date:
    """The reply deadline the rule gives (its working days, else the standard limit)."""
    start = start or timezone.localdate()
    days = rule.reply_days if rule is not None and rule.reply_days else reply_days(petition)
    return Calendar().add_working_days(start, days)
