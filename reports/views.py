"""The clerk dashboard: overview, drill-down, league tables, overdue list, map, monthly report."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core import listexport
from core.replica import use_replica
from core.roles import roles_of
from core.views_helpers import paginate, require
from core.workdays import Calendar

from . import basemap, selectors
from .forms import OutlineForm, PeriodForm
from .rights import can_see_region_dashboards


@login_required
def home(request):
    """Send each role to its own landing page; someone with no role sees an explanation."""
    roles = roles_of(request.user)
    if roles.is_admin or roles.is_clerk:
        return redirect("reports:overview")
    if roles.staff_station_ids or roles.is_deputy or roles.is_handler:
        # What waits on them today (petitions/todo).
        return redirect("todo:home")
    if roles.is_liaison:
        return redirect("ties:grid_home")
    return render(request, "core/no_role.html", {"admin_url": reverse("admin:index")})


# ---------------------------------------------------------------------------------------------
# Helpers


def _period(request, *, with_region: bool = True):
    """(form, region, start, end) from the GET parameters; bad input keeps the defaults.

    The region comes with its ancestors known (the breadcrumb costs no query)."""
    picker = selectors.region_picker(request.user) if with_region else None
    form = PeriodForm(
        request.GET or None,
        regions=picker.choices if picker else None,
        with_region=with_region,
    )
    today = timezone.localdate()
    from .forms import DEFAULT_PERIOD, period_bounds

    # Clerks report "so far this year" (今年以来) unless they pick another period.
    start, end = period_bounds(DEFAULT_PERIOD, today)
    region = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        region = form.cleaned_data.get("region")
    if picker is not None and region is None:
        region = picker.defaults[0] if picker.defaults else None
    return form, region, start, end


def _period_query(request) -> str:
    """The period part of the current query string, carried on drill-down links."""
    keep = request.GET.copy()
    keep.pop("region", None)
    keep.pop("page", None)
    return keep.urlencode()


def _links(params: dict, start: dt.date, end: dt.date) -> dict:
    """Links from each figure to the petitions list filtered to the cases behind it."""
    base = {**params, "submitted_from": start.isoformat(), "submitted_to": end.isoformat()}
    # Reversed once per table row, not once per link (a drill-down table has ~100 links).
    path = selectors.cases_url()

    def url(**query) -> str:
        clean = {k: v for k, v in query.items() if v not in (None, "")}
        return f"{path}?{urlencode(clean)}" if path and clean else path

    return {
        "collected": url(**base),
        "accepted": url(**base, accepted="1"),
        "declined": url(**base, status="declined"),
        "merged": url(**base, status="merged"),
        "assigned": url(**base, assigned="1"),
        "replied": url(**base, replied="1"),
        "closed": url(**base, status="closed"),
        "unsatisfied": url(**base, satisfaction="unsatisfied"),
        "reopened": url(**base, reopened="1"),
        "overdue_now": url(**params, overdue="1"),
    }


def _with_links(rows: list[dict], start, end) -> list[dict]:
    for r in rows:
        r["links"] = _links(r["params"], start, end)
    return rows


def _add_up(figures, children: list[dict]) -> dict:
    """The sum row under a drill-down table and whether it matches the figures above."""
    labels = {
        "receptions": _("Receptions"),
        "collected": _("Collected"),
        "accepted": _("Accepted"),
        "closed": _("Closed"),
        "overdue_now": _("Overdue now"),
    }
    checks = selectors.add_up(figures, children)
    for c in checks:
        c["label"] = labels[c["name"]]
    return {
        "sums": {c["name"]: c["rows"] for c in checks},
        "differences": [c for c in checks if c["difference"]],
    }


FUNNEL_LABELS = {
    "collected": gettext_lazy("Submitted in the period"),
    "accepted": gettext_lazy("Accepted"),
    "assigned": gettext_lazy("Handed on or settled"),
    "replied": gettext_lazy("Replied"),
    "closed": gettext_lazy("Closed"),
}


def _funnel(cohort: list[dict]) -> list[dict]:
    return [{"name": str(FUNNEL_LABELS[c["stage"]]), "value": c["value"]} for c in cohort]


def _charts(data: dict, cohort: list[dict]) -> dict:
    return {
        "trend": data["trend"],
        "categories": [
            {"name": c["name"] or _("Uncategorised"), "value": c["collected"]}
            for c in data["categories"]
        ],
        "tiers": [
            {"name": t["name"] or _("Not triaged"), "value": t["collected"]} for t in data["tiers"]
        ],
        # A cohort (cases submitted in the period, by their state today): never widens.
        "funnel": _funnel(cohort),
        "labels": {
            "collected": _("Collected"),
            "replied": _("Replied"),
            "closed": _("Closed"),
        },
    }


def _region_context(request, region, start, end) -> tuple[dict, list[dict]]:
    """The figures of a region and of each child row (overview and drill-down)."""
    # Overdue counts and receptions per region path: read once for the totals and the
    # per-child table.
    overdue = selectors.overdue_by_path(timezone.localdate(), region)
    receptions = selectors.reception_sums(start, end, region=region)
    context = _scope_context(
        request,
        region=region,
        start=start,
        end=end,
        overdue=overdue,
        receptions=receptions,
    )
    children = selectors.children_figures(region, start, end, overdue, receptions)
    _with_links(children, start, end)
    context["add_up"] = _add_up(context["figures"], children)
    return context, children


def _scope_context(
    request, *, region=None, station=None, start, end, overdue=None, receptions=None
) -> dict:
    data = selectors.dashboard(
        start, end, region=region, station=station, overdue=overdue, receptions=receptions
    )
    params = {"station": station.pk} if station else {"region": region.pk}
    cohort = selectors.funnel(data["figures"])
    return {
        "data": data,
        "figures": data["figures"],
        "links": _links(params, start, end),
        "charts": _charts(data, cohort),
        "funnel": _funnel(cohort),
        "start": start,
        "end": end,
        "period_query": _period_query(request),
        # The monthly report opens on the last month that has ended.
        "report_month": selectors.last_finished_month(timezone.localdate()),
    }


# ---------------------------------------------------------------------------------------------
# Pages


@login_required
@require_GET
@use_replica
def overview(request):
    """The clerk's dashboard for one region and period."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, start, end = _period(request)
    if region is None:
        return render(request, "reports/no_region.html", {"form": form})
    context, children = _region_context(request, region, start, end)
    return render(
        request,
        "reports/overview.html",
        {
            **context,
            "form": form,
            "region": region,
            "children": children,
            "ancestors": region.ancestors(),
        },
    )


