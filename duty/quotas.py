"""Quota rules (量化标准) as the clerks set them in the product: "县(市)区制定代表开展活动的量化
标准" (seed 002).

A region's page shows, for every "八个一" item, the quantity in force there and where it comes
from: the region's own rule, a rule of a region above (the city, the province default), or the
duty list's own quantity. The quantities themselves are always ``selectors.quota_tables`` —
the one fallback every count, record and "who is behind" list uses; this module only names
the region whose rule that is. Clerks set the region's own quantities, or clear one to
inherit again (``quota_rules_set``, recorded in core.changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.changes import diff, msgid, record_change
from core.models import ChangeRecord
from stations.choices import RegionLevel
from stations.models import Region
from stations.paths import path_prefixes

from . import selectors
from .choices import Period
from .items import ITEMS, Item
from .models import QuotaRule

TOPIC = "duty.quota"
# More than once a day, or once a week for a yearly item, is no standard a deputy can meet:
# such a number is a typing slip ("20" for "2"), refused with this limit in the message.
MAX_QUANTITY: dict[str, int] = {Period.MONTH: 31, Period.YEAR: 52}
INHERITED = gettext_lazy("inherited")
# The levels a clerk usually sets numbers for; a street that has its own rules is listed too.
LISTED_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT)


@dataclass(frozen=True)
class QuotaRow:
    """One item on a region's page."""

    item: Item
    quantity: int  # in force in the region (selectors.quota_tables)
    own: int | None  # the region's own rule, if it has one
    source: Region | None  # whose rule applies (None: the duty list's own quantity)
    inherited: int  # what the region has without its own rule
    inherited_from: Region | None

    @property
    def is_own(self) -> bool:
        return self.own is not None


def region_quotas(region: Region) -> list[QuotaRow]:
    """Every item's quantity in ``region`` and its origin. Three queries."""
    prefixes = path_prefixes(region.path)
    parent_path = prefixes[-2] if len(prefixes) > 1 else ""
    tables = selectors.quota_tables([region.path, parent_path])
    holders: dict[str, dict[str, Region]] = {}
    for rule in QuotaRule.objects.filter(region__path__in=prefixes).select_related("region"):
        holders.setdefault(rule.item, {})[rule.region.path] = rule.region
    own = dict(QuotaRule.objects.filter(region=region).values_list("item", "quantity"))

    def nearest(item: str, paths: list[str]) -> Region | None:
        found = holders.get(item, {})
        return next((found[p] for p in reversed(paths) if p in found), None)

    return [
        QuotaRow(
            item=item,
            quantity=tables[region.path][item.code],
            own=own.get(item.code),
            source=nearest(item.code, prefixes),
            inherited=tables[parent_path][item.code],
            inherited_from=nearest(item.code, prefixes[:-1]),
        )
        for item in ITEMS
    ]


def listed_regions(user):
    """The regions on the clerk's index: their area down to the districts and counties, and
    any region below that holds rules of its own; each with its number of own rules."""
    return (
        Region.objects.covered_by(user)
        .annotate(own_rules=Count("quota_rules"))
        .filter(Q(level__in=LISTED_LEVELS) | Q(own_rules__gt=0))
        .order_by("path")
    )


def quantity_error(item: Item, value: int | None) -> str | None:
    """Why a quantity typed for ``item`` cannot be a rule (None: it can)."""
    if value is None:
        return None
    if value < 0:
        return _("A quantity cannot be negative; leave the box empty to inherit.")
    limit = MAX_QUANTITY[item.period]
    if value > limit:
        if item.is_monthly:
            return _("At most %(n)d a month: more would be more than one a day.") % {"n": limit}
        return _("At most %(n)d a year: more would be more than one a week.") % {"n": limit}
    return None


def may_set(user, region: Region) -> bool:
    """Clerks over the region (and administrators) set its numbers."""
    return Region.objects.covered_by(user).filter(pk=region.pk).exists()


@transaction.atomic
def quota_rules_set(
    *, actor, region: Region, quantities: dict[str, int | None]
) -> ChangeRecord | None:
    """Set the region's own quantities (None: no own rule, inherit from above). Items not in
    ``quantities`` stay as they are. Returns the change recorded (None: nothing changed)."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if not may_set(actor, region):
        raise PermissionDenied
    errors = {}
    for item in ITEMS:
        message = quantity_error(item, quantities.get(item.code))
        if message:
            errors[item.code] = message
    if errors:
        raise ValidationError(errors)
    current = {r.item: r for r in QuotaRule.objects.select_for_update().filter(region=region)}
    lines = []
    for item in ITEMS:
        if item.code not in quantities:
            continue
        new, rule = quantities[item.code], current.get(item.code)
        old = rule.quantity if rule else None
        if new == old:
            continue
        if new is None:
            rule.delete()  # type: ignore[union-attr]  # old is not None, so the rule exists
        elif rule is not None:
            rule.quantity = new
            rule.save(update_fields=["quantity", "updated_at"])
        else:
            QuotaRule.objects.create(region=region, item=item.code, quantity=new)
        lines.append(
            diff(
                item.label,
                msgid(INHERITED) if old is None else old,
                msgid(INHERITED) if new is None else new,
            )
        )
    return record_change(actor=actor, subject=region, topic=TOPIC, changes=lines)
