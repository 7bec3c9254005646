"""Registry pages: stations, their public page and QR codes, regions, departments, Excel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from core.codes import random_code
from core.excel import XLSX_CONTENT_TYPE, BadWorkbook, xlsx_bytes
from core.qr import qr_png, qr_svg
from core.roles import roles_of
from core.views_helpers import add_service_error, paginate, require

from . import rights, selectors, services
from .filters import DepartmentFilter, RegionFilter, StationFilter
from .forms import DepartmentForm, ImportForm, RegionForm, StationForm
from .imports import WIDTHS, export_rows, headers, parse_stations, stations_import
from .models import Department, Region, Station

PAGE_SIZE = 25
IMPORT_SALT = "stations.import"
IMPORT_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation


# --- Stations -------------------------------------------------------------------------------


@login_required
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(rights.can_list_stations(roles))
    stations = StationFilter(request.GET, selectors.station_list(request.user), request=request)
    page = paginate(request, stations.qs, PAGE_SIZE)
    return render(
        request,
        "stations/station_list.html",
        {
            "filter": stations,
            "page": page,
            "can_create": rights.can_create_station(roles),
            "can_import": rights.can_import_stations(roles),
            "can_export": rights.can_export_stations(roles),
        },
    )


@login_required
@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(
        Station.objects.visible_to(request.user).select_related("region", "parent"), pk=pk
    )
    roles = roles_of(request.user)
    context = {
        "station": station,
        "can_edit": Station.objects.editable_by(request.user).filter(pk=pk).exists(),
        "can_add_child": rights.can_create_station(roles),
        **selectors.station_page(station),
    }
    return render(request, "stations/station_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def station_create(request: HttpRequest) -> HttpResponse:
    require(rights.can_create_station(roles_of(request.user)))
    initial = {}
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isdigit():
        parent = Station.objects.editable_by(request.user).filter(pk=parent_pk).first()
        if parent is not None:
            initial = {"parent": parent, "region": parent.region}
    form = StationForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(actor=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied as exc:
            add_service_error(form, exc, _("You may not create a station there."))
        else:
            messages.success(request, _("Station “%(name)s” created.") % {"name": station.name})
            return redirect(station)
    return render(request, "stations/station_form.html", {"form": form, "station": None})


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.editable_by(request.user), pk=pk)
    form = StationForm(request.POST or None, instance=station, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form has already copied cleaned values onto the instance; pass them explicitly.
            station = services.station_update(
                actor=request.user, station=station, fields=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied as exc:
            add_service_error(form, exc, _("You may not move this station there."))
        else:
            messages.success(request, _("Station “%(name)s” saved.") % {"name": station.name})
            return redirect(station)
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@require_GET
def station_public(request: HttpRequest, code: str) -> HttpResponse:
    station = get_object_or_404(Station.objects.active().select_related("region"), public_code=code)
    return render(
        request,
        "stations/station_public.html",
        {
            "station": station,
            "deputies": selectors.current_deputies(station, with_links=False),
            "submit_url": selectors.public_submit_url(station.public_code),
        },
    )


@require_GET
@cache_control(max_age=86400, public=True)
def station_qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    station = get_object_or_404(Station, public_code=code)
    return HttpResponse(qr_svg(station.public_url), content_type="image/svg+xml")


@require_GET
@cache_control(max_age=86400, public=True)
def station_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    station = get_object_or_404(Station, public_code=code)
    response = HttpResponse(qr_png(station.public_url), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="station-{station.public_code}.png"'
    return response


@login_required
@require_GET
def station_poster(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(
        Station.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    # segno writes the SVG itself from the URL alone, so it is safe to inline.
    svg = mark_safe(qr_svg(station.public_url, scale=12).decode())  # noqa: S308
    return render(request, "stations/station_poster.html", {"station": station, "qr": svg})


# --- Regions ---------------------------------------------------------------------------------


@login_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(rights.can_see_regions(roles))
    regions = RegionFilter(request.GET, Region.objects.visible_to(request.user).order_by("path"))
    page = paginate(request, regions.qs, 200)
    rows = selectors.region_rows(request.user, list(page.object_list))
    return render(
        request,
        "stations/region_list.html",
        {
            "filter": regions,
            "page": page,
            "rows": rows,
            "can_create": rights.can_create_region(roles),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    require(rights.can_create_region(roles_of(request.user)))
    initial = {}
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isdigit():
        initial["parent"] = Region.objects.filter(pk=parent_pk).first()
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Region “%(name)s” added.") % {"name": region.name})
            return redirect("stations:region_list")
    return render(request, "stations/region_form.html", {"form": form})


# --- Departments -----------------------------------------------------------------------------


@login_required
@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(rights.can_see_departments(roles))
    departments = DepartmentFilter(
        request.GET, selectors.department_list(request.user), request=request
    )
    page = paginate(request, departments.qs, PAGE_SIZE)
    return render(
        request,
        "stations/department_list.html",
        {
            "filter": departments,
            "page": page,
            "can_create": rights.can_manage_departments(roles),
        },
    )


@login_required
@require_GET
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    return render(
        request,
        "stations/department_detail.html",
        {
            "department": department,
            "handlers": department.handlers.select_related("user").order_by("user__username"),
            "can_edit": Department.objects.editable_by(request.user).filter(pk=pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    require(rights.can_manage_departments(roles_of(request.user)))
    form = DepartmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(actor=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Department “%(name)s” created.") % {"name": department.name}
            )
            return redirect(department)
    return render(request, "stations/department_form.html", {"form": form, "department": None})


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.editable_by(request.user), pk=pk)
    form = DepartmentForm(request.POST or None, instance=department, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_update(
                actor=request.user, department=department, fields=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Department “%(name)s” saved.") % {"name": department.name})
            return redirect(department)
    return render(
        request, "stations/department_form.html", {"form": form, "department": department}
    )


# --- Excel -----------------------------------------------------------------------------------


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def station_export(request: HttpRequest) -> HttpResponse:
    require(rights.can_export_stations(roles_of(request.user)))
    # The export follows the list's filters, so "what I see" is "what I download".
    stations = StationFilter(request.GET, selectors.station_list(request.user), request=request)
    content = xlsx_bytes(
        headers(),
        export_rows(stations.qs.iterator(chunk_size=2000)),
        sheet_name="stations",
        widths=WIDTHS,
    )
    return _xlsx_response(content, f"stations-{dt.date.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def station_import_template(request: HttpRequest) -> HttpResponse:
    require(rights.can_import_stations(roles_of(request.user)))
    return _xlsx_response(
        xlsx_bytes(headers(), [], sheet_name="stations", widths=WIDTHS), "stations-template.xlsx"
    )


def _saved_upload(token: str, user) -> str | None:
    """The stored file a preview token refers to, if the token is valid and the user's own."""
    try:
        data = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    name = data.get("name", "")
    if data.get("user") != user.pk or not default_storage.exists(name):
        return None
    return name