@login_required
@require_GET
@use_replica
def region(request, pk: int):
    """One region's figures and the same figures per child region (or station)."""
    region = selectors.region_or_404(request.user, pk)
    form, _r, start, end = _period(request, with_region=False)
    context, children = _region_context(request, region, start, end)
    # Which crumbs link: the dashboards_regions rule, checked on the rows already read.
    ancestors = [(a, selectors.may_open_region(request.user, a)) for a in region.ancestors()]
    return render(
        request,
        "reports/region.html",
        {**context, "form": form, "region": region, "children": children, "ancestors": ancestors},
    )


@login_required
@require_GET
@use_replica
def station(request, pk: int):
    """One station's figures (clerks of its area, administrators, and the station's staff)."""
    station = get_object_or_404(
        selectors.figure_stations(request.user).select_related("region"), pk=pk
    )
    form, _r, start, end = _period(request, with_region=False)
    context = _scope_context(request, station=station, start=start, end=end)
    region_link = selectors.dashboard_regions(request.user).filter(pk=station.region_id).exists()
    return render(
        request,
        "reports/station.html",
        {**context, "form": form, "station": station, "region_link": region_link},
    )


@login_required
@require_GET
@use_replica
def departments(request):
    """Department league table for the chosen region and period (rank, sortable columns)."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, start, end = _period(request)
    sort = request.GET.get("sort", "")
    rows = selectors.department_table(request.user, region, start, end, sort) if region else []
    for r in rows:
        r["links"] = {
            "assigned": selectors.cases_url(
                department=r["object"].pk,
                assigned_from=start.isoformat(),
                assigned_to=end.isoformat(),
            ),
            "overdue_now": selectors.cases_url(department=r["object"].pk, overdue="1"),
        }
    return render(
        request,
        "reports/departments.html",
        {
            "form": form,
            "region": region,
            "rows": rows,
            "start": start,
            "end": end,
            "sorts": _sort_links(request, selectors.DEPARTMENT_SORTS, sort or "-assigned"),
            "period_query": _period_query(request),
        },
    )


@login_required
@require_GET
@use_replica
def deputies(request):
    """Deputies of the region ranked by opinions collected (its own page: 100k at a province)."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, start, end = _period(request)
    sort = request.GET.get("sort", "")
    ranking = selectors.deputy_ranking(region, start, end, sort) if region else []
    page = paginate(request, ranking, 50)
    page.object_list = selectors.with_deputy_names(page.object_list)
    return render(
        request,
        "reports/deputies.html",
        {
            "form": form,
            "region": region,
            "page": page,
            "start": start,
            "end": end,
            "sorts": _sort_links(request, selectors.DEPUTY_SORTS, sort or "-collected"),
        },
    )


def _sort_links(request, keys, current: str) -> dict:
    """Per column: the query string sorting by it (descending first, then ascending) and the
    arrow shown on the current column."""
    out = {}
    for key in keys:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = key if current == f"-{key}" else f"-{key}"
        arrow = "↓" if current == f"-{key}" else "↑" if current == key else ""
        out[key] = {"query": query.urlencode(), "arrow": arrow}
    return out


