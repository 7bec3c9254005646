"""Points (履职积分): an optional, per-region scheme of "八个一" items × weights.

The scheme is rows in the database (``PointsScheme``, ``PointsRow``), never a table in code:
a county decides how much a reception or a duty story is worth, and may cap how many count.
A deputy's score for a year is Σ min(count, cap) × weight over the rows of the nearest active
scheme up their region's tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from deputies.models import Deputy, StationAssignment
from stations.paths import path_prefixes

from .models import PointsRow, PointsScheme
from .selectors import DeputyRows, DutyYear, with_region_path, year_counts


@dataclass(frozen=True)
class Scheme:
    pk: int
    name: str
    region_name: str
    rows: tuple[tuple[str, Decimal, int | None], ...]  # (item, weight, cap)

    def score(self, totals: dict[str, int]) -> Decimal:
        total = Decimal(0)
        for item, weight, cap in self.rows:
            counted = totals.get(item, 0)
            if cap is not None:
                counted = min(counted, cap)
            total += counted * weight
        return total


def schemes_for(paths, year: int | None = None) -> dict[str, Scheme | None]:
    """For each region path, the nearest active scheme up the tree for ``year`` (a region's
    scheme for that year before its every-year one; None: no points). One query whatever the
    number of paths: the schemes joined to their rows (a scheme without rows comes back once,
    with empty row columns)."""
    paths = set(paths)
    prefixes = {p for path in paths for p in path_prefixes(path)}
    found: dict[str, tuple[int, str, str]] = {}
    specific: set[str] = set()  # region paths whose scheme is the one for ``year``
    rows: dict[int, list] = {}
    for pk, name, region_path, region_name, scheme_year, item, weight, cap in (
        PointsScheme.objects.filter(region__path__in=prefixes, is_active=True)
        .filter(Q(year__isnull=True) | Q(year=year))
        .order_by("pk", "rows__item")
        .values_list(
            "pk",
            "name",
            "region__path",
            "region__name",
            "year",
            "rows__item",
            "rows__weight",
            "rows__cap",
        )
    ):
        if region_path not in specific and (region_path not in found or scheme_year is not None):
            found[region_path] = (pk, name, region_name)
            if scheme_year is not None:
                specific.add(region_path)
        scheme_rows = rows.setdefault(pk, [])
        if item is not None:
            scheme_rows.append((item, weight, cap))
    result: dict[str, Scheme | None] = {}
    for path in paths:
        nearest = None
        for prefix in reversed(path_prefixes(path)):
            if prefix in found:
                nearest = found[prefix]
                break
        result[path] = (
            Scheme(nearest[0], nearest[1], nearest[2], tuple(rows[nearest[0]])) if nearest else None
        )
    return result


def _rows(schemes) -> dict[int, list]:
    rows: dict[int, list] = {s.pk: [] for s in schemes}
    for scheme_id, item, weight, cap in PointsRow.objects.filter(
        scheme_id__in=list(rows)
    ).values_list("scheme_id", "item", "weight", "cap"):
        rows[scheme_id].append((item, weight, cap))
    return rows


def scheme_of(row: PointsScheme) -> Scheme:
    """One stored scheme as the scorer reads it, whether active or a draft."""
    return Scheme(row.pk, row.name, row.region.name, tuple(_rows([row])[row.pk]))


@dataclass
class Score:
    scheme: Scheme
    points: Decimal


def score_for(deputy: Deputy, duty: DutyYear) -> Score | None:
    scheme = schemes_for([duty.region_path], duty.year)[duty.region_path]
    return Score(scheme, scheme.score(duty.totals)) if scheme else None


@dataclass
class RankRow:
    rank: int
    deputy: Deputy
    score: Score


def _ranked(
    deputies: QuerySet[Deputy], year: int, scheme_for: Callable[[dict[int, str]], dict]
) -> DeputyRows:
    """``deputies`` scored from one read of their counts, highest score first; equal scores
    share a rank (1, 2, 2, 4). ``scheme_for`` maps their region paths to the scheme each is
    scored under (None: not ranked). Only the page's deputies are read as rows."""
    names, paths = {}, {}
    for pk, name, path in with_region_path(deputies.order_by(), "pk", "name_pinyin"):
        names[pk] = name
        if path is not None:
            paths[pk] = path
    found = year_counts(deputies.values("pk"), year, paths=paths)
    schemes = scheme_for(found.paths)
    scored = []
    for pk, name in names.items():
        scheme = schemes.get(pk)
        if scheme is not None:
            scored.append((scheme.score(found.totals(pk)), name, pk, scheme))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    ranks: dict[int, tuple[int, Score]] = {}
    last, rank = None, 0
    for i, (points, _name, pk, scheme) in enumerate(scored, start=1):
        if points != last:
            rank, last = i, points
        ranks[pk] = (rank, Score(scheme, points))
    return DeputyRows([t[2] for t in scored], lambda d: RankRow(ranks[d.pk][0], d, ranks[d.pk][1]))


def ranking(deputies: QuerySet[Deputy], year: int) -> DeputyRows:
    """Deputies with a scheme (the nearest active one up their region's tree), highest score
    first; equal scores share a rank (1, 2, 2, 4). Five queries whatever the number of deputies:
    their names with their regions, quota rules, counts, the schemes, the page's deputies."""

    def nearest(paths: dict[int, str]) -> dict[int, Scheme | None]:
        schemes = schemes_for(set(paths.values()), year)
        return {pk: schemes[path] for pk, path in paths.items()}

    return _ranked(deputies, year, nearest)


def preview(row: PointsScheme, year: int, limit: int = 10) -> list[RankRow]:
    """The effect of one scheme (active or a draft): the region's active deputies grouped
    into a station there, scored under it for ``year``, the top ``limit`` first."""
    scheme = scheme_of(row)
    deputies = Deputy.objects.active().filter(
        pk__in=StationAssignment.objects.filter(
            is_primary=True,
            end_date__isnull=True,
            station__region__path__startswith=row.region.path,
        ).values("deputy_id")
    )
    return _ranked(deputies, year, lambda paths: dict.fromkeys(paths, scheme))[:limit]