@login_required
@require_http_methods(["GET", "POST"])
def station_import(request: HttpRequest) -> HttpResponse:
    require(rights.can_import_stations(roles_of(request.user)))
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = parse_stations(upload, actor=request.user)
        except BadWorkbook as exc:
            form.add_error(
                "file",
                _(
                    "This file cannot be read as the station template (missing or unreadable: "
                    "%(detail)s). Download the template and try again."
                )
                % {"detail": exc},
            )
        else:
            # Keep the file between the preview and the confirmation, under a random name
            # that only a token signed for this user points to.
            upload.seek(0)
            name = default_storage.save(f"imports/{random_code(16)}.xlsx", upload)
            token = signing.dumps({"name": name, "user": request.user.pk}, salt=IMPORT_SALT)
            return render(
                request,
                "stations/import_preview.html",
                {"report": report, "token": token, "filename": upload.name},
            )
    return render(request, "stations/import_form.html", {"form": form})


def _import_confirm(request: HttpRequest) -> HttpResponse:
    name = _saved_upload(request.POST["token"], request.user)
    if name is None:
        messages.error(request, _("The preview has expired. Please upload the file again."))
        return redirect("stations:import")
    with default_storage.open(name, "rb") as stored:
        report = stations_import(actor=request.user, upload=stored)
    if not report.ok:
        # Something changed since the preview (e.g. a station was added meanwhile).
        messages.error(request, _("Nothing was imported: some rows are not valid."))
        return render(
            request,
            "stations/import_preview.html",
            {"report": report, "token": request.POST["token"], "filename": ""},
        )
    default_storage.delete(name)
    messages.success(request, _("%(count)s stations imported.") % {"count": len(report.valid)})
    return redirect("stations:list")