@login_required
@require_GET
@use_replica
def stations_ranking(request):
    """Stations of the region ranked by opinions collected."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, start, end = _period(request)
    rows = _with_links(selectors.station_ranking(region, start, end), start, end) if region else []
    return render(
        request,
        "reports/stations_ranking.html",
        {
            "form": form,
            "region": region,
            "rows": rows,
            "start": start,
            "end": end,
            "period_query": _period_query(request),
        },
    )


def _overdue_columns(days_late) -> list[listexport.Column]:
    """The overdue list's columns on screen, then the case's content."""
    C = listexport.Column
    return [
        C(_("Case"), lambda p: p.title),
        C(_("Tracking code"), lambda p: p.display_code),
        C(_("Station"), lambda p: p.station.name),
        C(_("Department"), lambda p: p.lead_department.name if p.lead_department else ""),
        C(_("Deadline"), lambda p: p.deadline),
        C(_("Working days late"), days_late),
        C(_("Escalation"), lambda p: p.get_escalation_display()),
        C(_("Content"), lambda p: p.content),
    ]


@login_required
@require_GET
@use_replica
def overdue(request):
    """Open cases past their deadline, most days late first."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, _start, _end = _period(request)
    page = None
    if region is not None:
        cal = Calendar()
        today = timezone.localdate()
        if listexport.wanted(request):
            return listexport.export_list(
                request,
                name=_("Overdue cases"),
                columns=_overdue_columns(lambda p: cal.working_days_between(p.deadline, today)),
                rows=selectors.overdue_list(region),
                filters=[f"{_('Region')}: {region.name}"],
            )
        page = paginate(request, selectors.overdue_list(region), 50)
        for p in page.object_list:
            p.days_late = cal.working_days_between(p.deadline, today)
    return render(request, "reports/overdue.html", {"form": form, "region": region, "page": page})


@login_required
@require_GET
@use_replica
def station_map(request):
    """Stations as points coloured by activity, over the region outline when one is uploaded."""
    require(can_see_region_dashboards(roles_of(request.user)))
    form, region, start, end = _period(request)
    points, outline, source = [], None, ""
    if region is not None:
        stations = list(
            selectors.figure_stations(request.user)
            .filter(region__path__startswith=region.path)
            .select_related("region")
            .only("pk", "name", "latitude", "longitude", "region__path", "region__name")
        )
        points = selectors.map_points(stations, start, end)
        outline, source = basemap.base_map(region, stations)
    map_data = {
        "points": points,
        "outline": outline,
        "name": region.code if region else "",
        "label": _("Opinions collected"),
        "axes": {"x": _("Longitude"), "y": _("Latitude")},
        "legend": [_("Fewer opinions"), _("More opinions")],
        "drawn": source == basemap.DRAWN,
        "source": source,
    }
    return render(
        request,
        "reports/map.html",
        {
            "form": form,
            "region": region,
            "map_data": map_data,
            "count": len(points),
            "start": start,
            "end": end,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def map_upload(request):
    """A clerk uploads the outline (GeoJSON) of a region of their area for the offline map."""
    regions = selectors.dashboard_regions(request.user)
    require(can_see_region_dashboards(roles_of(request.user)))
    form = OutlineForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        basemap.outline_upload(actor=request.user, region=region, text=form.cleaned_data["geojson"])
        messages.success(request, _("The outline was saved."))
        return redirect(f"{reverse('reports:map')}?region={region.pk}")
    return render(request, "reports/map_upload.html", {"form": form})


@login_required
@require_GET
@use_replica
def monthly(request, pk: int, year: int, month: int):
    """A printable A4 monthly report for one region."""
    region = selectors.region_or_404(request.user, pk)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    # "Overdue" as it stood at the end of the month, not today's count: read once per station
    # and its region path, it stands in for today's overdue figures of the totals and the rows
    # (so today's are never read), and the receptions are read once for both too.
    overdue = selectors.overdue_at_month_end(end, region)
    by_path: dict[str, int] = defaultdict(int)
    by_station: dict[int, int] = defaultdict(int)
    for (station_pk, path), n in overdue.items():
        by_path[path] += n
        by_station[station_pk] += n
    receptions = selectors.reception_sums(start, end, region=region)
    data = selectors.dashboard(start, end, region=region, overdue=by_path, receptions=receptions)
    children = _with_links(
        selectors.children_figures(region, start, end, by_path, receptions), start, end
    )
    for row in children:
        if row["kind"] == "station":
            row["figures"].overdue_now = by_station.get(row["object"].pk, 0)
    return render(
        request,
        "reports/monthly.html",
        {
            "region": region,
            "figures": data["figures"],
            "charts": _charts(data, selectors.funnel(data["figures"])),
            "start": start,
            "end": end,
            "children": children,
            "data": data,
        },
    )
