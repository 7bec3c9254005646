"""Reads behind the clerk pages: figures from the rollups, lists from the petitions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.roles import roles_of
from petitions.choices import UNDER_DEADLINE, Satisfaction, Status, Tier
from petitions.models import Category, Petition
from stations.models import Department, Region, Station

from .models import PetitionDailyRollup, ReceptionDailyRollup
from .rollups import COUNTERS


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
    q = Q(pk__in=[])
    for p in roles.clerk_region_paths:
        q |= Q(path__startswith=p)
    return Region.objects.filter(q)


def figure_stations(user):
    """Stations whose figures a user may see: admins, clerks in their area, the station's staff."""
    roles = roles_of(user)
    if roles.is_admin:
        return Station.objects.all()
    q = Q(pk__in=[])
    for p in roles.clerk_region_paths:
        q |= Q(region__path__startswith=p)
    if roles.staff_station_ids:
        q |= Q(pk__in=roles.staff_station_ids) | Q(parent_id__in=roles.staff_station_ids)
    return Station.objects.filter(q)


def default_regions(user) -> list[Region]:
    """The regions offered in the region picker: a clerk's scopes, or the top regions for admins."""
    roles = roles_of(user)
    if roles.is_admin:
        return list(Region.objects.filter(parent__isnull=True)) + list(
            Region.objects.filter(parent__parent__isnull=True, parent__isnull=False)
        )
    return list(Region.objects.filter(path__in=roles.clerk_region_paths))


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figures:
    """The dashboard numbers for one scope and period."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    receptions: int = 0
    constituents: int = 0
    overdue_now: int | None = None

    def add(self, row: dict) -> None:
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


def _scope_filter(*, region: Region | None = None, station: Station | None = None) -> Q:
    if station is not None:
        return Q(station_id=station.pk)
    if region is not None:
        return Q(region_path__startswith=region.path)
    return Q()


def overdue_qs(today: dt.date, *, region: Region | None = None, station: Station | None = None):
    qs = Petition.objects.filter(status__in=list(UNDER_DEADLINE), deadline__lt=today)
    if station is not None:
        return qs.filter(station_id=station.pk)
    if region is not None:
        return qs.filter(station__region__path__startswith=region.path)
    return qs


def dashboard(
    start: dt.date, end: dt.date, *, region: Region | None = None, station: Station | None = None
) -> dict:
    """Totals, monthly trend, category and tier split for a scope: three queries."""
    scope = _scope_filter(region=region, station=station)
    rows = (
        PetitionDailyRollup.objects.filter(scope, day__range=(start, end))
        .annotate(y=ExtractYear("day"), m=ExtractMonth("day"))
        .values("y", "m", "category_id", "tier")
        .annotate(**SUMS)
        .order_by()
    )
    total = Figures()
    months: dict[tuple[int, int], Figures] = defaultdict(Figures)
    categories: dict[int | None, Figures] = defaultdict(Figures)
    tiers: dict[str, Figures] = defaultdict(Figures)
    for r in rows:
        total.add(r)
        months[(r["y"], r["m"])].add(r)
        categories[r["category_id"]].add(r)
        tiers[r["tier"]].add(r)
    rec = ReceptionDailyRollup.objects.filter(scope, day__range=(start, end)).aggregate(
        receptions=Sum("receptions"), constituents=Sum("constituents")
    )
    total.receptions = rec["receptions"] or 0
    total.constituents = rec["constituents"] or 0
    total.overdue_now = overdue_qs(timezone.localdate(), region=region, station=station).count()

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


def children_figures(region: Region, start: dt.date, end: dt.date) -> list[dict]:
    """The same figures per child region (or per station, for a region without child regions)."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    per: dict[object, Figures] = defaultdict(Figures)
    if children:
        by_prefix = {c.path: c for c in children}
        depth = region.path.count("/")
        rows = (
            PetitionDailyRollup.objects.filter(
                region_path__startswith=region.path, day__range=(start, end)
            )
            .values("region_path")
            .annotate(**SUMS)
            .order_by()
        )

        def child_of(path: str):
            prefix = "/".join(path.split("/")[: depth + 1]) + "/"
            return by_prefix.get(prefix)

        for r in rows:
            c = child_of(r["region_path"])
            if c is not None:
                per[c.pk].add(r)
        for r in (
            ReceptionDailyRollup.objects.filter(
                region_path__startswith=region.path, day__range=(start, end)
            )
            .values("region_path")
            .annotate(receptions=Sum("receptions"), constituents=Sum("constituents"))
            .order_by()
        ):
            c = child_of(r["region_path"])
            if c is not None:
                per[c.pk].receptions += r["receptions"] or 0
                per[c.pk].constituents += r["constituents"] or 0
        overdue = (
            overdue_qs(timezone.localdate(), region=region)
            .values("station__region__path")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in overdue:
            c = child_of(r["station__region__path"])
            if c is not None:
                per[c.pk].overdue_now = (per[c.pk].overdue_now or 0) + r["n"]
        return [
            {"kind": "region", "object": c, "figures": per[c.pk], "params": {"region": c.pk}}
            for c in children
        ]
    stations = list(Station.objects.filter(region__path__startswith=region.path).order_by("name"))
    return station_table(stations, start, end)


def station_table(stations: list[Station], start: dt.date, end: dt.date) -> list[dict]:
    """Figures for each of these stations (three queries whatever their number)."""
    ids = [s.pk for s in stations]
    per: dict[int, Figures] = defaultdict(Figures)
    for r in (
        PetitionDailyRollup.objects.filter(station_id__in=ids, day__range=(start, end))
        .values("station_id")
        .annotate(**SUMS)
        .order_by()
    ):
        per[r["station_id"]].add(r)
    for r in (
        ReceptionDailyRollup.objects.filter(station_id__in=ids, day__range=(start, end))
        .values("station_id")
        .annotate(receptions=Sum("receptions"), constituents=Sum("constituents"))
        .order_by()
    ):
        per[r["station_id"]].receptions = r["receptions"] or 0
        per[r["station_id"]].constituents = r["constituents"] or 0
    for r in (
        overdue_qs(timezone.localdate())
        .filter(station_id__in=ids)
        .values("station_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per[r["station_id"]].overdue_now = r["n"]
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


def deputy_ranking(region: Region, start: dt.date, end: dt.date, limit: int = 50) -> list[dict]:
    """Deputies ranked by opinions collected in the period and how many of them are closed."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=lo.tzinfo)
    return list(
        Petition.objects.filter(
            station__region__path__startswith=region.path,
            submitted_at__gte=lo,
            submitted_at__lt=hi,
            deputy__isnull=False,
        )
        .values("deputy_id", "deputy__name")
        .annotate(collected=Count("id"), closed=Count("id", filter=Q(status=Status.CLOSED)))
        .order_by("-collected", "-closed", "deputy_id")[:limit]
    )


def department_table(user, region: Region, start: dt.date, end: dt.date) -> list[dict]:
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
    stats = {
        r["lead_department_id"]: r
        for r in Petition.objects.filter(
            lead_department_id__in=ids, assigned_at__gte=lo, assigned_at__lt=hi
        )
        .values("lead_department_id")
        .annotate(
            assigned=Count("id"),
            replied=Count("id", filter=replied),
            on_time=Count("id", filter=replied & Q(replied_at__date__lte=F("deadline"))),
            span=Sum(
                ExpressionWrapper(F("replied_at") - F("assigned_at"), output_field=DurationField()),
                filter=replied,
            ),
            good=Count(
                "id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
            ),
            rated=Count("id", filter=~Q(satisfaction="")),
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
                "on_time_rate": Figures._rate(s.get("on_time", 0), n_replied),
                "overdue_now": overdue.get(d.pk, 0),
                "avg_reply_days": round(span.total_seconds() / n_replied / 86400, 1)
                if span and n_replied
                else None,
                "satisfaction_rate": Figures._rate(s.get("good", 0), s.get("rated", 0)),
            }
        )
    out.sort(key=lambda r: (-r["assigned"], r["object"].name))
    return out


def overdue_list(region: Region):
    """Overdue cases of a region, most days late first (the partial deadline index serves it).

    The region was fetched through ``dashboard_regions``, so its subtree is the user's scope.
    """
    return (
        overdue_qs(timezone.localdate(), region=region)
        .select_related("station", "lead_department")
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
        }
        for s in stations
        if s.latitude is not None and s.longitude is not None
    ]


def region_or_404(user, pk: int) -> Region:
    region = dashboard_regions(user).filter(pk=pk).first()
    if region is None:
        raise Http404
    return region
