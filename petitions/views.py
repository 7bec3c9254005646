"""Staff, deputy and department pages of the closed loop (thin: form → service → redirect)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.roles import roles_of

from . import forms as f
from . import selectors, services
from .choices import UNDER_DEADLINE, Channel, RaterKind
from .models import Attachment, Petition, Reception
from .services import IllegalTransition, PetitionError, StaleCase

PAGE_SIZE = 25


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
    if services.is_station_staff(user, petition):
        return True
    ids = roles_of(user).handler_department_ids
    if not ids:
        return False
    if petition.lead_department_id in ids:
        return True
    return any(d.pk in ids for d in petition.assisting_departments.all())


# ---- receptions ------------------------------------------------------------------------------


@login_required
@require_GET
def reception_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_deputy)
    page = Paginator(selectors.reception_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_create = roles.is_admin or roles.is_staff_member
    return render(
        request, "petitions/reception_list.html", {"page": page, "can_create": can_create}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reception_create(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_staff_member)
    form = f.ReceptionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        reception = form.save(commit=False)
        _require(services.can_manage_station(roles, reception.station))
        reception.created_by = request.user
        reception.save()
        form.save_m2m()
        messages.success(request, _("Reception saved. Record the opinions raised below."))
        return redirect(reception)
    return render(request, "petitions/reception_form.html", {"form": form})


def _opinion_context(request, reception: Reception, form=None) -> dict:
    return {
        "reception": reception,
        "form": form or f.ReceptionOpinionForm(reception=reception),
        "can_record": services.can_manage_station(roles_of(request.user), reception.station),
    }


@login_required
@require_GET
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reception = get_object_or_404(
        Reception.objects.visible_to(request.user)
        .select_related("station")
        .prefetch_related("deputies", "departments"),
        pk=pk,
    )
    context = _opinion_context(request, reception)
    context["rows"] = selectors.reception_petitions(reception)
    return render(request, "petitions/reception_detail.html", context)


@login_required
@require_POST
def reception_add_petition(request: HttpRequest, pk: int) -> HttpResponse:
    reception = get_object_or_404(
        Reception.objects.visible_to(request.user).select_related("station"), pk=pk
    )
    _require(services.can_manage_station(roles_of(request.user), reception.station))
    form = f.ReceptionOpinionForm(request.POST, request.FILES, reception=reception)
    petition = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            petition = services.petition_submit(
                actor=request.user,
                station=reception.station,
                channel=Channel.RECEPTION,
                reception=reception,
                deputy=d["deputy"],
                title=d["title"],
                content=d["content"],
                constituent_name=d["constituent_name"],
                phone=d["phone"],
                address=d["address"],
                id_number=d["id_number"],
                is_anonymous=False,
                category=d["category"],
                location_text=d["location_text"],
                consent=True,
                idempotency_key=d["idempotency_key"] or None,
                attachments=d["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if request.headers.get("HX-Request"):
        context = _opinion_context(request, reception, None if petition else form)
        context["new_petition"] = petition
        return render(request, "petitions/_reception_opinion_response.html", context)
    if petition is None:
        context = _opinion_context(request, reception, form)
        context["rows"] = selectors.reception_petitions(reception)
        return render(request, "petitions/reception_detail.html", context, status=200)
    messages.success(
        request, _("Opinion recorded. Tracking code: %(code)s") % {"code": petition.display_code}
    )
    return redirect(reception)


# ---- petitions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_staff_member)
    form = f.PetitionCreateForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            petition = services.petition_submit(
                actor=request.user,
                station=d["station"],
                channel=d["channel"],
                deputy=d["deputy"],
                title=d["title"],
                content=d["content"],
                constituent_name=d["constituent_name"],
                phone=d["phone"],
                address=d["address"],
                id_number=d["id_number"],
                is_anonymous=d["is_anonymous"],
                category=d["category"],
                location_text=d["location_text"],
                consent=True,
                idempotency_key=d["idempotency_key"] or None,
                attachments=d["attachments"],
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
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
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


ACTION_FORMS: dict[str, type[f.ActionForm]] = {
    "accept": f.AcceptForm,
    "decline": f.DeclineForm,
    "merge": f.MergeForm,
    "triage": f.TriageForm,
    "resolve_on_spot": f.ResolveForm,
    "assign": f.AssignForm,
    "receive": f.ReceiveForm,
    "return": f.ReturnForm,
    "extension_request": f.ExtensionRequestForm,
    "extension_decide": f.ExtensionDecideForm,
    "reply": f.ReplyForm,
    "opinion": f.OpinionForm,
    "feedback": f.FeedbackForm,
    "rate_deputy": f.RateDeputyForm,
}
ACTION_URLS = {
    "resolve_on_spot": "petitions:resolve",
    "opinion": "petitions:opinion",
}


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_object_or_404(
        selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
    )
    return _render_detail(request, petition)


# The step that moves the case forward opens first; turning it back or away comes last.
ACTION_ORDER = [
    "accept",
    "triage",
    "assign",
    "receive",
    "reply",
    "resolve_on_spot",
    "feedback",
    "rate_deputy",
    "opinion",
    "extension_decide",
    "extension_request",
    "merge",
    "decline",
    "return",
]


def _action_order(name: str) -> int:
    return ACTION_ORDER.index(name) if name in ACTION_ORDER else len(ACTION_ORDER)


def _render_detail(request, petition: Petition, invalid: tuple[str, object] | None = None):
    """The case page; ``invalid`` = (action, bound form) re-shows a rejected form with its errors
    and everything the user typed, opened at that action."""
    actions: list[dict[str, object]] = []
    for name in sorted(services.available_actions(request.user, petition), key=_action_order):
        if invalid and invalid[0] == name:
            form = invalid[1]
        else:
            form = ACTION_FORMS[name](petition=petition, actor=request.user)
        actions.append(
            {
                "name": name,
                "label": services.ACTION_LABELS[name],
                "url": reverse(ACTION_URLS.get(name, f"petitions:{name}"), args=[petition.pk]),
                "form": form,
                "open": (invalid[0] == name) if invalid else not actions,
            }
        )
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "actions": actions,
            "show_contact": sees_contact(request.user, petition),
            "today": timezone.localdate(),
            "overdue": petition.status in UNDER_DEADLINE
            and petition.deadline is not None
            and petition.deadline < timezone.localdate(),
            "can_print": services.is_station_staff(request.user, petition)
            or services.is_lead_handler(request.user, petition)
            or roles_of(request.user).is_clerk,
        },
        status=400 if invalid else 200,
    )


def _action_view(action: str, run: Callable[[HttpRequest, Petition, dict], str | None]):
    """One POST view per action: check rights (403), validate, call the service, redirect back."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        petition = _visible(request, pk)
        _require(services.may(request.user, action, petition))
        form = ACTION_FORMS[action](
            request.POST, request.FILES, petition=petition, actor=request.user
        )
        back = redirect(
            request.POST["next"] if _safe_next(request) else petition.get_absolute_url()
        )
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: please correct the form below."))
            fresh = get_object_or_404(
                selectors.petition_detail(Petition.objects.visible_to(request.user)), pk=pk
            )
            return _render_detail(request, fresh, invalid=(action, form))
        data = form.cleaned_data
        try:
            done = run(request, petition, data)
        except StaleCase as exc:
            messages.warning(request, str(exc))
        except (IllegalTransition, PetitionError) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(
                request, _("Nothing was changed: %(errors)s") % {"errors": " ".join(exc.messages)}
            )
        except PermissionDenied:
            messages.error(request, _("You may not do this on this case."))
        else:
            messages.success(request, done or _("Done."))
        return back

    view.__name__ = f"petition_{action}"
    return view


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})


