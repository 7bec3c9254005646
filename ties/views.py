"""Pages of the ties app (thin: form → one service → message → redirect)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import listexport, qr
from core.errors import DomainError
from core.models import ASKED_REVEAL_REASONS
from core.reveal import reveal_from_post
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
from deputies.models import Deputy
from petitions.choices import Satisfaction
from petitions.choices import Status as PetitionStatus
from petitions.selectors import openable_ids
from stations.models import Department, Region, Station
from stations.scope import managed_q

from . import coverage, reportbacks, rights, selectors, services
from .forms import (
    AppointmentAnswerForm,
    CommitteeForm,
    ContactForm,
    DeputyGridsForm,
    DistrictForm,
    EvaluateForm,
    GridDeputiesForm,
    GridForm,
    GridOpinionForm,
    MeetingForm,
    MeetingItemForm,
    MeetingRateForm,
    OnDateForm,
    PairForm,
    ReportBackForm,
)
from .loop import APPOINTMENT
from .models import (
    Appointment,
    ConstituentPair,
    Contact,
    ElectoralDistrict,
    Grid,
    MeetingItem,
    MeetingRating,
    ReportBack,
    ThemedMeeting,
)

PAGE_SIZE = 30


def _sees_pairs(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_deputy


# ---- pairing ---------------------------------------------------------------------------------


# "Export this list": the columns on screen; the phone masked as on screen.
PAIR_COLUMNS = [
    listexport.Column(_lazy("Deputy"), lambda p: p.deputy.name),
    listexport.Column(_lazy("Constituent"), lambda p: p.name),
    listexport.Column(_lazy("Mobile phone"), lambda p: p.masked_phone),
    listexport.Column(_lazy("Consent given on"), lambda p: p.consent_on),
    listexport.Column(_lazy("Contacts"), lambda p: p.contacts_count),
    listexport.Column(_lazy("Status"), lambda p: _("Active") if p.is_active else _("Ended")),
]


@login_required
@require_GET
def pair_list(request: HttpRequest) -> HttpResponse:
    require(_sees_pairs(request.user))
    if listexport.wanted(request):
        return listexport.export_list(
            request,
            name=_("Paired constituents"),
            columns=PAIR_COLUMNS,
            rows=selectors.pair_list(request.user),
        )
    page = paginate(request, selectors.pair_list(request.user), PAGE_SIZE)
    return render(
        request,
        "ties/pair_list.html",
        {
            "page": page,
            "can_add": selectors.pairable_deputies(request.user).exists(),
            "committee": selectors.committee_rows(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair_create(request: HttpRequest) -> HttpResponse:
    deputies = list(selectors.pairable_deputies(request.user))
    require(bool(deputies))
    form = PairForm(
        request.POST or None, deputies=Deputy.objects.filter(pk__in=[d.pk for d in deputies])
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pair = services.pair_create(
                actor=request.user,
                deputy=data["deputy"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                consent_on=data["consent_on"],
            )
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is paired.") % {"name": pair.name})
            return redirect(pair)
    return render(request, "ties/pair_form.html", {"form": form})


def _pair_context(request: HttpRequest, pair: ConstituentPair, **extra) -> dict:
    may = rights.may_manage_pairs(request.user, pair.deputy)
    return {
        "pair": pair,
        "phone": pair.masked_phone,
        "may_manage": may,
        "may_reveal": may and bool(pair.phone),
        "reveal_reasons": ASKED_REVEAL_REASONS,
        "contact_form": ContactForm() if may else None,
        # The case a contact became shows its code only to those who may open it.
        "openable": openable_ids(
            request.user, [c.petition for c in pair.contacts.all() if c.petition]
        ),
        **extra,
    }


@login_required
@require_GET
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pair_detail(request.user), pk=pk)
    return render(request, "ties/pair_detail.html", _pair_context(request, pair))


@login_required
@require_POST
def pair_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the paired constituent's full phone once, recorded (core.reveal)."""
    pair = get_object_or_404(selectors.pair_detail(request.user), pk=pk)
    phone = reveal_from_post(
        request,
        subject=pair,
        field="phone",
        allowed=rights.may_reveal_pair_phone(request.user, pair.deputy),
    )
    if phone is None:
        return redirect(pair)
    context = _pair_context(request, pair, phone=phone)
    context["may_reveal"] = False
    return render(request, "ties/pair_detail.html", context)


