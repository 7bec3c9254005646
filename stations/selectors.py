"""Reads for the registry pages: annotated lists, the station page, the region tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from .models import Department, Region, Station


def station_list(user) -> QuerySet[Station]:
    """Visible stations with their counts, in a constant number of queries per page."""
    # Scope through a subquery: visible_to may join assignments (deputies), which would
    # otherwise narrow the deputy count below to the viewer's own assignment.
    visible = Station.objects.visible_to(user).values("pk")
    return (
        Station.objects.filter(pk__in=visible)
        .select_related("region", "parent")
        .annotate(
            deputy_count=Count(
                "assignments", filter=Q(assignments__end_date__isnull=True), distinct=True
            ),
            staff_count=Count("staff_posts", distinct=True),
        )
        .order_by("region__code", "name")
    )


def public_submit_url(code: str) -> str | None:
    """The constituents' submission form for a station, once the petitions app provides it."""
    try:
        return reverse("public:station_submit", args=[code])
    except NoReverseMatch:
        return None


def _deputy_url(deputy) -> str | None:
    try:
        return deputy.get_absolute_url()
    except NoReverseMatch:
        return None


@dataclass
class DeputyRow:
    deputy: object
    is_primary: bool
    url: str | None


def current_deputies(station: Station, *, with_links: bool = True) -> list[DeputyRow]:
    """Deputies currently grouped into the station (one query)."""
    assignments = (
        station.assignments.filter(end_date__isnull=True, deputy__is_active=True)
        .select_related("deputy")
        .order_by("deputy__name_pinyin")
    )
    return [
        DeputyRow(a.deputy, a.is_primary, _deputy_url(a.deputy) if with_links else None)
        for a in assignments
    ]


def station_page(station: Station) -> dict:
    """Everything the station page shows besides the station itself."""
    return {
        "staff_posts": station.staff_posts.select_related("user").order_by(
            "post", "user__username"
        ),
        "deputies": current_deputies(station),
        "children": station.children.select_related("region").order_by("kind", "name"),
        "ancestors": station.region.ancestors(),
    }


@dataclass
class RegionRow:
    region: Region
    depth: int
    stations: int  # stations directly in the region
    subtree_stations: int  # stations in the region and everything below it


def region_rows(user, regions: list[Region]) -> list[RegionRow]:
    """Indented rows with station counts from a single aggregate query."""
    direct: dict[str, int] = {}
    subtree: dict[str, int] = {}
    counts = (
        Station.objects.filter(pk__in=Station.objects.visible_to(user).values("pk"))
        .values("region__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counts:
        path, n = row["region__path"], row["n"]
        direct[path] = direct.get(path, 0) + n
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:i]) + "/"
            subtree[prefix] = subtree.get(prefix, 0) + n
    top = min((r.path.count("/") for r in regions), default=0)
    return [
        RegionRow(
            region=r,
            depth=r.path.count("/") - top,
            stations=direct.get(r.path, 0),
            subtree_stations=subtree.get(r.path, 0),
        )
        for r in regions
    ]


def department_list(user) -> QuerySet[Department]:
    return (
        Department.objects.visible_to(user)
        .select_related("region")
        .annotate(handler_count=Count("handlers", distinct=True))
        .order_by("region__code", "name")
    )
