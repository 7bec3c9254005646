"""Reads of the duty app: each deputy's "八个一" year against their own region's quotas.

Figures for many deputies are computed together in three queries, however many deputies are
on the page: their regions, the quota rules for those regions, and one UNION of every item's
sources summed per deputy, item and month (``items.count_items``). A list over a province
(*who is behind*, the points ranking) judges or scores every deputy from those counts
(``YearCounts``) and builds full years only for the deputies on its page (``DeputyRows``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, StationAssignment
from stations.paths import path_prefixes

from .items import ITEMS, Counts, Item, count_items
from .models import QuotaRule

# --- Whose rules: the deputy's own region ------------------------------------------------------


def _primary_now(assignments: QuerySet[StationAssignment]) -> QuerySet[StationAssignment]:
    """A deputy's station for their rules: the current primary one."""
    return assignments.filter(is_primary=True, end_date__isnull=True)


def deputy_region_paths(ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """Each deputy's region path: the region of their current primary station ('' if none)."""
    return dict(
        _primary_now(
            StationAssignment.objects.filter(
                deputy_id__in=ids if isinstance(ids, QuerySet) else list(ids)
            )
        ).values_list("deputy_id", "station__region__path")
    )


def with_region_path(deputies: QuerySet[Deputy], *fields: str) -> QuerySet:
    """Rows of ``fields`` of ``deputies``, each followed by the deputy's region path as
    ``deputy_region_paths`` reads it (None if no station): a list reads its deputies and their
    regions in one query."""
    return deputies.annotate(
        region_path=Subquery(
            _primary_now(StationAssignment.objects.filter(deputy_id=OuterRef("pk"))).values(
                "station__region__path"
            )[:1]
        )
    ).values_list(*fields, "region_path")


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


# Each period's state in a year: the months 1..12, and None for the whole year.
States = dict[int | None, str]
NOTHING: Counter = Counter()


def period_states(year: int, today: dt.date) -> States:
    return {m: _state(year, m, today) for m in (*range(1, 13), None)}


def item_year(item: Item, months: Counter, quota: int, states: States) -> ItemYear:
    """One item's year from its counts per month."""
    if item.is_monthly:
        cells = [Cell(m, months[m], quota, states[m]) for m in range(1, 13)]
    else:
        cells = [Cell(None, sum(months.values()), quota, states[None])]
    return ItemYear(item, quota, cells)


@dataclass
class YearCounts:
    """What many deputies' years are built from, read once: each deputy's region path, the
    quota table of every such path and the counts per item, deputy and month."""

    year: int
    paths: dict[int, str]
    tables: dict[str, dict[str, int]]
    counts: dict[str, Counts]
    states: States
    _bare: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)

    def _months(self, code: str, pk: int) -> Counter:
        return self.counts[code].get(pk, NOTHING)

    def duty_year(self, pk: int) -> DutyYear:
        path = self.paths.get(pk, "")
        table = self.tables[path]
        duty = DutyYear(pk, self.year, path)
        duty.items = [
            item_year(item, self._months(item.code, pk), table[item.code], self.states)
            for item in ITEMS
        ]
        return duty

    def is_behind(self, pk: int) -> bool:
        """``duty_year(pk).is_behind``, item by item, stopping at the first item missed: a
        province's list decides this for every deputy, but builds the year of a page's only."""
        table = self.tables[self.paths.get(pk, "")]
        for item in ITEMS:
            months, quota = self._months(item.code, pk), table[item.code]
            if months:
                missed = bool(item_year(item, months, quota, self.states).missed)
            else:  # the usual case for most items: judged once per quota, not per deputy
                key = (item.code, quota)
                if key not in self._bare:
                    self._bare[key] = bool(item_year(item, months, quota, self.states).missed)
                missed = self._bare[key]
            if missed:
                return True
        return False

    def totals(self, pk: int) -> dict[str, int]:
        """``duty_year(pk).totals`` without building the year (a ranking scores everyone)."""
        return {item.code: sum(self._months(item.code, pk).values()) for item in ITEMS}


def year_counts(
    ids: Iterable[int] | QuerySet,
    year: int,
    today: dt.date | None = None,
    *,
    paths: dict[int, str] | None = None,
) -> YearCounts:
    """Read what the years of the deputies ``ids`` (a list, or a queryset of ids that the
    queries filter on: a province's deputies) are built from. Three queries whatever their
    number: their regions (unless the caller read ``paths``), the rules, the counts."""
    today = today or timezone.localdate()
    where = ids if isinstance(ids, QuerySet) else list(ids)
    if paths is None:
        paths = deputy_region_paths(where)
    return YearCounts(
        year,
        paths,
        quota_tables(paths.values()),
        count_items(ITEMS, where, year),
        period_states(year, today),
    )


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
    ids = list(ids)
    found = year_counts(among if among is not None else ids, year, today, paths=paths)
    return {pk: found.duty_year(pk) for pk in ids}


def duty_year(deputy: Deputy, year: int, today: dt.date | None = None) -> DutyYear:
    return duty_years([deputy.pk], year, today)[deputy.pk]


class DeputyRows(Sequence):
    """A long list of deputies known by id, whose rows are built for the slice a page shows:
    the paginator counts every id, the page reads its own deputies in one query."""

    def __init__(self, ids: list[int], row: Callable[[Deputy], Any]):
        self.ids, self.row = ids, row

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list: ...
    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        if not ids:
            return []
        people = Deputy.objects.in_bulk(ids)
        return [self.row(people[pk]) for pk in ids]


@dataclass
class BehindRow:
    deputy: Deputy
    duty: DutyYear


def behind(deputies: QuerySet[Deputy], year: int, today: dt.date | None = None) -> DeputyRows:
    """The deputies of ``deputies`` who missed a due period of an item, by name. Every deputy is
    judged; the full year is built for the page's deputies only. Four queries whatever their
    number: the ids in order with their regions, the rules, the counts, the page's deputies."""
    order = with_region_path(deputies.order_by("name_pinyin", "pk"), "pk")
    paths = {pk: path for pk, path in order if path is not None}
    found = year_counts(deputies.values("pk"), year, today, paths=paths)
    late = [pk for pk, _path in order if found.is_behind(pk)]
    return DeputyRows(late, lambda d: BehindRow(d, found.duty_year(d.pk)))
