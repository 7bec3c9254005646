"""Staff, deputy and department pages of the closed loop (thin: form → service → redirect)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import listexport
from core.input import clean_phone
from core.machine import Action
from core.models import ASKED_REVEAL_REASONS, RevealReason
from core.reveal import personal_data_reveal, reveal_from_post
from core.roles import roles_of
from core.views_helpers import CappedPaginator, add_service_error, run_action

from . import duplicates, rights, selectors, services
from . import forms as f
from .choices import UNDER_DEADLINE, Channel, Status
from .loop import LOOP
from .models import Attachment, CannedReply, Petition, Reception

PAGE_SIZE = 25
# The list counts at most this many cases (a province's whole list: "10,000+", pages to there).
LIST_COUNT_CAP = 10_000


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _visible(request, pk: int) -> Petition:
    return get_object_or_404(
        Petition.objects.visible_to(request.user).select_related("station", "lead_department"),
        pk=pk,
    )


def sees_contact(user, petition: Petition) -> bool:
    """Station staff and the handlers of the departments on the case see the full phone."""
    return rights.is_station_staff(user, petition) or rights.handles_case(user, petition)


# ---- receptions ------------------------------------------------------------------------------


# "Export this list": the columns on screen, then what was said and who sat.
RECEPTION_COLUMNS = [
    listexport.Column(pgettext_lazy("date and time", "Held at"), lambda r: r.held_at),
    listexport.Column(_lazy("Station"), lambda r: r.station.name),
    listexport.Column(_lazy("Type"), lambda r: r.get_kind_display()),
    listexport.Column(_lazy("Topic"), lambda r: r.topic),
    listexport.Column(_lazy("Constituents"), lambda r: r.constituents_count),
    listexport.Column(_lazy("Opinions"), lambda r: r.petition_count),
    listexport.Column(
        _lazy("Deputies present"), lambda r: "、".join(sorted(d.name for d in r.deputies.all()))
    ),
    listexport.Column(_lazy("Notes"), lambda r: r.notes),
]


def _records_receptions(roles) -> bool:
    """Admins, station staff and part-time liaisons (grid workers) log receptions."""
    return roles.is_admin or roles.is_staff_member or roles.is_liaison


@login_required
@require_GET
def reception_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(
        roles.is_admin
        or roles.is_clerk
        or roles.is_staff_member
        or roles.is_deputy
        or roles.is_liaison
    )
    if listexport.wanted(request):
        # Part-time liaisons see the station's receptions to log theirs, not a file of them.
        _require(roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_deputy)
        return listexport.export_list(
            request,
            name=_("Receptions"),
            columns=RECEPTION_COLUMNS,
            rows=selectors.reception_list(request.user).prefetch_related("deputies"),
        )
    page = Paginator(selectors.reception_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_create = _records_receptions(roles)
    return render(
        request, "petitions/reception_list.html", {"page": page, "can_create": can_create}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reception_create(request: HttpRequest) -> HttpResponse:
    _require(_records_receptions(roles_of(request.user)))
    form = f.ReceptionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        reception = form.save(commit=False)
        _require(rights.may_record_at(request.user, reception.station))
        reception.created_by = request.user
        reception.save()
        form.save_m2m()
        messages.success(request, _("Reception saved. Record the opinions raised below."))
        return redirect(reception)
    return render(request, "petitions/reception_form.html", {"form": form})


def _opinion_context(
    request, reception: Reception, form=None, *, with_rows=False, new_petition=None
) -> dict:
    sees_all = rights.sees_reception_opinions(request.user, reception)
    context = {
        "reception": reception,
        "form": form or f.ReceptionOpinionForm(reception=reception, phone_history=sees_all),
        "can_record": rights.may_record_at(request.user, reception.station),
        "sees_all": sees_all,
        "new_petition": new_petition,
    }
    rows = list(_reception_rows(request, reception, sees_all)) if with_rows else []
    if with_rows:
        context["rows"] = rows
    shown = [*rows, *([new_petition] if new_petition else [])]
    # A row is a link with its tracking code only for a case the user may open: a deputy
    # present sees every opinion of the reception, but the code only of their own cases.
    context["openable"] = selectors.openable_ids(request.user, shown)
    return context


def _reception_rows(request, reception: Reception, sees_all: bool):
    """Every opinion of the reception, or only the user's own for a part-time liaison."""
    rows = selectors.reception_petitions(reception)
    return rows if sees_all else rows.filter(created_by=request.user)


