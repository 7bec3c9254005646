"""Pages of the duty app (thin: form → service → message → redirect).

The activity page offers exactly the actions of ``loop.REGISTRY`` the user may take now; one
POST view runs any of them through the form named on its row.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import listexport
from core.errors import DomainError
from core.roles import roles_of
from core.views_helpers import (
    add_service_error,
    form_status,
    paginate,
    require,
    run_action,
    save_form,
    saved,
)
from deputies.models import Deputy, StationAssignment
from stations.models import Region, Station

from . import assessment, openness, points, rights, schemes, selectors
from . import quotas as quota_rules
from .choices import ActivityStatus
from .forms import (
    ActivityForm,
    AssessmentForm,
    PlanItemForm,
    QuotaForm,
    RuleForm,
    SchemeForm,
    StationFilterForm,
    YearForm,
)
from .items import BY_CODE, ITEMS
from .loop import REGISTRY
from .models import (
    Activity,
    ActivityFile,
    AssessmentPhoto,
    PlanItem,
    PointsScheme,
    StationAssessment,
    StationRule,
)

PAGE_SIZE = 25


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("deputy", "station", "decided_by"),
        pk=pk,
    )


# "Export this list": the columns on screen, then what the deputy wrote and why it came back.
ACTIVITY_COLUMNS = [
    listexport.Column(_lazy("Date"), lambda a: a.date),
    listexport.Column(_lazy("Title"), lambda a: a.title),
    listexport.Column(_lazy("Kind"), lambda a: a.get_kind_display()),
    listexport.Column(_lazy("Deputy"), lambda a: a.deputy.name),
    listexport.Column(_lazy("Station"), lambda a: a.station.name if a.station else ""),
    listexport.Column(_lazy("Status"), lambda a: a.get_status_display()),
    listexport.Column(_lazy("What was done"), lambda a: a.body),
    listexport.Column(_lazy("Reason for returning"), lambda a: a.return_reason),
]


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """A deputy's own activities; for station staff the queue of their stations."""
    roles = roles_of(request.user)
    require(roles.is_deputy or rights.may_review(request.user) or roles.is_clerk)
    status = request.GET.get("status", "")
    if status not in ActivityStatus.values:
        status = ""
    qs = Activity.objects.visible_to(request.user).select_related("deputy", "station")
    if status:
        qs = qs.filter(status=status)
    if listexport.wanted(request):
        shown = [f"{_('Status')}: {ActivityStatus(status).label}"] if status else []
        return listexport.export_list(
            request,
            name=_("Self-reported activities"),
            columns=ACTIVITY_COLUMNS,
            rows=qs,
            filters=shown,
        )
    return render(
        request,
        "duty/activity_list.html",
        {
            "page": paginate(request, qs, PAGE_SIZE),
            "status": status,
            "statuses": ActivityStatus.choices,
            "can_file": rights.may_file(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    require(rights.may_file(request.user))
    form = ActivityForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = form.save()
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Filed: your station will review it."))
            return redirect(activity)
    return render(request, "duty/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputy corrects a returned activity and submits it again."""
    activity = _activity(request, pk)
    action = REGISTRY["resubmit"]
    require(action.allowed_for(request.user, activity))
    if not action.starts_from(activity.status):
        messages.error(request, _("Only a returned activity can be edited."))
        return redirect(activity)
    form = ActivityForm(
        request.POST or None, request.FILES or None, actor=request.user, activity=activity
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Submitted again: your station will review it."))
            return redirect(activity)
    return render(request, "duty/activity_form.html", {"form": form, "activity": activity})


def _action_forms(request, activity, invalid=None):
    found = []
    for action in REGISTRY.available(request.user, activity):
        if not action.form:
            found.append((action, None))
            continue
        if invalid and invalid[0] == action.name:
            found.append((action, invalid[1]))
        else:
            form_class = import_string(action.form)
            found.append((action, form_class(activity=activity, actor=request.user)))
    return found


def _render_activity(request, activity, invalid=None, status=200):
    return render(
        request,
        "duty/activity_detail.html",
        {
            "a": activity,
            "files": list(activity.files.all()),
            "actions": _action_forms(request, activity, invalid),
            "can_unpublish": activity.is_published
            and REGISTRY["approve"].allowed_for(request.user, activity),
        },
        status=status,
    )


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_activity(request, _activity(request, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one registry action (core.views_helpers.run_action), then back to the page."""
    activity = _activity(request, pk)
    return run_action(
        request,
        activity,
        REGISTRY,
        action,
        lambda form: _render_activity(
            request, _activity(request, pk), invalid=(action, form), status=400
        ),
        form_kwargs={"activity": activity, "actor": request.user},
    )


@login_required
@require_POST
def activity_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    from . import services

    activity = _activity(request, pk)
    require(REGISTRY["approve"].allowed_for(request.user, activity))
    services.activity_unpublish(actor=request.user, activity=activity)
    messages.success(request, _("The story is no longer on the public page."))
    return redirect(activity)


def _serve(item: ActivityFile | AssessmentPhoto) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(item.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence only for those who may see the activity (never a public media URL)."""
    return _serve(
        get_object_or_404(
            ActivityFile.objects.filter(activity__in=Activity.objects.visible_to(request.user)),
            pk=pk,
        )
    )


# --- The deputy's "八个一" year and the "who is behind" list -----------------------------------


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


@login_required
@require_GET
def my_year(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(roles.is_deputy)
    return redirect("duty:year", pk=roles.deputy_id)


@login_required
@require_GET
def deputy_year(request: HttpRequest, pk: int) -> HttpResponse:
    """Each item per month or year: count, quota (the deputy's own region's), evidence."""
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    year = _year(request)
    duty = selectors.duty_year(deputy, year)
    return render(
        request,
        "duty/year.html",
        {
            "deputy": deputy,
            "year": year,
            "duty": duty,
            "months": range(1, 13),
            "score": points.score_for(deputy, duty),
        },
    )


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int, item: str) -> HttpResponse:
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    if item not in BY_CODE:
        raise Http404
    year = _year(request)
    month = request.GET.get("month", "")
    month_number = int(month) if month.isdigit() and 1 <= int(month) <= 12 else None
    return render(
        request,
        "duty/evidence.html",
        {
            "deputy": deputy,
            "item": BY_CODE[item],
            "year": year,
            "month": month_number,
            "facts": BY_CODE[item].facts(deputy.pk, year, month_number),
        },
    )


@login_required
@require_GET
def behind(request: HttpRequest) -> HttpResponse:
    """Deputies of the user's stations or region who missed a due month or year of an item
    (the one "who is behind" list; the ledgers' old list redirects here), optionally of one
    station."""
    require(rights.may_see_region_lists(request.user))
    year = _year(request)
    form = StationFilterForm(request.user, request.GET)
    station = form.chosen
    deputies = Deputy.objects.visible_to(request.user).active()
    if station is not None:
        deputies = deputies.filter(
            pk__in=StationAssignment.objects.filter(station=station, end_date__isnull=True).values(
                "deputy_id"
            )
        )
    rows = selectors.behind(deputies, year)
    return render(
        request,
        "duty/behind.html",
        {
            "year": year,
            "form": form,
            "station": station,
            "page": paginate(request, rows, 50),
        },
    )


@login_required
@require_GET
def points_ranking(request: HttpRequest) -> HttpResponse:
    """The yearly points ranking of the deputies in the clerk's region (or staff's stations)."""
    require(rights.may_see_region_lists(request.user))
    year = _year(request)
    rows = points.ranking(Deputy.objects.visible_to(request.user).active(), year)
    return render(
        request,
        "duty/ranking.html",
        {"year": year, "page": paginate(request, rows, 50)},
    )


# --- 五公开: what the station publishes ---------------------------------------------------------


def _editable_station(request: HttpRequest, pk: int) -> Station:
    return get_object_or_404(Station.objects.editable_by(request.user), pk=pk)


def _render_manage(request, station, rule_form=None, plan_form=None, status=200):
    year = _year(request)
    return render(
        request,
        "duty/open_manage.html",
        {
            "station": station,
            "year": year,
            "rules": station.open_rules.all(),
            "plan": station.plan_items.filter(year=year),
            "rule_form": rule_form or RuleForm(),
            "plan_form": plan_form or PlanItemForm(),
        },
        status=status,
    )


@login_required
@require_GET
def open_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The station's 五公开 lists for its staff: rules and the annual plan."""
    return _render_manage(request, _editable_station(request, pk))


@login_required
@require_POST
def rule_add(request: HttpRequest, pk: int) -> HttpResponse:
    station = _editable_station(request, pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            openness.station_rule_add(
                actor=request.user, station=station, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Rule added to the public page."))
            return redirect("duty:open_manage", pk=station.pk)
    return _render_manage(request, station, rule_form=form, status=400)


@login_required
@require_POST
def rules_start(request: HttpRequest, pk: int) -> HttpResponse:
    station = _editable_station(request, pk)
    n = openness.station_rules_start(actor=request.user, station=station)
    messages.success(request, _("%(n)d standard rules added; edit them as needed.") % {"n": n})
    return redirect("duty:open_manage", pk=station.pk)


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(
        StationRule.objects.filter(station__in=Station.objects.editable_by(request.user)), pk=pk
    )
    openness.station_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule removed."))
    return redirect("duty:open_manage", pk=rule.station_id)


@login_required
@require_POST
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    station = _editable_station(request, pk)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            item = openness.plan_item_add(actor=request.user, station=station, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Added to the annual plan."))
            return redirect(reverse("duty:open_manage", args=[station.pk]) + f"?year={item.year}")
    return _render_manage(request, station, plan_form=form, status=400)


def _plan_item(request, pk: int) -> PlanItem:
    return get_object_or_404(
        PlanItem.objects.filter(station__in=Station.objects.editable_by(request.user)), pk=pk
    )


@login_required
@require_POST
def plan_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = _plan_item(request, pk)
    openness.plan_item_complete(
        actor=request.user, item=item, done=request.POST.get("done", "1") == "1"
    )
    return redirect(reverse("duty:open_manage", args=[item.station_id]) + f"?year={item.year}")


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _plan_item(request, pk)
    openness.plan_item_delete(actor=request.user, item=item)
    return redirect(reverse("duty:open_manage", args=[item.station_id]) + f"?year={item.year}")


@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """The 五公开 wall poster of a station (public; prints on A3, or A4 with ?size=a4)."""
    station = get_object_or_404(Station.objects.active().select_related("region"), public_code=code)
    return render(
        request,
        "duty/poster.html",
        {
            "open": openness.open_page(station),
            "a4": request.GET.get("size") == "a4",
        },
    )


@require_GET
def story_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of a published duty story ("代表风采"), public; nothing else is served here."""
    return _serve(
        get_object_or_404(
            ActivityFile.objects.filter(
                activity__is_published=True,
                activity__status=ActivityStatus.APPROVED,
                content_type__startswith="image/",
            ),
            pk=pk,
        )
    )


# --- The yearly station assessment (clerks) ----------------------------------------------------


@login_required
@require_GET
def assessments(request: HttpRequest) -> HttpResponse:
    """Stations of the clerk's area with their score for the year, best first."""
    require(rights.may_set_rules(request.user))
    year = _year(request)
    stations = Station.objects.visible_to(request.user).active().select_related("region")
    scored = {
        a.station_id: a for a in StationAssessment.objects.filter(station__in=stations, year=year)
    }
    rows = sorted(
        ((s, scored.get(s.pk)) for s in stations),
        key=lambda row: (-(row[1].score if row[1] else -1), row[0].name),
    )
    ranked, last, rank = [], None, 0
    for i, (station, a) in enumerate(rows, start=1):
        if a is not None and a.score != last:
            rank, last = i, a.score
        ranked.append((rank if a else None, station, a))
    return render(
        request,
        "duty/assessments.html",
        {"year": year, "page": paginate(request, ranked, 50), "parts": assessment.PARTS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.visible_to(request.user), pk=pk)
    require(rights.covers_region(request.user, station.region))
    year = _year(request)
    current = StationAssessment.objects.filter(station=station, year=year).first()
    initial = (
        {
            "floor_area": current.floor_area,
            "note": current.note,
            "award": current.award,
            "award_published": current.award_published,
        }
        if current
        else {}
    )
    form = AssessmentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = assessment.assessment_record(
                actor=request.user, station=station, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Assessment saved: %(score)s points.") % {"score": saved.score}
            )
            return redirect(reverse("duty:assess", args=[station.pk]) + f"?year={year}")
    facts = assessment.facts(station, year)
    preview = assessment.score(
        station,
        current.floor_area if current else None,
        current.photos.count() if current else 0,
        facts,
    )
    return render(
        request,
        "duty/assess.html",
        {
            "station": station,
            "year": year,
            "form": form,
            "current": current,
            "photos": list(current.photos.all()) if current else [],
            "facts": facts,
            "preview": preview,
            "parts": [
                (key, label, maximum, preview[key]) for key, label, maximum in assessment.PARTS
            ],
            "six_haves": assessment.six_haves_labels(station),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def assessment_photo(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        AssessmentPhoto.objects.select_related("assessment__station__region"), pk=pk
    )
    if not rights.covers_region(request.user, item.assessment.station.region):
        raise Http404
    return _serve(item)


# --- Quota rules (量化标准) and points schemes (履职积分), set by the clerks ---------------------


def _covered_region(request: HttpRequest, pk: int) -> Region:
    require(rights.may_set_rules(request.user))
    return get_object_or_404(Region.objects.covered_by(request.user), pk=pk)


@login_required
@require_GET
def quotas(request: HttpRequest) -> HttpResponse:
    """The regions of the clerk's area and how many own quota rules each has."""
    require(rights.may_set_rules(request.user))
    return render(
        request,
        "duty/quotas.html",
        {"regions": list(quota_rules.listed_regions(request.user)), "items": ITEMS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quota_region(request: HttpRequest, pk: int) -> HttpResponse:
    """Each item's quantity in force in the region and where it comes from; the clerk sets
    the region's own numbers or clears one to inherit again."""
    region = _covered_region(request, pk)
    rows = quota_rules.region_quotas(region)
    form = QuotaForm(request.POST or None, rows=rows)

    def done(change) -> HttpResponse:
        if change is None:
            messages.info(request, _("Nothing changed."))
            return redirect("duty:quota_region", pk=region.pk)
        return saved(
            request,
            _("Quota rules of %(region)s saved: they count from now on.") % {"region": region.name},
            "duty:quota_region",
            pk=region.pk,
        )

    response = save_form(
        request,
        form,
        lambda: quota_rules.quota_rules_set(
            actor=request.user, region=region, quantities=form.cleaned_data
        ),
        done,
    )
    return response or render(
        request,
        "duty/quota_region.html",
        {"region": region, "form": form, "rows": form.bound_rows(), "topic": quota_rules.TOPIC},
        status=form_status(form),
    )


@login_required
@require_GET
def schemes_list(request: HttpRequest) -> HttpResponse:
    """The schemes of the clerk's area (to edit) and those above it that apply there."""
    require(rights.may_set_rules(request.user))
    visible = (
        PointsScheme.objects.visible_to(request.user)
        .select_related("region")
        .annotate(items=Count("rows"))
        .order_by("region__path", "-year", "name")
    )
    editable = set(PointsScheme.objects.editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "duty/schemes.html",
        {"rows": [(s, s.pk in editable) for s in visible]},
    )


def _scheme_regions(request: HttpRequest):
    return quota_rules.listed_regions(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
    require(rights.may_set_rules(request.user))
    form = SchemeForm(request.POST or None, regions=_scheme_regions(request))
    response = save_form(
        request,
        form,
        lambda: schemes.scheme_create(
            actor=request.user,
            region=form.cleaned_data["region"],
            name=form.cleaned_data["name"],
            year=form.cleaned_data["year"],
            rows=form.rows(),
            activate=form.cleaned_data["activate"],
        ),
        lambda result: _scheme_saved(request, *result),
    )
    return response or render(
        request, "duty/scheme_form.html", {"form": form, "scheme": None}, status=form_status(form)
    )


def _scheme_saved(request, scheme: PointsScheme, retired: PointsScheme | None) -> HttpResponse:
    messages.success(request, _("Points scheme “%(name)s” saved.") % {"name": scheme.name})
    if retired is not None:
        messages.info(
            request,
            _("“%(old)s” is no longer active: “%(new)s” replaces it.")
            % {"old": retired.name, "new": scheme.name},
        )
    return redirect(scheme)


def _scheme(request: HttpRequest, pk: int) -> PointsScheme:
    require(rights.may_set_rules(request.user))
    return get_object_or_404(
        PointsScheme.objects.editable_by(request.user).select_related("region"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a scheme's weights; below, its effect: the region's top deputies under it."""
    scheme = _scheme(request, pk)
    form = SchemeForm(request.POST or None, scheme=scheme)
    response = save_form(
        request,
        form,
        lambda: schemes.scheme_update(
            actor=request.user,
            scheme=scheme,
            name=form.cleaned_data["name"],
            year=form.cleaned_data["year"],
            rows=form.rows(),
        ),
        lambda result: _scheme_saved(request, *result),
    )
    if response:
        return response
    year = scheme.year or _year(request)
    return render(
        request,
        "duty/scheme_form.html",
        {
            "form": form,
            "scheme": scheme,
            "year": year,
            "effect": points.preview(scheme, year),
            "topic": schemes.TOPIC,
        },
        status=form_status(form),
    )


@login_required
@require_POST
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    active = request.POST.get("active", "1") == "1"
    scheme, retired = schemes.scheme_activate(actor=request.user, scheme=scheme, active=active)
    if active:
        _scheme_saved(request, scheme, retired)
    else:
        messages.success(request, _("“%(name)s” is no longer active.") % {"name": scheme.name})
    return redirect(scheme)