def action(name: str):
    """Turn ``def accept(request, petition, data) -> message`` into the POST view for ``name``."""
    return lambda run: _action_view(name, run)


def _v(data: dict) -> dict:
    """The version the form showed, so a case changed meanwhile is refused (StaleCase)."""
    return {"expected_version": data["version"]}


@action("accept")
def accept(request, petition, data) -> str:
    services.petition_accept(actor=request.user, petition=petition, note=data["note"], **_v(data))
    return _("Accepted.")


@action("decline")
def decline(request, petition, data) -> str:
    services.petition_decline(
        actor=request.user, petition=petition, reason=data["reason"], **_v(data)
    )
    return _("Declined.")


@action("merge")
def merge(request, petition, data) -> str:
    services.petition_merge(actor=request.user, petition=petition, into=data["into"], **_v(data))
    return _("Merged into %(code)s.") % {"code": data["into"].display_code}


@action("triage")
def triage(request, petition, data) -> str:
    services.petition_triage(
        actor=request.user,
        petition=petition,
        category=data["category"],
        urgency=data["urgency"],
        tier=data["tier"],
        note=data["note"],
        **_v(data),
    )
    return _("Triaged.")


@action("resolve_on_spot")
def resolve(request, petition, data) -> str:
    services.petition_resolve_on_spot(
        actor=request.user, petition=petition, resolution=data["resolution"], **_v(data)
    )
    return _("Recorded as settled on the spot.")