@login_required
@require_GET
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reception = get_object_or_404(
        Reception.objects.visible_to(request.user)
        .select_related("station")
        .prefetch_related("deputies", "departments"),
        pk=pk,
    )
    context = _opinion_context(request, reception, with_rows=True)
    return render(request, "petitions/reception_detail.html", context)


@login_required
@require_POST
def reception_add_petition(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one opinion raised at the reception (staff, or the station's grid workers)."""
    reception = get_object_or_404(
        Reception.objects.visible_to(request.user).select_related("station"), pk=pk
    )
    _require(rights.may_record_at(request.user, reception.station))
    form = f.ReceptionOpinionForm(
        request.POST,
        request.FILES,
        reception=reception,
        phone_history=rights.sees_reception_opinions(request.user, reception),
    )
    petition = None
    if form.is_valid():
        try:
            petition = services.petition_submit(
                actor=request.user,
                submission=form.submission(
                    station=reception.station,
                    channel=Channel.RECEPTION,
                    reception=reception,
                    is_anonymous=False,
                    consent=True,
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if request.headers.get("HX-Request"):
        context = _opinion_context(
            request, reception, None if petition else form, new_petition=petition
        )
        return render(request, "petitions/_reception_opinion_response.html", context)
    if petition is None:
        context = _opinion_context(request, reception, form, with_rows=True)
        return render(request, "petitions/reception_detail.html", context, status=200)
    messages.success(
        request, _("Opinion recorded. Tracking code: %(code)s") % {"code": petition.display_code}
    )
    return redirect(reception)


@login_required
@require_GET
def phone_history(request: HttpRequest) -> HttpResponse:
    """The constituent's earlier cases with the number being typed (an htmx fragment under the
    phone field): those the user may see, newest first, the number shown masked."""
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_staff_member)
    try:
        phone = clean_phone(request.GET.get("phone", ""))
    except ValidationError:
        phone = ""
    rows = selectors.earlier_cases_by_phone(request.user, phone) if len(phone) >= 7 else []
    return render(request, "petitions/_phone_history.html", {"rows": rows, "phone": phone})


# ---- petitions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_staff_member)
    form = f.PetitionCreateForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_submit(
                actor=request.user, submission=form.submission(consent=True)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Petition recorded. Tracking code: %(code)s") % {"code": petition.display_code},
            )
            return redirect(petition)
    return render(request, "petitions/petition_form.html", {"form": form})


@login_required
@require_GET
def petition_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_anyone)
    form = f.PetitionFilterForm(request.GET or None, actor=request.user)
    today = timezone.localdate()
    qs = selectors.petition_list(
        request.user, form.cleaned_data if form.is_valid() else {}, today=today
    )
    if form.is_bound and not form.is_valid():
        # Showing every case for a filter we could not read would overstate what was asked.
        qs = qs.none()
    page = CappedPaginator(qs, PAGE_SIZE, LIST_COUNT_CAP).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/petition_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "can_create": roles.is_admin or roles.is_staff_member,
        },
    )


@login_required
@require_GET
def my_petitions(request: HttpRequest) -> HttpResponse:
    """A deputy's page: the opinions they received, with accept / decline at hand."""
    roles = roles_of(request.user)
    _require(roles.is_deputy)
    page = Paginator(selectors.deputy_petitions(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "petitions/my_petitions.html", {"page": page, "today": timezone.localdate()}
    )


@login_required
@require_GET
def department_cases(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_handler)
    open_cases, other_cases = selectors.department_case_groups(request.user)
    page = Paginator(other_cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/department_cases.html",
        {"open_cases": open_cases, "page": page, "today": timezone.localdate()},
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_object_or_404(
        selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
    )
    return _render_detail(request, petition)


def _form_class(action: Action) -> type[f.ActionForm]:
    return import_string(action.form)


def _render_detail(
    request,
    petition: Petition,
    invalid: tuple[str, object] | None = None,
    *,
    revealed: bool = False,
):
    """The case page; ``invalid`` = (action, bound form) re-shows a rejected form with its errors
    and everything the user typed, opened at that action."""
    actions: list[dict] = []
    for row in LOOP.available(request.user, petition):
        if invalid and invalid[0] == row.name:
            form = invalid[1]
        else:
            form = _form_class(row)(petition=petition, actor=request.user)
        actions.append(
            {
                "name": row.name,
                "label": row.label,
                "url": reverse(row.url_name, args=[petition.pk]),
                "form": form,
                "open": (invalid[0] == row.name) if invalid else not actions,
            }
        )
    # Accepting or triaging: open cases like this one, each a click away from a merge.
    hints = (
        duplicates.similar_open_cases(petition, request.user)
        if petition.status in (Status.SUBMITTED, Status.ACCEPTED)
        and any(a["name"] == "merge" for a in actions)
        else []
    )
    # A hint of another station (same street) merges only for staff of both stations.
    mergeable = {
        h.petition.pk
        for h in hints
        if h.petition.station_id == petition.station_id
        or rights.may_merge_across(request.user, petition, h.petition)
    }
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "duplicate_hints": hints,
            "mergeable": mergeable,
            "reopened": selectors.reopen_reason(petition),
            "actions": actions,
            "show_contact": sees_contact(request.user, petition),
            "revealed": revealed,
            "reveal_reasons": ASKED_REVEAL_REASONS,
            "today": timezone.localdate(),
            "overdue": petition.status in UNDER_DEADLINE
            and petition.deadline is not None
            and petition.deadline < timezone.localdate(),
            "can_print": rights.may_print_slips(request.user, petition),
        },
        status=400 if invalid else 200,
    )


