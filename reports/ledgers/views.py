"""Ledger exports, progress notices and the deputy performance record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.excel import XLSX_CONTENT_TYPE, xlsx_bytes
from core.replica import use_replica
from core.roles import roles_of
from core.views_helpers import paginate, require
from deputies.models import Deputy
from stations.models import Station

from .. import notices, record
from ..exports import LEDGERS, LedgerFilters, file_name, ledger_title, sync_max_rows
from . import services
from .choices import LedgerKind
from .forms import ActivityForm, LedgerFilterForm
from .models import ExportJob, ProgressNotice
from .rights import can_record_activities, can_use_ledgers

PAGE_SIZE = 25
MIN_YEAR, MAX_YEAR = 2000, 2100


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404


# --- Exports ----------------------------------------------------------------------------------


def _index(request: HttpRequest, form: LedgerFilterForm, status: int = 200) -> HttpResponse:
    jobs = ExportJob.objects.filter(user=request.user)[:10]  # type: ignore[misc]  # logged in
    return render(
        request,
        "reports/ledgers/index.html",
        {"form": form, "jobs": jobs, "sync_max_rows": sync_max_rows()},
        status=status,
    )


@login_required
@require_GET
@use_replica
def index(request: HttpRequest) -> HttpResponse:
    require(can_use_ledgers(roles_of(request.user)))
    initial = {"kind": request.GET.get("kind", LedgerKind.PETITIONS)}
    return _index(request, LedgerFilterForm(user=request.user, initial=initial))


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Small exports download at once; larger ones become a job with a progress page."""
    require(can_use_ledgers(roles_of(request.user)))
    form = LedgerFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        return _index(request, form, status=400)
    kind, filters = form.cleaned_data["kind"], form.filters()
    ledger = LEDGERS[kind]
    qs = ledger.queryset(request.user, filters)
    if qs.count() <= sync_max_rows():
        content = xlsx_bytes(
            ledger.headers(),
            ledger.rows(request.user, filters, qs),
            sheet_name=str(LedgerKind(kind).label),
            widths=ledger.widths or None,
            title=ledger_title(kind, filters),
        )
        return _xlsx(content, file_name(kind, filters))
    job = services.export_job_create(actor=request.user, kind=kind, filters=filters)
    messages.info(request, _("This ledger is large: it is being prepared in the background."))
    return redirect(job)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    # Another user's job answers 404, exactly like a job that does not exist.
    jobs = ExportJob.objects.filter(user=request.user)  # type: ignore[misc]  # logged in
    return get_object_or_404(jobs, pk=pk)


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/ledgers/job.html", {"job": _own_job(request, pk)})


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment, polled by htmx until the job is finished."""
    return render(request, "reports/ledgers/_job_status.html", {"job": _own_job(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if not job.file_path:
        raise Http404
    # Through the storage API: the file may sit in a bucket another machine wrote to.
    if not default_storage.exists(job.file_path):
        raise Http404
    name = file_name(job.kind, LedgerFilters.from_json(job.filters or {}))
    return FileResponse(
        default_storage.open(job.file_path, "rb"),
        as_attachment=True,
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
    )


# --- Progress notices -------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    require(can_use_ledgers(roles_of(request.user)))
    stations = Station.objects.editable_by(request.user)
    notices_qs = (
        ProgressNotice.objects.filter(station__in=stations)
        .select_related("station")
        .order_by("-period_start", "station__name")
    )
    page = paginate(request, notices_qs, PAGE_SIZE)
    start, end = notices.period_of(timezone.localdate())
    # Staff get a shortcut to their own stations' current notice.
    own = Station.objects.filter(pk__in=roles_of(request.user).staff_station_ids).order_by("name")
    return render(
        request,
        "reports/ledgers/notice_list.html",
        {"page": page, "own_stations": own, "period_start": start, "period_end": end},
    )


@login_required
@require_GET
def notice_preview(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.editable_by(request.user), pk=pk)
    today = timezone.localdate()
    start, end = notices.period_of(today)
    items = notices.build_items(station, start, min(end, today))
    published = ProgressNotice.objects.filter(station=station, period_start=start).first()
    return render(
        request,
        "reports/ledgers/notice_preview.html",
        {
            "station": station,
            "items": items,
            "period_start": start,
            "period_end": end,
            "published": published,
        },
    )


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.editable_by(request.user), pk=pk)
    notice = services.progress_notice_publish(actor=request.user, station=station)
    messages.success(
        request,
        _("The progress notice for %(start)s – %(end)s is published.")
        % {"start": notice.period_start, "end": notice.period_end},
    )
    return redirect("ledgers:notice_preview", pk=station.pk)


@require_GET
def notice_public(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The public notice page (no login): a published snapshot, personal data already removed."""
    notice = get_object_or_404(
        ProgressNotice.objects.select_related("station"),
        pk=pk,
        station__public_code=code,
        published_at__isnull=False,
    )
    return render(request, "reports/ledgers/notice_public.html", {"notice": notice})


# --- The deputy performance record ------------------------------------------------------------


