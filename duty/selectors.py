"""Reads of the duty app: each deputy's "八个一" year against their own region's quotas.

Figures for many deputies are computed together in three queries, however many deputies are
on the page: their regions, the quota rules for those regions, and one UNION of every item's
sources (``items.count_items``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, StationAssignment
from stations.paths import path_prefixes

from .items import ITEMS, Item, count_items
from .models import QuotaRule

# --- Whose rules: the deputy's own region ------------------------------------------------------


def deputy_region_paths(ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """Each deputy's region path: the region of their current primary station ('' if none)."""
    return dict(
        StationAssignment.objects.filter(
            deputy_id__in=ids if isinstance(ids, QuerySet) else list(ids),
            is_primary=True,
            end_date__isnull=True,
        ).values_list("deputy_id", "station__region__path")
    )


def quota_tables(paths: Iterable[str]) -> dict[str, dict[str, int]]:
    """For each region path, the quantity of every item: the nearest rule up the region tree
    (the street's, else the district's or county's, else the city's, else the province
    default), else the quantity the "八个一" list itself declares. One query."""
    paths = set(paths)
    prefixes = {p for path in paths for p in path_prefixes(path)}
    rules: dict[str, dict[str, int]] = {}
    for region_path, item, quantity in QuotaRule.objects.filter(
        region__path__in=prefixes
    ).values_list("region__path", "item", "quantity"):
        rules.setdefault(region_path, {})[item] = quantity
    tables = {}
    for path in paths | {""}:
        table = {item.code: item.default_quantity for item in ITEMS}
        for prefix in path_prefixes(path):  # from the province down: deeper rows win
            table.update(rules.get(prefix, {}))
        tables[path] = table
    return tables


def quota_table(path: str) -> dict[str, int]:
    return quota_tables([path])[path]


# --- One deputy's year ------------------------------------------------------------------------


def months_due(year: int, today: dt.date) -> int:
    """Months of ``year`` that are over by ``today``."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


@dataclass
class Cell:
    """One period of one item: a month, or the whole year (``month`` None)."""

    month: int | None
    count: int
    quota: int
    state: str  # "due" (the period is over), "current" or "future"

    @property
    def met(self) -> bool:
        return self.count >= self.quota

    @property
    def missed(self) -> bool:
        return self.state == "due" and not self.met


@dataclass
class ItemYear:
    item: Item
    quota: int
    cells: list[Cell]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def missed(self) -> int:
        return sum(c.missed for c in self.cells)

    @property
    def met(self) -> int:
        return sum(c.met for c in self.cells)

    @property
    def target(self) -> int:
        """What the whole year asks for: 12 × the monthly quantity, or the yearly one."""
        return self.quota * len(self.cells)

    @property
    def percent(self) -> int:
        """How much of the year's target is done, capped at 100 (a progress bar)."""
        return min(100, round(100 * self.total / self.target)) if self.target else 100


@dataclass
class DutyYear:
    deputy_id: int
    year: int
    region_path: str
    items: list[ItemYear] = field(default_factory=list)

    def item(self, code: str) -> ItemYear:
        return next(i for i in self.items if i.item.code == code)

    @property
    def totals(self) -> dict[str, int]:
        return {i.item.code: i.total for i in self.items}

    @property
    def reasons(self) -> list[str]:
        """Why the deputy is behind, in words; empty when on track."""
        found = []
        for row in self.items:
            if not row.missed:
                continue
            if row.item.is_monthly:
                found.append(
                    _("%(item)s: %(n)d month(s) below %(quota)d")
                    % {"item": row.item.label, "n": row.missed, "quota": row.quota}
                )
            else:
                found.append(
                    _("%(item)s: %(done)d of %(quota)d this year")
                    % {"item": row.item.label, "done": row.total, "quota": row.quota}
                )
        return found

    @property
    def is_behind(self) -> bool:
        return any(row.missed for row in self.items)


def _state(year: int, month: int | None, today: dt.date) -> str:
    due = months_due(year, today)
    if month is None:
        return "due" if due >= 12 else ("current" if year == today.year else "future")
    if month <= due:
        return "due"
    return "current" if (year == today.year and month == today.month) else "future"


def duty_years(
    ids: Iterable[int],
    year: int,
    today: dt.date | None = None,
    *,
    among: QuerySet | None = None,
    paths: dict[int, str] | None = None,
) -> dict[int, DutyYear]:
    """The "八个一" year of many deputies, each against their own region's quotas.

    ``among``, a queryset of the same deputies' ids, is what the queries filter on instead of a
    list of ids (a province's deputies); ``paths`` are their region paths when the caller
    already read them (``deputy_region_paths``).
    """
    today = today or timezone.localdate()
    ids = list(ids)
    where = among if among is not None else ids
    if paths is None:
        paths = deputy_region_paths(where)
    tables = quota_tables(paths.values())
    counts = count_items(ITEMS, where, year)
    result = {}
    for pk in ids:
        path = paths.get(pk, "")
        table = tables[path]
        duty = DutyYear(pk, year, path)
        for item in ITEMS:
            months: Counter = counts[item.code].get(pk, Counter())
            quota = table[item.code]
            if item.is_monthly:
                cells = [Cell(m, months[m], quota, _state(year, m, today)) for m in range(1, 13)]
            else:
                cells = [Cell(None, sum(months.values()), quota, _state(year, None, today))]
            duty.items.append(ItemYear(item, quota, cells))
        result[pk] = duty
    return result


def duty_year(deputy: Deputy, year: int, today: dt.date | None = None) -> DutyYear:
    return duty_years([deputy.pk], year, today)[deputy.pk]


@dataclass
class BehindRow:
    deputy: Deputy
    duty: DutyYear


def behind(deputies: QuerySet[Deputy], year: int, today: dt.date | None = None) -> list[BehindRow]:
    """The deputies of ``deputies`` who missed a due period of an item, by name (four queries
    whatever their number: the deputies, their regions, the rules, the counts)."""
    people = list(deputies.order_by("name_pinyin", "pk"))
    years = duty_years([d.pk for d in people], year, today, among=deputies.values("pk"))
    return [BehindRow(d, years[d.pk]) for d in people if years[d.pk].is_behind]