def action_view(name: str):
    """The POST view of one loop action (core.views_helpers.run_action with the row's
    service), then back to the page it came from."""
    service = import_string(LOOP[name].service)

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        petition = _visible(request, pk)

        def show(form) -> HttpResponse:
            fresh = get_object_or_404(
                selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
            )
            return _render_detail(request, fresh, invalid=(name, form))

        return run_action(
            request,
            petition,
            LOOP,
            name,
            show,
            form_kwargs={"petition": petition, "actor": request.user},
            perform=lambda form: service(
                actor=request.user, petition=petition, **form.service_kwargs()
            ),
            refused=_("You may not do this on this case."),
            back=request.POST["next"] if _safe_next(request) else "",
        )

    view.__name__ = f"petition_{name}"
    return view


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})


# ---- canned replies (kept by each department's handlers) ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def canned_replies(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_handler)
    form = f.CannedReplyForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("petitions:canned_replies")
    rows = CannedReply.objects.filter(
        department_id__in=roles.handler_department_ids
    ).select_related("department")
    return render(request, "petitions/canned_replies.html", {"form": form, "rows": rows})


@login_required
@require_POST
def canned_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    roles = roles_of(request.user)
    row = get_object_or_404(
        CannedReply.objects.filter(department_id__in=roles.handler_department_ids), pk=pk
    )
    services.canned_reply_delete(actor=request.user, canned=row)
    messages.success(request, _("Canned reply deleted."))
    return redirect("petitions:canned_replies")


# ---- attachments and printable slips ---------------------------------------------------------


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a file only to users who may see its petition (never a public media URL)."""
    item = get_object_or_404(
        Attachment.objects.filter(petition__in=Petition.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    response["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{_quote(item.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _slip_petition(request, pk: int) -> Petition:
    petition = get_object_or_404(
        selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
    )
    _require(rights.may_print_slips(request.user, petition))
    return petition


@login_required
@require_GET
def assignment_slip(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _slip_petition(request, pk)
    if petition.lead_department_id is None:
        messages.error(request, _("The case has not been assigned to a department yet."))
        return redirect(petition)
    # The slip goes on paper to the department: the masked number unless staff ask for the
    # full one, which is recorded like any other look at it.
    full_phone = request.GET.get("full_phone") == "1" and sees_contact(request.user, petition)
    if full_phone:
        personal_data_reveal(
            actor=request.user,
            subject=petition,
            field="phone",
            reason=RevealReason.HANDLING,
            allowed=True,
        )
    return render(
        request,
        "petitions/assignment_slip.html",
        {
            "petition": petition,
            "today": timezone.localdate(),
            "full_phone": full_phone,
            "can_print_full": sees_contact(request.user, petition) and not full_phone,
        },
    )


@login_required
@require_POST
def reveal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the constituent's full phone and address once, with an audit row saying why."""
    petition = get_object_or_404(
        selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
    )
    shown = reveal_from_post(
        request, subject=petition, field="phone", allowed=sees_contact(request.user, petition)
    )
    if shown is None:
        return redirect(petition)
    return _render_detail(request, petition, revealed=True)


@login_required
@require_GET
def reply_slip(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _slip_petition(request, pk)
    replies = [r for r in petition.replies.all() if r.round == petition.reopen_count]
    if not petition.reply_summary:
        messages.error(request, _("The case has no reply yet."))
        return redirect(petition)
    return render(
        request,
        "petitions/reply_slip.html",
        {"petition": petition, "replies": replies, "today": timezone.localdate()},
    )
