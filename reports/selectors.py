"""Reads behind the clerk pages: figures from the rollups, lists from the petitions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import add
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Rank
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.roles import roles_of
from deputies.models import Deputy
from petitions import selectors as petition_selectors
from petitions.choices import UNDER_DEADLINE, ReplyOutcome, Satisfaction, Status, Tier
from petitions.models import Category, Petition
from stations.models import Department, Region, Station
from stations.paths import in_region_paths, region_paths_q
from stations.scope import managed_q

from .models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
    StationOpenRollup,
)
from .rollups import AREA_DEPTH, COUNTERS, FUNNEL_STAGES, month_end


def cases_url(**params) -> str:
    """A link to the petitions list with these filters, or "" while that page does not exist."""
    try:
        base = reverse("petitions:list")
    except NoReverseMatch:
        return ""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(clean)}" if clean else base


# ---------------------------------------------------------------------------------------------
# Scope


def dashboard_regions(user):
    """Regions whose dashboards a user may open: admins all, clerks their areas' subtrees."""
    roles = roles_of(user)
    if roles.is_admin:
        return Region.objects.all()
    if not roles.is_clerk:
        return Region.objects.none()
    return Region.objects.filter(region_paths_q(roles.clerk_region_paths))


def may_open_region(user, region: Region) -> bool:
    """``dashboard_regions(user)`` holds ``region``: the same rule on a row already read."""
    roles = roles_of(user)
    return roles.is_admin or in_region_paths(region.path, roles.clerk_region_paths)


def child_regions(region: Region) -> list[Region]:
    """The region's child regions; its ancestors (``Region.ancestors``, the page's breadcrumb)
    are read in the same query unless already known."""
    known = "_ancestors" in region.__dict__
    q = Q(parent=region)
    if not known:
        q |= Q(code__in=[c for c in region.path.split("/") if c])
    rows = list(Region.objects.filter(q).order_by("code"))
    if not known:
        by_code = {r.code: r for r in rows}
        by_code[region.code] = region
        region._ancestors = [by_code[c] for c in region.path.split("/") if c in by_code]
    return [r for r in rows if r.parent_id == region.pk]


def figure_stations(user):
    """Stations whose figures a user may see: admins, clerks in their area, the station's staff."""
    roles = roles_of(user)
    if roles.is_admin:
        return Station.objects.all()
    q = region_paths_q(roles.clerk_region_paths, "region__path") | managed_q(user, "pk")
    return Station.objects.filter(q)


# The picker offers areas down to districts; streets and stations are reached by drilling down.
PICKER_LEVELS = ("province", "city", "district")


@dataclass
class Picker:
    """The regions of the period form's picker and the page's default region(s)."""

    choices: list[Region]
    defaults: list[Region]


def region_picker(user) -> Picker:
    """The picker's regions and the page's default regions, each with its ancestors known, in
    one query (they were three: the defaults with their ancestors, the choices, and the
    chosen region's breadcrumb).

    The choices are ``dashboard_regions(user)`` at the picker's levels. The defaults are a
    clerk's own scopes, or the top regions and those below them for administrators.
    """
    roles = roles_of(user)
    if roles.is_admin:
        choices = list(Region.objects.filter(level__in=PICKER_LEVELS).order_by("code"))
        _link_ancestors(choices)
        # The top regions and the ones below them (provinces and cities), as default_regions.
        top = {r.pk for r in choices if r.parent_id is None}
        defaults = [r for r in choices if r.pk in top] + [r for r in choices if r.parent_id in top]
        return Picker(choices, defaults)
    paths = roles.clerk_region_paths
    if not paths:
        return Picker([], [])
    codes = {c for p in paths for c in p.split("/") if c}
    found = list(
        Region.objects.filter(
            (region_paths_q(paths) & Q(level__in=PICKER_LEVELS)) | Q(code__in=codes)
        ).order_by("code")
    )
    _link_ancestors(found)
    by_path = {r.path: r for r in found}
    choices = [r for r in found if r.level in PICKER_LEVELS and in_region_paths(r.path, paths)]
    defaults = sorted((by_path[p] for p in paths if p in by_path), key=lambda r: r.code)
    return Picker(choices, defaults)