@login_required
@require_POST
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pair_detail(request.user), pk=pk)
    require(rights.may_manage_pairs(request.user, pair.deputy))
    services.pair_end(actor=request.user, pair=pair)
    messages.success(request, _("The pairing has ended."))
    return redirect(pair)


@login_required
@require_POST
def contact_log(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pair_detail(request.user), pk=pk)
    require(rights.may_manage_pairs(request.user, pair.deputy))
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_log(actor=request.user, pair=pair, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact logged."))
            return redirect(pair)
    return render(request, "ties/pair_detail.html", _pair_context(request, pair, contact_form=form))


@login_required
@require_POST
def contact_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the opinion raised in a contact becomes a case."""
    contact = get_object_or_404(
        Contact.objects.filter(pair__in=selectors.pair_detail(request.user)).select_related(
            "pair__deputy"
        ),
        pk=pk,
    )
    require(rights.may_manage_pairs(request.user, contact.pair.deputy))
    try:
        petition = services.contact_raise_case(actor=request.user, contact=contact)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Recorded as a case. Tracking code: %(code)s") % {"code": petition.display_code},
        )
    return redirect(contact.pair)


@login_required
@require_http_methods(["GET", "POST"])
def committee_set(request: HttpRequest, pk: int) -> HttpResponse:
    """A clerk pairs a standing-committee member with 5–8 grassroots deputies."""
    require(rights.is_clerk_or_admin(request.user))
    member = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    choices = Deputy.objects.visible_to(request.user).active().exclude(pk=member.pk)
    initial = {"deputies": list(member.committee_links.values_list("deputy_id", flat=True))}
    form = CommitteeForm(request.POST or None, deputies=choices, initial=initial)
    response = save_form(
        request,
        form,
        lambda: services.committee_pairing_set(
            actor=request.user, member=member, deputies=form.cleaned_data["deputies"]
        ),
        lambda _links: saved(
            request, _("Pairing of %(name)s saved.") % {"name": member.name}, "ties:pairs"
        ),
    )
    return response or render(request, "ties/committee_form.html", {"form": form, "member": member})


# ---- grids -----------------------------------------------------------------------------------


@login_required
@require_GET
def grid_list(request: HttpRequest) -> HttpResponse:
    """Grid coverage: every grid with its deputies; grids nobody keeps in touch with first."""
    require(rights.sees_grid_coverage(request.user))
    grids = list(selectors.grid_coverage(request.user).prefetch_related("deputies"))
    uncovered = [g for g in grids if g.deputies_count == 0]  # type: ignore[attr-defined]
    return render(request, "ties/grid_list.html", {"grids": grids, "uncovered": uncovered})


@login_required
@require_http_methods(["GET", "POST"])
def deputy_grids(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    roles = roles_of(request.user)
    require(rights.runs_deputys_station(request.user, deputy) or roles.is_clerk)
    grids = Grid.objects.visible_to(request.user).filter(is_active=True).select_related("community")
    form = DeputyGridsForm(
        request.POST or None,
        grids=grids,
        initial={"grids": list(deputy.grid_links.values_list("grid_id", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_grids_set(
                actor=request.user, deputy=deputy, grids=form.cleaned_data["grids"]
            )
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Grids of %(name)s saved.") % {"name": deputy.name})
            return redirect("ties:grids")
    return render(request, "ties/deputy_grids.html", {"form": form, "deputy": deputy})


@login_required
@require_http_methods(["GET", "POST"])
def grid_home(request: HttpRequest) -> HttpResponse:
    """A grid worker's page: their grids and the form to record an opinion heard there."""
    grids = Grid.objects.filter(worker_id=request.user.pk, is_active=True).select_related(
        "community", "station"
    )
    require(roles_of(request.user).is_liaison and grids.exists())
    form = GridOpinionForm(request.POST or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("consent")
        try:
            petition = services.grid_opinion_record(actor=request.user, **data)
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Opinion recorded for the station. Tracking code: %(code)s")
                % {"code": petition.display_code},
            )
            return redirect("ties:grid_home")
    return render(request, "ties/grid_home.html", {"form": form, "grids": grids})


# ---- coverage --------------------------------------------------------------------------------


@login_required
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    require(rights.is_clerk_or_admin(request.user))
    return render(request, "ties/coverage.html", {"c": coverage.coverage(request.user)})


# ---- report-back sessions --------------------------------------------------------------------


def _runs_reportbacks(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


@login_required
@require_GET
def reportback_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(_runs_reportbacks(request.user) or roles.is_deputy)
    sessions = (
        ReportBack.objects.visible_to(request.user)
        .select_related("district", "station")
        .annotate(speakers_count=Count("speakers", distinct=True))
        .order_by("-held_on", "-pk")
    )
    page = paginate(request, sessions, PAGE_SIZE)
    return render(
        request,
        "ties/reportback_list.html",
        {
            "page": page,
            "can_create": _runs_reportbacks(request.user),
            "is_clerk": roles.is_clerk or roles.is_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reportback_create(request: HttpRequest) -> HttpResponse:
    require(_runs_reportbacks(request.user))
    roles = roles_of(request.user)
    districts = ElectoralDistrict.objects.visible_to(request.user)
    stations = Station.objects.visible_to(request.user).filter(is_active=True)
    if not (roles.is_admin or roles.is_clerk):
        # Station staff hold sessions at their station for the districts of its region.
        stations = stations.filter(managed_q(request.user, "pk"))
        districts = ElectoralDistrict.objects.filter(
            deputies__assignments__station__in=stations,
            deputies__assignments__end_date__isnull=True,
        ).distinct()
    deputies = Deputy.objects.filter(electoral_districts__in=districts).distinct()
    form = ReportBackForm(
        request.POST or None, districts=districts, stations=stations, deputies=deputies
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.reportback_create(
                actor=request.user,
                district=data["district"],
                held_on=data["held_on"],
                place=data["place"],
                station=data["station"],
                speakers=form.speakers(),
                attendees=data["attendees"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Report-back session saved."))
            return redirect(session)
    return render(request, "ties/reportback_form.html", {"form": form})


def _session(request: HttpRequest, pk: int) -> ReportBack:
    return get_object_or_404(
        ReportBack.objects.visible_to(request.user).select_related("district", "station"), pk=pk
    )


def _speakers(session: ReportBack):
    return session.speakers.select_related("deputy")


@login_required
@require_GET
def reportback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_session(request, _session(request, pk))


def _render_session(request: HttpRequest, session: ReportBack, form=None) -> HttpResponse:
    may_run = services.may_run_reportback(request.user, session.district, session.station)
    speakers = list(_speakers(session))
    return render(
        request,
        "ties/reportback_detail.html",
        {
            "session": session,
            "results": reportbacks.speaker_results(speakers),
            "used": session.codes.filter(used_at__isnull=False).count(),
            "may_run": may_run,
            "paper_form": form or (EvaluateForm(speakers=speakers) if may_run else None),
            "qr": qr.qr_svg(session.public_url).decode(),
        },
    )


@login_required
@require_GET
def reportback_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable evaluation forms: one sheet per attendee, with its one-time code."""
    session = _session(request, pk)
    require(services.may_run_reportback(request.user, session.district, session.station))
    return render(
        request,
        "ties/reportback_print.html",
        {
            "session": session,
            "speakers": list(_speakers(session)),
            "codes": session.codes.filter(used_at__isnull=True),
            "choices": Satisfaction.choices,
            "qr": qr.qr_svg(session.public_url).decode(),
        },
    )


@login_required
@require_POST
def reportback_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff type in a paper evaluation form (same code, same one-per-attendee rule)."""
    session = _session(request, pk)
    require(services.may_run_reportback(request.user, session.district, session.station))
    form = EvaluateForm(request.POST, speakers=list(_speakers(session)))
    if form.is_valid():
        try:
            services.reportback_evaluate(
                session=session,
                code=form.cleaned_data["code"],
                ratings=form.ratings(),
                on_paper=True,
                actor=request.user,
            )
        except (ValidationError, DomainError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Paper evaluation recorded."))
            return redirect(session)
    return _render_session(request, session, form)


@login_required
@require_GET
def reportback_compliance(request: HttpRequest) -> HttpResponse:
    """Per electoral district and term: who reported at least once, and the 30% oral share."""
    require(rights.is_clerk_or_admin(request.user))
    form = OnDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data.get("on") else None
    on = on or timezone.localdate()
    districts = ElectoralDistrict.objects.visible_to(request.user).select_related("region")
    rows = [reportbacks.district_compliance(d, on=on) for d in districts]
    return render(
        request, "ties/reportback_compliance.html", {"rows": rows, "on": on, "form": form}
    )


# ---- appointments ----------------------------------------------------------------------------


def _sees_appointments(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_deputy


def _with_whom(a: Appointment) -> str:
    if a.deputy:
        return a.deputy.name
    return a.meeting.topic if a.meeting else _("Station")


# "Export this list": the columns on screen, then the message sent to the constituent.
APPOINTMENT_COLUMNS = [
    listexport.Column(_lazy("Received"), lambda a: a.created_at),
    listexport.Column(_lazy("Station"), lambda a: a.station.name),
    listexport.Column(_lazy("With whom"), _with_whom),
    listexport.Column(_lazy("Topic"), lambda a: a.topic),
    listexport.Column(_lazy("Preferred time"), lambda a: a.preferred_time),
    listexport.Column(_lazy("Status"), lambda a: a.get_status_display()),
    listexport.Column(_lazy("Message to the constituent"), lambda a: a.message),
]


@login_required
@require_GET
def appointment_list(request: HttpRequest) -> HttpResponse:
    require(_sees_appointments(request.user))
    rows = Appointment.objects.visible_to(request.user).select_related(
        "station", "deputy", "meeting"
    )
    if listexport.wanted(request):
        return listexport.export_list(
            request, name=_("Appointments"), columns=APPOINTMENT_COLUMNS, rows=rows
        )
    page = paginate(request, rows, PAGE_SIZE)
    return render(request, "ties/appointment_list.html", {"page": page})


def _appointment_page(request: HttpRequest, appointment: Appointment, form=None, status=200):
    actions = APPOINTMENT.available(request.user, appointment)
    return render(
        request,
        "ties/appointment_detail.html",
        {
            "a": appointment,
            "actions": actions,
            "form": form or (AppointmentAnswerForm() if actions else None),
            "sees_name": rights.runs_appointment(request.user, appointment)
            or roles_of(request.user).deputy_id == appointment.deputy_id,
        },
        status=status,
    )


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.visible_to(request.user).select_related("station", "deputy", "meeting"),
        pk=pk,
    )
    return _appointment_page(request, appointment)


def appointment_action(name: str):
    """One POST view per row of ties.loop.APPOINTMENT (core.views_helpers.run_action)."""
    service = import_string(APPOINTMENT[name].service)

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        appointment = get_object_or_404(
            Appointment.objects.visible_to(request.user).select_related("station"), pk=pk
        )
        return run_action(
            request,
            appointment,
            APPOINTMENT,
            name,
            lambda form: _appointment_page(request, appointment, form, status=400),
            perform=lambda form: service(
                actor=request.user, appointment=appointment, **form.cleaned_data
            ),
        )

    view.__name__ = f"appointment_{name}"
    return view


# ---- themed meetings (代表出题 → 部门到场) --------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    require(_sees_appointments(request.user))
    rows = ThemedMeeting.objects.visible_to(request.user).select_related("station")
    rows = rows.annotate(items_count=Count("items")).order_by("-held_at", "-pk")
    page = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "ties/meeting_list.html",
        {
            "page": page,
            "can_create": roles_of(request.user).is_staff_member or roles_of(request.user).is_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require(roles.is_admin or roles.is_staff_member)
    stations = (
        Station.objects.filter(managed_q(request.user, "pk"))
        if not roles.is_admin
        else Station.objects.active()
    )
    deputies = Deputy.objects.visible_to(request.user).active()
    departments = Department.objects.visible_to(request.user).filter(is_active=True)
    form = MeetingForm(
        request.POST or None, stations=stations, deputies=deputies, departments=departments
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Themed meeting saved."))
            return redirect(meeting)
    return render(request, "ties/meeting_form.html", {"form": form})


def _meeting(request: HttpRequest, pk: int) -> ThemedMeeting:
    return get_object_or_404(
        ThemedMeeting.objects.visible_to(request.user).select_related("station"), pk=pk
    )


def _staff_rated_deputies(meeting: ThemedMeeting):
    """The meeting's deputies without an account: staff enter their ratings for them."""
    return meeting.deputies.filter(user__isnull=True).order_by("name_pinyin")


def _meeting_page(request: HttpRequest, meeting: ThemedMeeting, item_form=None, status=200):
    runs = rights.runs_station(request.user, meeting.station)
    items = list(
        meeting.items.select_related("petition", "raised_by", "department").prefetch_related(
            Prefetch("ratings", queryset=MeetingRating.objects.select_related("deputy"))
        )
    )
    deputies = list(meeting.deputies.all())
    for item in items:
        # This round's ratings, and who of the meeting's deputies has still to rate.
        ratings = [r for r in item.ratings.all() if r.round == item.petition.reopen_count]
        rated = {r.deputy_id for r in ratings}
        waiting = [d for d in deputies if d.pk not in rated]
        item.round_ratings = ratings  # type: ignore[attr-defined]
        item.waiting_for = waiting  # type: ignore[attr-defined]
        item.staff_may_enter = [d for d in waiting if d.user_id is None]  # type: ignore[attr-defined]
    offline = _staff_rated_deputies(meeting)
    return render(
        request,
        "ties/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "runs": runs,
            "item_form": item_form or (MeetingItemForm(meeting=meeting) if runs else None),
            "rate_form": MeetingRateForm(deputies=offline) if runs else None,
            "rates_here": rights.rates_meeting(request.user, meeting),
            "my_deputy_id": roles_of(request.user).deputy_id,
            "feedback_given": PetitionStatus.FEEDBACK_GIVEN,
            # The deputies of the meeting see every item, but the code only of cases they may
            # open (an item's case is the deputy's who raised it).
            "openable": openable_ids(request.user, [item.petition for item in items]),
        },
        status=status,
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, pk))


@login_required
@require_POST
def meeting_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(rights.runs_station(request.user, meeting.station))
    form = MeetingItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            item = services.meeting_item_add(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Item recorded as a case: %(code)s") % {"code": item.petition.display_code},
            )
            return redirect(meeting)
    return _meeting_page(request, meeting, form)


def _meeting_item(request: HttpRequest, pk: int) -> MeetingItem:
    return get_object_or_404(
        MeetingItem.objects.filter(
            meeting__in=ThemedMeeting.objects.visible_to(request.user)
        ).select_related("meeting__station", "petition", "department", "raised_by"),
        pk=pk,
    )


@login_required
@require_POST
def meeting_item_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter the rating of a deputy of the meeting who has no account (staff-recorded)."""
    item = _meeting_item(request, pk)
    require(rights.runs_station(request.user, item.meeting.station))
    form = MeetingRateForm(request.POST, deputies=_staff_rated_deputies(item.meeting))
    if not form.is_valid():
        messages.error(request, _("Choose the deputy and the rating."))
        return redirect(item.meeting)
    try:
        services.meeting_item_rate(actor=request.user, item=item, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("The rating of %(name)s is recorded (entered by the station).")
            % {"name": form.cleaned_data["deputy"].name},
        )
    return redirect(item.meeting)


# ---- grids and electoral districts, set by the clerks ------------------------------------------


def _clerk_grid(request: HttpRequest, pk: int) -> Grid:
    require(rights.is_clerk_or_admin(request.user))
    return get_object_or_404(
        Grid.objects.filter(community__in=Region.objects.covered_by(request.user)).select_related(
            "community", "station", "worker"
        ),
        pk=pk,
    )


def _grid_fields(form) -> dict:
    return {k: form.cleaned_data.get(k) for k in services.GRID_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def grid_create(request: HttpRequest) -> HttpResponse:
    require(rights.is_clerk_or_admin(request.user))
    form = GridForm(request.POST or None, user=request.user)
    response = save_form(
        request,
        form,
        lambda: services.grid_save(actor=request.user, fields=_grid_fields(form)),
        lambda grid: saved(
            request,
            _("Grid %(name)s saved: now choose the deputies who keep in touch with it.")
            % {"name": grid.name},
            "ties:grid_edit",
            pk=grid.pk,
        ),
    )
    return response or render(
        request, "ties/grid_form.html", {"form": form, "grid": None}, status=form_status(form)
    )


def _grid_page(request, grid: Grid, form=None, deputies_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "ties/grid_form.html",
        {
            "grid": grid,
            "form": form or GridForm(user=request.user, grid=grid),
            "deputies_form": deputies_form
            or GridDeputiesForm(
                deputies=services.grid_deputy_choices(grid),
                initial={"deputies": list(grid.deputy_links.values_list("deputy_id", flat=True))},
            ),
            "linked": grid.deputies.prefetch_related("grid_links__grid"),
            "topic": services.TOPIC_GRID,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grid = _clerk_grid(request, pk)
    form = GridForm(request.POST or None, user=request.user, grid=grid)
    response = save_form(
        request,
        form,
        lambda: services.grid_save(actor=request.user, grid=grid, fields=_grid_fields(form)),
        lambda _grid: saved(
            request,
            _("Grid %(name)s saved.") % {"name": form.cleaned_data["name"]},
            "ties:grid_edit",
            pk=grid.pk,
        ),
    )
    return response or _grid_page(request, grid, form=form, status=form_status(form))


@login_required
@require_POST
def grid_deputies(request: HttpRequest, pk: int) -> HttpResponse:
    """Which station deputies keep in touch with the grid (each keeps 1 or 2 grids)."""
    grid = _clerk_grid(request, pk)
    form = GridDeputiesForm(request.POST, deputies=services.grid_deputy_choices(grid))
    response = save_form(
        request,
        form,
        lambda: services.grid_deputies_set(
            actor=request.user, grid=grid, deputies=form.cleaned_data["deputies"]
        ),
        lambda _links: saved(
            request,
            _("Deputies of grid %(name)s saved.") % {"name": grid.name},
            "ties:grid_edit",
            pk=grid.pk,
        ),
    )
    return response or _grid_page(request, grid, deputies_form=form, status=400)


@login_required
@require_GET
def district_list(request: HttpRequest) -> HttpResponse:
    """The electoral districts of the clerk's area, by region and level."""
    require(rights.is_clerk_or_admin(request.user))
    rows = (
        ElectoralDistrict.objects.visible_to(request.user)
        .select_related("region")
        .annotate(deputies_count=Count("deputies", distinct=True))
        .order_by("region__path", "level", "name")
    )
    return render(request, "ties/district_list.html", {"page": paginate(request, rows, PAGE_SIZE)})


def _district_fields(form) -> dict:
    return {k: form.cleaned_data[k] for k in services.DISTRICT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def district_create(request: HttpRequest) -> HttpResponse:
    require(rights.is_clerk_or_admin(request.user))
    form = DistrictForm(request.POST or None, user=request.user)
    response = save_form(
        request,
        form,
        lambda: services.district_save(actor=request.user, fields=_district_fields(form)),
        lambda district: saved(
            request,
            _("Electoral district %(name)s saved: now choose its deputies.")
            % {"name": district.name},
            "ties:district_edit",
            pk=district.pk,
        ),
    )
    return response or render(
        request,
        "ties/district_form.html",
        {"form": form, "district": None},
        status=form_status(form),
    )


def _district_deputies(request: HttpRequest, district: ElectoralDistrict):
    """Active deputies grouped into a station of the district's region, and its members."""
    in_region = Deputy.objects.filter(
        assignments__end_date__isnull=True,
        assignments__station__region__path__startswith=district.region.path,
    ).values("pk")
    return (
        Deputy.objects.visible_to(request.user)
        .filter(Q(is_active=True, pk__in=in_region) | Q(electoral_districts=district))
        .distinct()
        .order_by("level", "name_pinyin")
    )


@login_required
@require_http_methods(["GET", "POST"])
def district_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(rights.is_clerk_or_admin(request.user))
    district = get_object_or_404(
        ElectoralDistrict.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    form = DistrictForm(
        request.POST or None,
        user=request.user,
        district=district,
        deputies=_district_deputies(request, district),
    )
    response = save_form(
        request,
        form,
        lambda: services.district_save(
            actor=request.user,
            district=district,
            fields=_district_fields(form),
            deputies=form.cleaned_data["deputies"],
        ),
        lambda _district: saved(
            request,
            _("Electoral district %(name)s saved.") % {"name": form.cleaned_data["name"]},
            "ties:district_edit",
            pk=district.pk,
        ),
    )
    return response or render(
        request,
        "ties/district_form.html",
        {
            "form": form,
            "district": district,
            "members": district.deputies.order_by("name_pinyin"),
            "topic": services.TOPIC_DISTRICT,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def meeting_ratings(request: HttpRequest) -> HttpResponse:
    """A deputy's themed-meeting answers waiting for their own rating, and those they rated."""
    deputy_id = roles_of(request.user).deputy_id
    if deputy_id is None:
        raise PermissionDenied
    rated = (
        MeetingRating.objects.filter(deputy_id=deputy_id)
        .select_related("item__meeting", "item__petition", "item__department")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "ties/meeting_ratings.html",
        {"due": services.meeting_ratings_due(request.user), "rated": rated},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_item_rate_mine(request: HttpRequest, pk: int) -> HttpResponse:
    """A deputy of the meeting rates the department's answer on their own (phone-friendly)."""
    item = _meeting_item(request, pk)
    require(rights.rates_meeting(request.user, item.meeting))
    form = MeetingRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_item_rate(actor=request.user, item=item, **form.cleaned_data)
        except (ValidationError, DomainError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
            return redirect("ties:meeting_ratings")
    petition = item.petition
    reply = (
        petition.replies.filter(is_lead=True, round=petition.reopen_count)
        .order_by("-created_at")
        .first()
    )
    mine = item.ratings.filter(
        deputy_id=roles_of(request.user).deputy_id or 0, round=petition.reopen_count
    ).first()
    return render(
        request,
        "ties/meeting_item_rate.html",
        {
            "item": item,
            "reply": reply,
            "mine": mine,
            "open": petition.status == PetitionStatus.FEEDBACK_GIVEN and mine is None,
            "can_open": bool(openable_ids(request.user, [petition])),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
