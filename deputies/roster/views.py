"""Roster pages: a station's year, rules, auto-fill, attendance, check-in, swaps, iCalendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.roles import roles_of
from core.views_helpers import add_service_error, paginate
from stations.models import Department

from ..ical import deputy_calendar
from ..models import Deputy
from . import selectors as sel
from . import services as svc
from .choices import DayStatus, SwapStatus
from .forms import (
    AssignForm,
    AttendanceForm,
    AutofillForm,
    DepartmentForm,
    ReceptionDayForm,
    ReceptionRuleForm,
    RotationForm,
    SwapForm,
    UnavailabilityForm,
)
from .models import (
    DayDepartment,
    DeputyCalendarToken,
    Duty,
    ReceptionDay,
    ReceptionRule,
    SwapRequest,
    Unavailability,
)
from .rights import can_manage_station


def _station(request, pk: int):
    return get_object_or_404(sel.roster_stations(request.user), pk=pk)


def _managed_station(request, pk: int):
    """A station the user sees (else 404) and may manage (else 403: clerks only look)."""
    station = _station(request, pk)
    if not can_manage_station(request.user, station):
        raise PermissionDenied
    return station


def _deputy(request) -> Deputy:
    deputy_id = roles_of(request.user).deputy_id
    if deputy_id is None:
        raise PermissionDenied
    return Deputy.objects.get(pk=deputy_id)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _back_to_roster(station, year: int | None = None):
    url = reverse("roster:station_roster", args=[station.pk])
    return redirect(f"{url}?year={year}" if year else url)


# --- Station roster --------------------------------------------------------------------------


@login_required
@require_GET
def station_roster(request, pk: int):
    station = _station(request, pk)
    year = _year(request)
    days = list(sel.station_year(station, year))
    counts = sel.duty_counts(station, year)
    quota = sel.duty_days_per_deputy()
    deputies = [(d, counts.get(d.pk, 0)) for d in sel.station_deputies(station)]
    return render(
        request,
        "deputies/roster/station_roster.html",
        {
            "station": station,
            "year": year,
            "days": days,
            "rules": station.reception_rules.all(),
            "deputies": deputies,
            "quota": quota,
            "can_manage": can_manage_station(request.user, station),
            "swaps": sel.pending_swaps(station),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def roster_print(request, pk: int):
    station = _station(request, pk)
    year = _year(request)
    days = [d for d in sel.station_year(station, year) if d.status != DayStatus.CANCELLED]
    return render(
        request, "deputies/roster/print.html", {"station": station, "year": year, "days": days}
    )


@login_required
@require_POST
def generate(request, pk: int):
    station = _managed_station(request, pk)
    year = _year(request)
    today = timezone.localdate()
    start = max(dt.date(year, 1, 1), today)
    end = dt.date(year, 12, 31)
    if end < start:
        messages.error(request, _("That year is over; past reception days are not generated."))
        return _back_to_roster(station, year)
    result = svc.days_generate(actor=request.user, station=station, start=start, end=end)
    messages.success(
        request,
        _("Reception days generated: %(created)s new, %(updated)s changed, %(removed)s removed.")
        % {"created": result.created, "updated": result.updated, "removed": result.removed},
    )
    return _back_to_roster(station, year)


# --- Rules -----------------------------------------------------------------------------------


def _generation_message(request, result: svc.GenerationResult) -> None:
    messages.success(
        request,
        _(
            "Rule saved. Coming reception days: %(created)s new, %(updated)s changed, %(removed)s removed."
        )
        % {"created": result.created, "updated": result.updated, "removed": result.removed},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request, pk: int):
    station = _managed_station(request, pk)
    form = ReceptionRuleForm(request.POST or None, instance=ReceptionRule(station=station))
    if request.method == "POST" and form.is_valid():
        _generation_message(request, svc.rule_save(actor=request.user, rule=form.instance))
        return _back_to_roster(station)
    return render(
        request, "deputies/roster/rule_form.html", {"form": form, "station": station, "rule": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = get_object_or_404(
        ReceptionRule.objects.visible_to(request.user).select_related("station"), pk=pk
    )
    station = _managed_station(request, rule.station_id)
    form = ReceptionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        _generation_message(request, svc.rule_save(actor=request.user, rule=form.instance))
        return _back_to_roster(station)
    return render(
        request, "deputies/roster/rule_form.html", {"form": form, "station": station, "rule": rule}
    )


@login_required
@require_POST
def rule_delete(request, pk: int):
    rule = get_object_or_404(
        ReceptionRule.objects.visible_to(request.user).select_related("station"), pk=pk
    )
    station = _managed_station(request, rule.station_id)
    removed = svc.rule_delete(actor=request.user, rule=rule)
    messages.success(
        request,
        _("Rule deleted with %(n)s coming reception days; held days are kept.") % {"n": removed},
    )
    return _back_to_roster(station)


# --- Auto-fill -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def autofill(request, pk: int):
    station = _managed_station(request, pk)
    if request.method == "POST":
        try:
            added = svc.autofill_save(actor=request.user, station=station, pairs=_pairs(request))
        except svc.RosterError as exc:
            messages.error(request, str(exc))
            return redirect(
                reverse("roster:autofill", args=[station.pk]) + f"?year={_year(request)}"
            )
        messages.success(request, _("Roster saved: %(n)s duties added.") % {"n": added})
        return _back_to_roster(station, _year(request))
    form = AutofillForm(request.GET or {"year": timezone.localdate().year})
    plan = None
    if form.is_valid():
        year = form.cleaned_data["year"]
        plan = sel.autofill_plan(
            station, year, start=timezone.localdate(), seats=form.cleaned_data.get("seats")
        )
    unavailable_form = UnavailabilityForm(deputies=sel.station_deputies(station))
    unavailable_form.helper.form_action = reverse("roster:unavailability_add", args=[station.pk])
    return render(
        request,
        "deputies/roster/autofill.html",
        {
            "station": station,
            "form": form,
            "plan": plan,
            "unavailable_form": unavailable_form,
            "unavailabilities": sel.station_unavailabilities(station),
            "year": form.cleaned_data.get("year") if plan else None,
        },
    )


def _pairs(request) -> list[tuple[int, int]]:
    pairs = []
    for value in request.POST.getlist("pair"):
        try:
            first, second = (int(x) for x in value.split(":"))
        except ValueError:
            continue
        pairs.append((first, second))
    return pairs


@login_required
@require_http_methods(["GET", "POST"])
def rotate(request, pk: int):
    """Departments take turns joining receptions: preview the rotation, then save it."""
    station = _managed_station(request, pk)
    if request.method == "POST":
        try:
            added = svc.department_rotation_save(
                actor=request.user, station=station, pairs=_pairs(request)
            )
        except svc.RosterError as exc:
            messages.error(request, str(exc))
            return redirect(reverse("roster:rotate", args=[station.pk]) + f"?year={_year(request)}")
        messages.success(request, _("Department rotation saved: %(n)s turns added.") % {"n": added})
        return _back_to_roster(station, _year(request))
    form = RotationForm(request.GET or {"year": timezone.localdate().year, "per_month": 2})
    plan = None
    if form.is_valid():
        plan = sel.rotation_plan(
            station,
            form.cleaned_data["year"],
            per_month=form.cleaned_data.get("per_month") or 2,  # the seeds: two a month
            start=timezone.localdate(),
        )
    return render(
        request,
        "deputies/roster/rotate.html",
        {
            "station": station,
            "form": form,
            "plan": plan,
            "year": form.cleaned_data.get("year") if plan else None,
        },
    )


@login_required
@require_POST
def unavailability_add(request, pk: int):
    station = _managed_station(request, pk)
    form = UnavailabilityForm(request.POST, deputies=sel.station_deputies(station))
    if form.is_valid():
        svc.unavailability_add(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Unavailability recorded."))
    else:
        messages.error(
            request, _("Unavailability not recorded: %(errors)s") % {"errors": _errors(form)}
        )
    return redirect("roster:autofill", station.pk)


def _station_unavailability(request, pk: int, upk: int):
    """A period of one of the station's current deputies; the station must be the user's own."""
    station = _managed_station(request, pk)
    unavailability = get_object_or_404(
        Unavailability.objects.filter(deputy__in=sel.station_deputies(station)).select_related(
            "deputy"
        ),
        pk=upk,
    )
    return station, unavailability


@login_required
@require_http_methods(["GET", "POST"])
def unavailability_edit(request, pk: int, upk: int):
    station, unavailability = _station_unavailability(request, pk, upk)
    form = UnavailabilityForm(
        request.POST or None,
        initial={
            "start": unavailability.start,
            "end": unavailability.end,
            "reason": unavailability.reason,
        },
        submit=_("Save"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.unavailability_update(
                actor=request.user, unavailability=unavailability, **form.cleaned_data
            )
        except svc.RosterError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Unavailability of %(name)s changed.") % {"name": unavailability.deputy.name},
            )
            return redirect("roster:autofill", station.pk)
    return render(
        request,
        "deputies/roster/unavailability_form.html",
        {"form": form, "station": station, "unavailability": unavailability},
    )


@login_required
@require_POST
def unavailability_delete(request, pk: int, upk: int):
    station, unavailability = _station_unavailability(request, pk, upk)
    svc.unavailability_delete(actor=request.user, unavailability=unavailability)
    messages.success(
        request, _("Unavailability of %(name)s deleted.") % {"name": unavailability.deputy.name}
    )
    return redirect("roster:autofill", station.pk)


def _errors(form) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Reception days --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def day_create(request, pk: int):
    station = _managed_station(request, pk)
    form = ReceptionDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = svc.day_create(actor=request.user, station=station, **form.cleaned_data)
        except svc.RosterError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Reception day added."))
            return redirect(day)
    return render(request, "deputies/roster/day_form.html", {"form": form, "station": station})


def _day(request, pk: int) -> ReceptionDay:
    return get_object_or_404(
        ReceptionDay.objects.visible_to(request.user).select_related("station"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_detail(request, pk: int):
    day = _day(request, pk)
    station = day.station
    can_manage = can_manage_station(request.user, station)
    deputies = sel.station_deputies(station)
    duties = list(day.duties.select_related("deputy", "replaced_by"))
    forms = {
        duty.pk: AttendanceForm(
            prefix=f"d{duty.pk}",
            deputies=deputies,
            initial={
                "status": duty.status if duty.attendance_recorded else "present",
                "reason": duty.absence_reason,
                "replaced_by": duty.replaced_by_id,
            },
        )
        for duty in duties
    }
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        duty = get_object_or_404(Duty, pk=request.POST.get("duty"), day=day)
        form = AttendanceForm(request.POST, prefix=f"d{duty.pk}", deputies=deputies)
        if form.is_valid():
            try:
                svc.attendance_record(
                    actor=request.user, duty=duty, **_attendance(form.cleaned_data)
                )
            except svc.RosterError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Attendance recorded for %(name)s.") % {"name": duty.deputy}
                )
                return redirect(day)
        forms[duty.pk] = form
    return render(
        request,
        "deputies/roster/day_detail.html",
        {
            "day": day,
            "station": station,
            "rows": [(duty, forms[duty.pk]) for duty in duties],
            "can_manage": can_manage,
            "assign_form": AssignForm(deputies=deputies.exclude(duties__day=day)),
            "department_form": DepartmentForm(departments=_departments(request)),
            "departments": day.departments.select_related("department"),
            "statuses": DayStatus.choices,
        },
    )


def _attendance(data: dict) -> dict:
    return {
        "status": data["status"],
        "reason": data.get("reason") or "",
        "replaced_by": data.get("replaced_by"),
    }


def _departments(request):
    return Department.objects.visible_to(request.user).active()


def _day_action(request, pk: int, action) -> HttpResponse:
    day = _day(request, pk)
    if not can_manage_station(request.user, day.station):
        raise PermissionDenied
    try:
        text = action(day)
    except svc.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, text)
    return redirect(day)


@login_required
@require_POST
def duty_add(request, pk: int):
    def action(day):
        form = AssignForm(request.POST, deputies=sel.station_deputies(day.station))
        if not form.is_valid():
            raise svc.RosterError(_errors(form))
        duty = svc.duty_assign(actor=request.user, day=day, deputy=form.cleaned_data["deputy"])
        return _("%(name)s is on duty.") % {"name": duty.deputy}

    return _day_action(request, pk, action)


@login_required
@require_POST
def duty_remove(request, pk: int):
    # Through the station roster, not Duty.visible_to: a deputy sees their duty but not the roster.
    duties = Duty.objects.filter(day__station__in=sel.roster_stations(request.user))
    duty = get_object_or_404(duties.select_related("day__station"), pk=pk)
    if not can_manage_station(request.user, duty.day.station):
        raise PermissionDenied
    try:
        svc.duty_remove(actor=request.user, duty=duty)
    except svc.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s was taken off the day.") % {"name": duty.deputy})
    return redirect(duty.day)


@login_required
@require_POST
def department_add(request, pk: int):
    def action(day):
        form = DepartmentForm(request.POST, departments=_departments(request))
        if not form.is_valid():
            raise svc.RosterError(_errors(form))
        link = svc.day_department_add(
            actor=request.user, day=day, department=form.cleaned_data["department"]
        )
        return _("%(name)s joins this reception.") % {"name": link.department}

    return _day_action(request, pk, action)


@login_required
@require_POST
def department_remove(request, pk: int):
    link = get_object_or_404(
        DayDepartment.objects.filter(day__in=ReceptionDay.objects.visible_to(request.user)), pk=pk
    )
    if not can_manage_station(request.user, link.day.station):
        raise PermissionDenied
    svc.day_department_remove(actor=request.user, link=link)
    messages.success(request, _("Department removed from this reception."))
    return redirect(link.day)


@login_required
@require_POST
def day_status(request, pk: int):
    def action(day):
        day = svc.day_set_status(actor=request.user, day=day, status=request.POST.get("status", ""))
        return _("The reception day is now: %(status)s.") % {"status": day.get_status_display()}

    return _day_action(request, pk, action)


# --- The deputy's side -----------------------------------------------------------------------


@login_required
@require_GET
def my_schedule(request):
    deputy = _deputy(request)
    coming, past = sel.my_duties(deputy)
    incoming, outgoing = sel.my_swaps(deputy)
    token = DeputyCalendarToken.objects.filter(deputy=deputy, revoked_at__isnull=True).first()
    ical_url = (
        settings.PUBLIC_BASE_URL + reverse("roster:ical", args=[token.token]) if token else ""
    )
    form = UnavailabilityForm()
    form.helper.form_action = reverse("roster:my_unavailability")
    return render(
        request,
        "deputies/roster/my_schedule.html",
        {
            "deputy": deputy,
            "next_duty": coming[0] if coming else None,
            "coming": coming,
            "past": past,
            "incoming": incoming,
            "outgoing": outgoing,
            "ical_url": ical_url,
            "webcal_url": "webcal://" + ical_url.split("://", 1)[-1] if ical_url else "",
            "unavailable_form": form,
            "unavailabilities": deputy.unavailabilities.filter(end__gte=timezone.localdate()),
            "open_statuses": (SwapStatus.PENDING, SwapStatus.ACCEPTED),
        },
    )


@login_required
@require_POST
def my_unavailability(request):
    deputy = _deputy(request)
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        svc.unavailability_add(actor=request.user, deputy=deputy, **form.cleaned_data)
        messages.success(request, _("Unavailability recorded; the station will plan around it."))
    else:
        messages.error(
            request, _("Unavailability not recorded: %(errors)s") % {"errors": _errors(form)}
        )
    return redirect("roster:my_schedule")


@login_required
@require_POST
def my_unavailability_delete(request, pk: int):
    deputy = _deputy(request)
    unavailability = get_object_or_404(Unavailability.objects.filter(deputy=deputy), pk=pk)
    svc.unavailability_delete(actor=request.user, unavailability=unavailability)
    messages.success(request, _("Unavailability deleted."))
    return redirect("roster:my_schedule")


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, pk: int):
    deputy = _deputy(request)
    station = get_object_or_404(sel.deputy_stations(deputy.pk), pk=pk)
    if request.method == "POST":
        try:
            duty = svc.duty_checkin(actor=request.user, station=station)
        except svc.RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Checked in at %(time)s: %(status)s.")
                % {
                    "time": timezone.localtime(duty.checked_in_at).strftime("%H:%M"),
                    "status": duty.get_status_display(),
                },
            )
        return redirect("roster:checkin", station.pk)
    today = timezone.localdate()
    duties = Duty.objects.filter(
        deputy=deputy, day__station=station, day__date=today
    ).select_related("day")
    return render(
        request,
        "deputies/roster/checkin.html",
        {"station": station, "duties": duties, "now": timezone.localtime()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def swap_create(request, pk: int):
    deputy_id = roles_of(request.user).deputy_id
    if deputy_id is None:
        raise Http404
    duty = get_object_or_404(
        Duty.objects.filter(deputy_id=deputy_id).select_related("day__station"), pk=pk
    )
    form = SwapForm(request.POST or None, candidates=sel.swap_candidates(duty))
    if request.method == "POST" and form.is_valid():
        try:
            svc.swap_request(actor=request.user, from_duty=duty, **form.cleaned_data)
        except svc.RosterError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Swap request sent; the other deputy will answer it."))
            return redirect("roster:my_schedule")
    return render(request, "deputies/roster/swap_form.html", {"form": form, "duty": duty})


@login_required
@require_POST
def swap_respond(request, pk: int):
    deputy_id = roles_of(request.user).deputy_id
    swap = get_object_or_404(
        SwapRequest.objects.filter(Q(requester_id=deputy_id) | Q(counterpart_id=deputy_id)), pk=pk
    )
    action = request.POST.get("action")
    try:
        if action == "cancel":
            svc.swap_cancel(actor=request.user, swap=swap)
            messages.success(request, _("Swap request withdrawn."))
        elif action in ("accept", "decline"):
            swap = svc.swap_respond(actor=request.user, swap=swap, accept=action == "accept")
            messages.success(
                request, _("Answer sent: %(status)s.") % {"status": swap.get_status_display()}
            )
        else:
            messages.error(request, _("Unknown action."))
    except svc.RosterError as exc:
        messages.error(request, str(exc))
    return redirect("roster:my_schedule")


@login_required
@require_POST
def swap_decide(request, pk: int):
    swap = get_object_or_404(
        SwapRequest.objects.visible_to(request.user).select_related("from_duty__day__station"),
        pk=pk,
    )
    station = swap.from_duty.day.station
    if not can_manage_station(request.user, station):
        raise PermissionDenied
    try:
        swap = svc.swap_decide(
            actor=request.user, swap=swap, confirm=request.POST.get("action") == "confirm"
        )
    except svc.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Swap %(status)s.") % {"status": swap.get_status_display()})
    return _back_to_roster(station)


@require_GET
def ical(request, token: str):
    """The personal calendar feed: no login (phone calendars cannot log in); the token is the key."""
    live = get_object_or_404(
        DeputyCalendarToken.objects.select_related("deputy"), token=token, revoked_at__isnull=True
    )
    response = HttpResponse(
        deputy_calendar(live.deputy), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="duties.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def ical_rotate(request):
    _deputy(request)
    svc.calendar_token_rotate(actor=request.user)
    messages.success(request, _("New calendar link created; the old one no longer works."))
    return redirect("roster:my_schedule")


@login_required
@require_GET
def index(request):
    """Stations whose roster the user runs or watches; a deputy goes to their own schedule."""
    roles = roles_of(request.user)
    if not (roles.is_admin or roles.is_clerk or roles.is_staff_member):
        if roles.is_deputy:
            return redirect("roster:my_schedule")
        raise PermissionDenied
    stations = (
        sel.roster_stations(request.user).select_related("region").order_by("region__code", "name")
    )
    page = paginate(request, stations, 50)
    return render(request, "deputies/roster/index.html", {"page": page})