def _link_ancestors(regions: list[Region]) -> None:
    """Set each region's ancestors (``Region.ancestors``) from the others in the list."""
    by_code = {r.code: r for r in regions}
    for r in regions:
        chain = [by_code.get(c) for c in r.path.split("/") if c]
        if all(chain):
            r._ancestors = chain  # type: ignore[assignment]


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figures:
    """The dashboard numbers for one scope and period."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    receptions: int = 0
    constituents: int = 0
    overdue_now: int | None = None

    def add(self, row: Mapping[str, Any]) -> None:
        for k in COUNTERS:
            self.counts[k] += row.get(k) or 0

    def __getattr__(self, name: str):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    @staticmethod
    def _rate(num: int, den: int) -> float | None:
        return round(100 * num / den, 1) if den else None

    @property
    def rated(self) -> int:
        c = self.counts
        return c["satisfied"] + c["basic"] + c["unsatisfied"]

    @property
    def reply_rate(self):
        return self._rate(self.counts["replied"], self.counts["assigned"])

    @property
    def completion_rate(self):
        return self._rate(self.counts["closed"], self.counts["accepted"])

    @property
    def on_time_rate(self):
        return self._rate(self.counts["replied_on_time"], self.counts["replied"])

    @property
    def satisfaction_rate(self):
        c = self.counts
        return self._rate(c["satisfied"] + c["basic"], self.rated)

    @property
    def avg_reply_days(self):
        c = self.counts
        return round(c["reply_seconds"] / c["replied"] / 86400, 1) if c["replied"] else None

    def as_dict(self) -> dict:
        return {
            **self.counts,
            "receptions": self.receptions,
            "constituents": self.constituents,
            "overdue_now": self.overdue_now,
            "reply_rate": self.reply_rate,
            "completion_rate": self.completion_rate,
            "on_time_rate": self.on_time_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "avg_reply_days": self.avg_reply_days,
        }


SUMS = {k: Sum(k) for k in COUNTERS}


def overdue_qs(today: dt.date, *, region: Region | None = None, station: Station | None = None):
    qs = Petition.objects.overdue(today)
    if station is not None:
        return qs.filter(station_id=station.pk)
    if region is not None:
        return qs.filter(station__region__path__startswith=region.path)
    return qs


def _split(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list]:
    """The whole months inside start..end, and the day ranges left over at either end."""
    first = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    last = end if end == month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    if first > last:
        return None, [(start, end)]
    rest = []
    if start < first:
        rest.append((start, first - dt.timedelta(days=1)))
    if last < end:
        rest.append((last + dt.timedelta(days=1), end))
    return (first, last), rest


def _uses_months(region: Region | None, station: Station | None, below: int = 0) -> bool:
    """Whether the monthly rollup can answer for this scope (``below`` levels of detail under
    the region: 1 when the figures are split per child region)."""
    if station is not None:
        return False
    depth = region.path.count("/") - 1 if region is not None else 0
    return depth + below <= AREA_DEPTH


def _sum_sql(table: str, date_col: str, path_col: str, group: list[str], where: list[str]):
    cols = {"date": date_col, "path": path_col, "category_id": "category_id", "tier": "tier"}
    keys = [cols[g] for g in group]
    sums = ", ".join(f"SUM({k})" for k in COUNTERS)
    return (
        f"SELECT {', '.join([*keys, sums])} FROM {table} WHERE {' AND '.join(where)}"
        f" GROUP BY {', '.join(keys)}"
    )


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def petition_sums(
    start: dt.date,
    end: dt.date,
    group: list[str],
    *,
    region: Region | None = None,
    station: Station | None = None,
    children: list[Region] | None = None,
) -> list[dict]:
    """Counter sums over start..end grouped by ``group`` (y, m, category_id, tier, path).

    Areas down to districts read whole months from the monthly rollup and only the odd days at
    either end of the period from the daily one; ``path`` is the area path for the months and
    the region path for the days (both start with the child region's path). Plain SQL: this is
    the hottest read of the dashboard, and building the ORM query cost more than running it.
    """
    months, days = (None, [(start, end)])
    if _uses_months(region, station, below=int("path" in group)):
        months, days = _split(start, end)
    by_date = "y" in group or "m" in group
    sql_group = (["date"] if by_date else []) + [g for g in group if g not in ("y", "m")]
    out: list[dict] = []

    def run(sql: str, params: list) -> None:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            for row in cur.fetchall():
                r = dict(zip(sql_group, row[: len(sql_group)], strict=True))
                r.update(zip(COUNTERS, row[len(sql_group) :], strict=True))
                if by_date:
                    day = _as_date(r.pop("date"))
                    r["y"], r["m"] = day.year, day.month
                out.append(r)

    if months is not None:
        # Whole-subtree rows: the region's own (or, split per child, its children's) few rows.
        if region is None:
            paths = [r.path for r in Region.objects.filter(parent__isnull=True)]
        elif "path" in group:
            kids = children if children is not None else Region.objects.filter(parent=region)
            paths = [r.path for r in kids]
        else:
            paths = [region.path]
        if paths:
            where = [
                f"area_path IN ({', '.join(['%s'] * len(paths))})",
                "whole = %s",
                "month BETWEEN %s AND %s",
            ]
            table = PetitionMonthlyRollup._meta.db_table
            run(_sum_sql(table, "month", "area_path", sql_group, where), [*paths, True, *months])
    if days:
        where = []
        params: list[Any] = []
        if station is not None:
            where.append("station_id = %s")
            params.append(station.pk)
        elif region is not None:
            where.append("region_path LIKE %s")  # region paths are codes and slashes only
            params.append(region.path + "%")
        where.append("(" + " OR ".join(["day BETWEEN %s AND %s"] * len(days)) + ")")
        params += [d for span in days for d in span]
        table = PetitionDailyRollup._meta.db_table
        run(_sum_sql(table, "day", "region_path", sql_group, where), params)
    return out


OVERDUE_SQL = """
SELECT o.region_path, SUM(GREATEST(o.open_cases - COALESCE(d.n, 0), 0))
FROM {open} o LEFT JOIN (
    SELECT station_id, COUNT(*) AS n FROM {petition}
    WHERE status IN ({marks}) AND (deadline >= %s OR deadline IS NULL)
    GROUP BY station_id
) d ON d.station_id = o.station_id
WHERE o.region_path LIKE %s
GROUP BY o.region_path
"""


def overdue_by_path(today: dt.date, region: Region | None = None) -> dict[str, int]:
    """Open cases past their deadline per station region path, without counting every open case.

    Overdue = open under a deadline (a per-station rollup) − open and not yet due (few rows,
    read through the partial deadline index), per station, summed per region path.
    """
    statuses = list(UNDER_DEADLINE)
    sql = OVERDUE_SQL.format(
        open=StationOpenRollup._meta.db_table,
        petition=Petition._meta.db_table,
        marks=", ".join(["%s"] * len(statuses)),
    )
    if connection.vendor != "postgresql":
        sql = sql.replace("GREATEST", "MAX")  # SQLite's two-argument MAX is the same thing
    prefix = (region.path if region is not None else "") + "%"
    with connection.cursor() as cur:
        cur.execute(sql, [*statuses, today, prefix])
        return {path: int(n or 0) for path, n in cur.fetchall()}


def reception_sums(
    start: dt.date,
    end: dt.date,
    *,
    region: Region | None = None,
    station: Station | None = None,
    by_path: bool = True,
) -> list[tuple]:
    """(region path or None, receptions, constituents) over start..end (plain SQL, as above)."""
    where = ["day BETWEEN %s AND %s"]
    params: list[Any] = [start, end]
    if station is not None:
        where.append("station_id = %s")
        params.append(station.pk)
    elif region is not None:
        where.append("region_path LIKE %s")
        params.append(region.path + "%")
    key = "region_path" if by_path else "NULL"
    sql = (
        f"SELECT {key}, SUM(receptions), SUM(constituents) FROM "
        f"{ReceptionDailyRollup._meta.db_table} WHERE {' AND '.join(where)}"
        + (" GROUP BY region_path" if by_path else "")
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def dashboard(
    start: dt.date,
    end: dt.date,
    *,
    region: Region | None = None,
    station: Station | None = None,
    overdue: dict[str, int] | None = None,
    receptions: list[tuple] | None = None,
) -> dict:
    """Totals, monthly trend, category and tier split for a scope: four or five queries.

    ``overdue`` and ``receptions`` (``reception_sums`` per path) are the region's, when the
    caller already read them for the per-child table.
    """
    rows = petition_sums(
        start, end, ["y", "m", "category_id", "tier"], region=region, station=station
    )
    # Summed as lists with map(add) (C speed): a province year is a few hundred rows × 4 sums.
    zero = [0] * len(COUNTERS)
    acc_total = zero
    acc_months: dict[tuple[int, int], list] = {}
    acc_categories: dict[int | None, list] = {}
    acc_tiers: dict[str, list] = {}
    for r in rows:
        vals = [int(r[k] or 0) for k in COUNTERS]
        acc_total = list(map(add, acc_total, vals))
        accs: tuple[tuple[dict[Any, list], Any], ...] = (
            (acc_months, (r["y"], r["m"])),
            (acc_categories, r["category_id"]),
            (acc_tiers, r["tier"]),
        )
        for acc, key in accs:
            acc[key] = list(map(add, acc.get(key, zero), vals))

    def figures(values: list) -> Figures:
        return Figures(counts=dict(zip(COUNTERS, values, strict=True)))

    total = figures(acc_total)
    months = {k: figures(v) for k, v in acc_months.items()}
    categories = {k: figures(v) for k, v in acc_categories.items()}
    tiers = {k: figures(v) for k, v in acc_tiers.items()}
    if receptions is None:
        receptions = reception_sums(start, end, region=region, station=station, by_path=False)
    total.receptions = sum(int(n or 0) for _path, n, _c in receptions)
    total.constituents = sum(int(c or 0) for _path, _n, c in receptions)
    today = timezone.localdate()
    if station is None:
        if overdue is None:
            overdue = overdue_by_path(today, region)
        total.overdue_now = sum(overdue.values())
    else:
        total.overdue_now = overdue_qs(today, station=station).count()

    names = dict(
        (c.pk, str(c)) for c in Category.objects.filter(pk__in=[k for k in categories if k])
    )
    trend = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        f = months.get((y, m), Figures())
        trend.append(
            {
                "month": f"{y}-{m:02d}",
                "collected": f.collected,
                "closed": f.closed,
                "replied": f.replied,
            }
        )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    category_rows = sorted(
        (
            {
                "id": k,
                "name": names.get(k, "") if k else "",
                "collected": f.collected,
                "closed": f.closed,
            }
            for k, f in categories.items()
        ),
        key=lambda r: -r["collected"],
    )
    tier_labels = dict(Tier.choices)
    tier_rows = [
        {"tier": k, "name": str(tier_labels.get(k, "")), "collected": f.collected}
        for k, f in sorted(tiers.items())
    ]
    return {"figures": total, "trend": trend, "categories": category_rows, "tiers": tier_rows}


def children_figures(
    region: Region,
    start: dt.date,
    end: dt.date,
    overdue: dict[str, int] | None = None,
    receptions: list[tuple] | None = None,
) -> list[dict]:
    """The same figures per child region (or per station, for a region without child regions).

    ``overdue`` is ``overdue_by_path(today, region)`` and ``receptions`` is
    ``reception_sums(start, end, region=region)`` when the caller already has them.
    """
    children = child_regions(region)
    per: dict[object, Figures] = defaultdict(Figures)
    if children:
        by_prefix = {c.path: c for c in children}
        depth = region.path.count("/")
        rows = petition_sums(start, end, ["path"], region=region, children=children)

        def child_of(path: str):
            prefix = "/".join(path.split("/")[: depth + 1]) + "/"
            return by_prefix.get(prefix)

        for r in rows:
            c = child_of(r["path"])
            if c is not None:
                per[c.pk].add(r)
        if receptions is None:
            receptions = reception_sums(start, end, region=region)
        for path, n, constituents in receptions:
            r = {"receptions": n, "constituents": constituents}
            c = child_of(path)
            if c is not None:
                per[c.pk].receptions += r["receptions"] or 0
                per[c.pk].constituents += r["constituents"] or 0
        if overdue is None:
            overdue = overdue_by_path(timezone.localdate(), region)
        for path, n in overdue.items():
            c = child_of(path)
            if c is not None and n > 0:
                per[c.pk].overdue_now = (per[c.pk].overdue_now or 0) + n
        # Stations placed on this region itself (a district's own station beside its streets)
        # are rows too: without them the rows would not add up to the region.
        direct = list(Station.objects.filter(region=region).order_by("name"))
        return [
            {"kind": "region", "object": c, "figures": per[c.pk], "params": {"region": c.pk}}
            for c in children
        ] + (station_table(direct, start, end) if direct else [])
    stations = list(Station.objects.filter(region__path__startswith=region.path).order_by("name"))
    return station_table(stations, start, end)


# Figures that are plain counts, so the rows of a drill-down table must sum to the parent.
ADDITIVE = ("receptions", "collected", "accepted", "closed", "overdue_now")


def add_up(parent: Figures, rows: list[dict]) -> list[dict]:
    """Each additive figure: the parent's value, the sum of its rows and the difference.

    Rates are not summed (a rate of a sum is not a sum of rates). A difference arises when a
    station moved to another area: its earlier cases stay counted where they were recorded
    (the daily rollup keeps the area of the day), while the row of the station counts them all.
    """
    out = []
    for name in ADDITIVE:
        whole = getattr(parent, name) or 0
        summed = sum(getattr(r["figures"], name) or 0 for r in rows)
        out.append({"name": name, "parent": whole, "rows": summed, "difference": whole - summed})
    return out


def station_table(stations: list[Station], start: dt.date, end: dt.date) -> list[dict]:
    """Figures for each of these stations in one query whatever their number: the case
    counters, the receptions and the overdue cases, each grouped per station, in a UNION
    (three queries before; a district's own stations under its streets paid all three)."""
    ids = [s.pk for s in stations]
    per: dict[int, Figures] = defaultdict(Figures)
    zero = Value(0, output_field=IntegerField())
    columns = (*COUNTERS, "n_receptions", "n_constituents", "n_overdue")

    def branch(qs, kind: str, **sums):
        # Every branch has the same columns in the same order; the ones it does not count are 0.
        cols = {k: sums.get(k, zero) for k in columns}
        return (
            qs.filter(station_id__in=ids)
            .order_by()
            .values("station_id")
            .annotate(kind=Value(kind, output_field=CharField()), **cols)
        )

    rows = branch(
        PetitionDailyRollup.objects.filter(day__range=(start, end)), "cases", **SUMS
    ).union(
        branch(
            ReceptionDailyRollup.objects.filter(day__range=(start, end)),
            "receptions",
            n_receptions=Sum("receptions"),
            n_constituents=Sum("constituents"),
        ),
        branch(overdue_qs(timezone.localdate()), "overdue", n_overdue=Count("id")),
        all=True,
    )
    for r in rows:
        f = per[r["station_id"]]
        if r["kind"] == "cases":
            f.add(r)
        elif r["kind"] == "receptions":
            f.receptions = r["n_receptions"] or 0
            f.constituents = r["n_constituents"] or 0
        else:
            f.overdue_now = r["n_overdue"]
    return [
        {"kind": "station", "object": s, "figures": per[s.pk], "params": {"station": s.pk}}
        for s in stations
    ]


def station_ranking(region: Region, start: dt.date, end: dt.date, limit: int = 100) -> list[dict]:
    """Stations of a region ranked by opinions collected in the period (two queries)."""
    rows = list(
        PetitionDailyRollup.objects.filter(
            region_path__startswith=region.path, day__range=(start, end)
        )
        .values("station_id")
        .annotate(**SUMS)
        .order_by("-collected", "station_id")[:limit]
    )
    stations = Station.objects.select_related("region").in_bulk([r["station_id"] for r in rows])
    out = []
    for r in rows:
        f = Figures()
        f.add(r)
        out.append(
            {
                "object": stations[r["station_id"]],
                "figures": f,
                "params": {"station": r["station_id"]},
            }
        )
    return out


DEPUTY_SORTS = ("collected", "closed", "closed_rate")


def deputy_ranking(region: Region, start: dt.date, end: dt.date, sort: str = "-collected"):
    """Deputies ranked by opinions collected in the period and how many of them are closed.

    ONE grouped aggregate over the period's cases of the region (its stations as a subquery,
    not a join to every region row), ranked in SQL (``RANK()``, ties share a rank) and sorted
    there, so a page of 50 reads 50 rows whatever the province's 100k deputies. Names are added
    for the page's rows only (``with_deputy_names``).
    """
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=lo.tzinfo)
    key, descending = _sort_key(sort, DEPUTY_SORTS, "-collected")
    closed = Count("id", filter=Q(status=Status.CLOSED))
    rate = ExpressionWrapper(closed * 1000 / Count("id"), output_field=IntegerField())
    order = F(key).desc() if descending else F(key).asc()
    return (
        Petition.objects.filter(
            station_id__in=Station.objects.filter(region__path__startswith=region.path).values(
                "pk"
            ),
            submitted_at__gte=lo,
            submitted_at__lt=hi,
            deputy__isnull=False,
        )
        .values("deputy_id")
        .annotate(collected=Count("id"), closed=closed, closed_rate=rate)
        .annotate(rank=Window(Rank(), order_by=order))
        .order_by(order, "deputy_id")
    )


def with_deputy_names(rows) -> list[dict]:
    """The deputies' names for one page of ``deputy_ranking`` (one query)."""
    rows = [dict(r) for r in rows]
    names = dict(
        Deputy.objects.filter(pk__in=[r["deputy_id"] for r in rows]).values_list("pk", "name")
    )
    for r in rows:
        r["deputy__name"] = names.get(r["deputy_id"], "")
        r["closed_rate"] = r["closed_rate"] / 10 if r["closed_rate"] is not None else None
    return rows


def _sort_key(sort: str, allowed, default: str) -> tuple[str, bool]:
    """("assigned", True) for "-assigned"; an unknown key falls back to ``default``."""
    sort = sort or default
    key = sort.lstrip("-")
    if key not in allowed:
        return _sort_key(default, allowed, default)
    return key, sort.startswith("-")


def rank_rows(rows: list[dict], sort: str, allowed, default: str) -> list[dict]:
    """Sort by one column (``-`` for descending; empty values last either way) and number the
    rows: equal values share a rank (1, 2, 2, 4)."""
    key, descending = _sort_key(sort, allowed, default)
    filled = [r for r in rows if r[key] is not None]
    empty = [r for r in rows if r[key] is None]
    filled.sort(key=lambda r: str(r["object"].name))
    filled.sort(key=lambda r: r[key], reverse=descending)
    previous, rank = object(), 0
    for i, r in enumerate(filled, start=1):
        if r[key] != previous:
            rank, previous = i, r[key]
        r["rank"] = rank
    for r in empty:
        r["rank"] = None
    return filled + sorted(empty, key=lambda r: str(r["object"].name))


DEPARTMENT_SORTS = (
    "assigned",
    "replied",
    "on_time",
    "on_time_rate",
    "overdue_now",
    "avg_reply_days",
    "satisfaction_rate",
)


def department_table(
    user, region: Region, start: dt.date, end: dt.date, sort: str = "-assigned"
) -> list[dict]:
    """Per department in the region: cases assigned in the period and how they were handled."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=lo.tzinfo)
    departments = list(
        Department.objects.visible_to(user)
        .filter(region__path__startswith=region.path)
        .select_related("region")
        .order_by("region__code", "name")
    )
    ids = [d.pk for d in departments]
    today = timezone.localdate()
    replied = Q(replied_at__isnull=False)
    stats: dict[int, Mapping[str, Any]] = {
        r["lead_department_id"]: r
        for r in Petition.objects.filter(
            lead_department_id__in=ids, assigned_at__gte=lo, assigned_at__lt=hi
        )
        .values("lead_department_id")
        .annotate(
            assigned=Count("id"),
            replied=Count("id", filter=replied),
            on_time=Count("id", filter=replied & Q(replied_at__date__lte=F("deadline"))),
            # Assigned in the period, still open and past the deadline: late already, so they
            # count against the on-time rate as the overdue column counts them.
            late_open=Count("id", filter=Q(status__in=UNDER_DEADLINE, deadline__lt=today)),
            span=Sum(
                ExpressionWrapper(F("replied_at") - F("assigned_at"), output_field=DurationField()),
                filter=replied,
            ),
            good=Count(
                "id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
            ),
            rated=Count("id", filter=~Q(satisfaction="")),
            # Ratings staff recorded by phone or visit, counted apart from those given online.
            rated_by_staff=Count("id", filter=petition_selectors.closed_on_staff_rating()),
        )
        .order_by()
    }
    overdue = dict(
        overdue_qs(today)
        .filter(lead_department_id__in=ids)
        .values("lead_department_id")
        .annotate(n=Count("id"))
        .values_list("lead_department_id", "n")
        .order_by()
    )
    # What the replies achieved (solved, partly, explained, planned), from the reply form.
    outcomes = petition_selectors.reply_outcomes(ids, lo, hi)
    out = []
    for d in departments:
        s = stats.get(d.pk, {})
        n_replied = s.get("replied", 0)
        span = s.get("span")
        out.append(
            {
                "object": d,
                "assigned": s.get("assigned", 0),
                "replied": n_replied,
                "on_time": s.get("on_time", 0),
                # Replied on time ÷ cases whose deadline has come (replied, or open and late).
                "on_time_rate": Figures._rate(
                    s.get("on_time", 0), n_replied + s.get("late_open", 0)
                ),
                "overdue_now": overdue.get(d.pk, 0),
                "avg_reply_days": round(span.total_seconds() / n_replied / 86400, 1)
                if span and n_replied
                else None,
                "satisfaction_rate": Figures._rate(s.get("good", 0), s.get("rated", 0)),
                "rated_by_staff": s.get("rated_by_staff", 0),
                "outcomes": [
                    (label, outcomes.get(d.pk, {}).get(value, 0))
                    for value, label in ReplyOutcome.choices
                ],
            }
        )
    return rank_rows(out, sort, DEPARTMENT_SORTS, "-assigned")


def overdue_list(region: Region):
    """Overdue cases of a region, most days late first (the partial deadline index serves it).

    The region was fetched through ``dashboard_regions``, so its subtree is the user's scope.
    """
    return (
        overdue_qs(timezone.localdate(), region=region)
        .select_related("station", "lead_department", "supervision")
        .order_by("deadline", "pk")
    )


def map_points(stations: list[Station], start: dt.date, end: dt.date) -> list[dict]:
    """Stations with coordinates and their petitions collected in the period."""
    ids = [s.pk for s in stations]
    activity = dict(
        PetitionDailyRollup.objects.filter(station_id__in=ids, day__range=(start, end))
        .values("station_id")
        .annotate(n=Sum("collected"))
        .values_list("station_id", "n")
        .order_by()
    )
    return [
        {
            "name": s.name,
            "value": [float(s.longitude), float(s.latitude), activity.get(s.pk, 0)],
            "id": s.pk,
            # A click on the marker opens the station's figures.
            "url": reverse("reports:station", args=[s.pk]),
        }
        for s in stations
        if s.latitude is not None and s.longitude is not None
    ]


def region_or_404(user, pk: int) -> Region:
    region = dashboard_regions(user).filter(pk=pk).first()
    if region is None:
        raise Http404
    return region


def funnel(figures: Figures) -> list[dict]:
    """The status funnel of a scope's period figures: the cases submitted in the period by the
    stage they have reached today (``rollups.FUNNEL_STAGES``; no query of its own)."""
    return [
        {"stage": stage, "value": figures.counts[counter]} for stage, counter, _s in FUNNEL_STAGES
    ]


def last_finished_month(today: dt.date) -> dt.date:
    """The first day of the last month that has ended (the monthly report's default)."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def overdue_at_month_end(month_last_day: dt.date, region: Region) -> dict[tuple[int, str], int]:
    """Overdue cases per (station, station's region path) as they stood at the end of that
    month (not today), in one query: the report sums them per station and per child region.

    A case counts if, at midnight after the month's last day, it was assigned or being handled
    (its latest status change before then) and its deadline had passed. A case replied in the
    following month still counts; one that became overdue only after the month does not. The
    deadline read is the case's current one (an extension granted later moves it).
    """
    from petitions.models import PetitionEvent

    cutoff_day = month_last_day + dt.timedelta(days=1)
    cutoff = timezone.make_aware(dt.datetime.combine(cutoff_day, dt.time.min))
    status_then = (
        PetitionEvent.objects.filter(petition=OuterRef("pk"), created_at__lt=cutoff)
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
        .values("to_status")[:1]
    )
    rows = (
        Petition.objects.filter(
            station__region__path__startswith=region.path,
            submitted_at__lt=cutoff,
            deadline__lt=cutoff_day,
        )
        .annotate(status_then=Subquery(status_then))
        .filter(status_then__in=UNDER_DEADLINE)
        .values("station_id", "station__region__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["station_id"], r["station__region__path"]): r["n"] for r in rows}


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (Andrew's monotone chain), counter-clockwise, closed."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


# Margin (degrees, about 1 km) drawn around a child region's stations.
OUTLINE_MARGIN = 0.01


def drawn_outline(region: Region, stations: list[Station]) -> dict | None:
    """A base map drawn offline from the region data when no outline was uploaded.

    Each child region (or the region itself, for a street) becomes one area: the hull of its
    stations' positions with a small margin. It is a sketch, not a survey boundary, but it
    puts the stations of each area together on the page without any map service.
    """
    children = {c.path: c for c in Region.objects.filter(parent=region)}
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    names: dict[str, str] = {}
    for s in stations:
        if s.latitude is None or s.longitude is None:
            continue
        path = s.region.path
        key = next((p for p in children if path.startswith(p)), region.path)
        names[key] = children[key].name if key in children else region.name
        lon, lat, m = float(s.longitude), float(s.latitude), OUTLINE_MARGIN
        groups[key] += [
            (lon - m, lat - m),
            (lon + m, lat - m),
            (lon + m, lat + m),
            (lon - m, lat + m),
        ]
    features = []
    for key, points in sorted(groups.items()):
        ring = _hull(points)
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": names[key]},
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
            }
        )
    return {"type": "FeatureCollection", "features": features} if features else None