@action("assign")
def assign(request, petition, data) -> str:
    done = services.petition_assign(
        actor=request.user,
        petition=petition,
        lead_department=data["lead_department"],
        assisting_departments=list(data["assisting_departments"]),
        deadline=data["deadline"],
        note=data["note"],
        **_v(data),
    )
    return _("Assigned to %(dept)s, reply due by %(date)s.") % {
        "dept": done.lead_department,
        "date": done.deadline,
    }


@action("receive")
def receive(request, petition, data) -> str:
    services.petition_receive(actor=request.user, petition=petition, **_v(data))
    return _("Signed for: the case is now being handled.")


@action("return")
def return_case(request, petition, data) -> str:
    services.petition_return(
        actor=request.user, petition=petition, reason=data["reason"], **_v(data)
    )
    return _("Returned to the station.")


@action("extension_request")
def extension_request(request, petition, data) -> str:
    services.extension_request(
        actor=request.user,
        petition=petition,
        requested_deadline=data["requested_deadline"],
        reason=data["reason"],
        **_v(data),
    )
    return _("Extension requested.")


@action("extension_decide")
def extension_decide(request, petition, data) -> str:
    services.extension_decide(
        actor=request.user,
        petition=petition,
        approve=data["approve"],
        note=data["note"],
        **_v(data),
    )
    return _("Extension approved.") if data["approve"] else _("Extension refused.")


@action("reply")
def reply(request, petition, data) -> str:
    services.petition_reply(
        actor=request.user,
        petition=petition,
        body=data["body"],
        attachments=data["attachments"],
        **_v(data),
    )
    return _("Reply sent.")


@action("opinion")
def opinion(request, petition, data) -> str:
    services.reply_add_opinion(
        actor=request.user,
        petition=petition,
        body=data["body"],
        attachments=data["attachments"],
        **_v(data),
    )
    return _("Opinion added.")


@action("feedback")
def feedback(request, petition, data) -> str:
    services.petition_give_feedback(
        actor=request.user, petition=petition, method=data["method"], note=data["note"], **_v(data)
    )
    return _("Feedback recorded.")


@action("rate_deputy")
def rate_deputy(request, petition, data) -> str:
    services.petition_rate(
        actor=request.user,
        petition=petition,
        rater=RaterKind.DEPUTY,
        satisfaction=data["satisfaction"],
        comment=data["comment"],
        **_v(data),
    )
    return _("Your rating was recorded.")


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
    roles = roles_of(request.user)
    _require(
        services.is_station_staff(request.user, petition)
        or services.is_lead_handler(request.user, petition)
        or roles.is_clerk
    )
    return petition


@login_required
@require_GET
def assignment_slip(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _slip_petition(request, pk)
    if petition.lead_department_id is None:
        messages.error(request, _("The case has not been assigned to a department yet."))
        return redirect(petition)
    return render(
        request,
        "petitions/assignment_slip.html",
        {
            "petition": petition,
            "today": timezone.localdate(),
            "show_contact": sees_contact(request.user, petition),
        },
    )


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
