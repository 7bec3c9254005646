"""Which routing rule applies to a case, and the deadline it gives."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from core.aggregates import Joined
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
    # The assisting departments' ids ride along as one text column (the case page's assign form
    # pre-fills them): no second query for the rules' departments.
    through = RoutingRule.assisting_departments.through
    assisting = (
        through.objects.filter(routingrule_id=OuterRef("pk"))
        .order_by()
        .values("routingrule_id")
        .annotate(ids=Joined(Cast("department_id", CharField())))
        .values("ids")  # type: ignore[misc]  # the annotation above (django-stubs misses it)
    )
    candidates = [
        r
        for r in RoutingRule.objects.filter(category_id=petition.category_id)
        .select_related("region", "category", "lead_department")  # its name names them all
        .annotate(assisting_ids=Subquery(assisting))
        if path.startswith(r.region.path)
        and r.lead_department.is_active
        and (not r.keyword or r.keyword in petition.title or r.keyword in petition.content)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (bool(r.keyword), len(r.region.path), -r.pk))


def assisting_ids(rule: RoutingRule) -> list[int]:
    """The ids of the rule's assisting departments (read with the rule by ``match``)."""
    if not hasattr(rule, "assisting_ids"):
        return list(rule.assisting_departments.values_list("pk", flat=True))
    return [int(i) for i in rule.assisting_ids.split(",")] if rule.assisting_ids else []


def rule_deadline(
    petition: Petition, rule: RoutingRule | None, *, start: dt.date | None = None
) -> dt.date:
    """The reply deadline the rule gives (its working days, else the standard limit)."""
    start = start or timezone.localdate()
    days = rule.reply_days if rule is not None and rule.reply_days else reply_days(petition)
    return Calendar().add_working_days(start, days)