def _visible_deputy(request: HttpRequest, pk: int) -> Deputy:
    return get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)


def _record(request: HttpRequest, pk: int, year: int) -> record.DeputyRecord:
    """The visible deputy with the year's figures (one query), then their record."""
    _check_year(year)
    visible = record.with_figures(Deputy.objects.visible_to(request.user), year)
    return record.deputy_record(get_object_or_404(visible, pk=pk), year)


@login_required
@require_GET
def record_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    data = _record(request, pk, year)
    return render(
        request,
        "reports/ledgers/record.html",
        {
            "record": data,
            "can_record": can_record_activities(roles_of(request.user)),
            "previous_year": year - 1,
            "next_year": year + 1,
        },
    )


@login_required
@require_GET
def record_print(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return render(
        request, "reports/ledgers/record_print.html", {"record": _record(request, pk, year)}
    )


@login_required
@require_GET
def record_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    data = _record(request, pk, year)
    rows = record.record_sheet_rows(data)
    content = xlsx_bytes([_("Item"), _("Value")], rows, sheet_name=str(year), widths=[36, 50])
    return _xlsx(content, f"{_('Performance record')}-{data.deputy.name}-{year}.xlsx")


@login_required
@require_GET
def station_records_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """All current deputies of a station: one row each, the deputy performance ledger."""
    _check_year(year)
    station = get_object_or_404(Station.objects.editable_by(request.user), pk=pk)
    deputies = (
        Deputy.objects.visible_to(request.user)
        .filter(pk__in=station.assignments.filter(end_date__isnull=True).values("deputy_id"))
        .order_by("name_pinyin", "pk")
    )
    content = xlsx_bytes(
        [str(h) for h in record.LEDGER_HEADERS],
        record.ledger_rows(deputies, year),
        sheet_name=str(year),
    )
    return _xlsx(content, f"{_('Performance records')}-{station.name}-{year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = _visible_deputy(request, pk)
    require(can_record_activities(roles_of(request.user)))
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = services.deputy_activity_create(
            actor=request.user,
            deputy=deputy,
            kind=data["kind"],
            date=data["date"],
            title=data["title"],
            notes=data["notes"],
        )
        messages.success(request, _("Activity “%(title)s” recorded.") % {"title": activity.title})
        return redirect("ledgers:record", pk=deputy.pk, year=activity.date.year)
    return render(
        request,
        "reports/ledgers/activity_form.html",
        {"form": form, "deputy": deputy, "year": timezone.localdate().year},
    )


@login_required
@require_GET
def behind(request: HttpRequest) -> HttpResponse:
    """Moved for good: there is one "who is behind" list, duty's, held to each deputy's own
    region's "八个一" rules. Old links and bookmarks keep their year and station."""
    kept = {k: request.GET[k] for k in ("year", "station", "page") if request.GET.get(k)}
    url = reverse("duty:behind")
    return redirect(f"{url}?{urlencode(kept)}" if kept else url, permanent=True)


# --- "Export this list" -------------------------------------------------------------------------


def _shown(field, value) -> str:
    """A filter value as the form shows it (a choice's label, not its code)."""
    labels = {str(k): str(v) for k, v in getattr(field, "choices", ()) if not isinstance(v, list)}
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(labels.get(str(v), str(v)) for v in values)


@login_required
@require_GET
def petition_list_export(request: HttpRequest) -> HttpResponse:
    """The petitions list as it is filtered on screen, as a ledger (same form, same query)."""
    from petitions.forms import PetitionFilterForm
    from petitions.selectors import petition_list

    from ..exports import PETITION_HEADERS, petition_rows

    roles = roles_of(request.user)
    require(roles.is_anyone)
    form = PetitionFilterForm(request.GET or None, actor=request.user)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("The list's filter could not be read; nothing was exported."))
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    qs = petition_list(request.user, form.cleaned_data if form.is_bound else {}, today=today)
    if qs.count() > sync_max_rows():
        messages.error(
            request,
            _("This list has more than %(n)d cases: narrow it, or use the ledgers page.")
            % {"n": sync_max_rows()},
        )
        return redirect(f"{reverse('petitions:list')}?{request.GET.urlencode()}")
    chips = [str(label) for label, _query in form.chips()] if form.is_bound else []
    shown = [
        f"{form.fields[name].label}: {_shown(form.fields[name], value)}"
        for name, value in (form.cleaned_data.items() if form.is_bound else [])
        if value not in (None, "", False, [])
        and name not in {"station", "region", "assigned_from", "assigned_to", "assisting"}
        and name not in {"accepted", "assigned", "replied", "reopened"}
    ]
    title = " · ".join(
        [str(LedgerKind.PETITIONS.label), *(chips + shown or [_("All cases you may see")])]
    )
    content = xlsx_bytes(
        [str(h) for h in PETITION_HEADERS],
        petition_rows(request.user, LedgerFilters(), qs.order_by("submitted_at", "pk")),
        sheet_name=str(LedgerKind.PETITIONS.label),
        title=title,
    )
    return _xlsx(content, f"{LedgerKind.PETITIONS.label}-{today:%Y%m%d}.xlsx")
