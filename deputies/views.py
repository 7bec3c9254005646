"""Deputy registry pages: list, profile, create/edit, assignments, own page, public page, Excel."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import qr
from core.excel import XLSX_CONTENT_TYPE, BadWorkbook
from core.models import ASKED_REVEAL_REASONS
from core.reveal import reveal_from_post
from core.roles import roles_of
from core.views_helpers import (
    form_status,
    paginate,
    require,
    save_form,
    saved,
)
from stations.models import Station

from . import importing, services
from .choices import DeputyLevel
from .filters import DeputyFilter
from .forms import (
    AssignmentForm,
    DeputyCreateForm,
    DeputyForm,
    EndAssignmentForm,
    ImportUploadForm,
    TermForm,
)
from .models import Deputy, DeputyTerm, StationAssignment
from .rights import can_edit_deputy, can_manage_deputies, may_reveal_phone, shown_phone
from .selectors import deputy_detail_assignments, deputy_list, editable_deputies

PAGE_SIZE = 30


@login_required
@require_GET
def deputy_list_view(request):
    require(can_manage_deputies(request.user))
    filterset = DeputyFilter(request.GET, queryset=deputy_list(request.user), request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    rows = [(d, shown_phone(request.user, d)) for d in page.object_list]
    return render(
        request,
        "deputies/list.html",
        {"filter": filterset, "page": page, "rows": rows, "can_create": True},
    )


@login_required
@require_GET
def deputy_detail(request, pk: int):
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    return render(request, "deputies/detail.html", _profile_context(request, deputy))


@login_required
@require_POST
def reveal_phone(request, pk: int):
    """Show the deputy's full phone once, with an audit row saying who, when and why."""
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    phone = reveal_from_post(
        request, subject=deputy, field="phone", allowed=may_reveal_phone(request.user, deputy)
    )
    if phone is None:
        return redirect("deputies:detail", pk=deputy.pk)
    context = _profile_context(request, deputy)
    context["phone"] = phone
    context["may_reveal_phone"] = False
    return render(request, "deputies/detail.html", context)


def _profile_context(request, deputy: Deputy) -> dict:
    can_edit = can_edit_deputy(request.user, deputy)
    editable_ids = (
        set(Station.objects.editable_by(request.user).values_list("pk", flat=True))
        if can_edit
        else set()
    )
    assign_form = None
    if can_edit:
        assign_form = AssignmentForm(user=request.user)
        assign_form.helper.form_action = reverse("deputies:assign", args=[deputy.pk])
    return {
        "deputy": deputy,
        "phone": shown_phone(request.user, deputy),
        "may_reveal_phone": may_reveal_phone(request.user, deputy),
        "reveal_reasons": ASKED_REVEAL_REASONS,
        "assignments": deputy_detail_assignments(deputy),
        "can_edit": can_edit,
        "editable_station_ids": editable_ids,
        "assign_form": assign_form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def deputy_create(request):
    require(can_manage_deputies(request.user))
    form = DeputyCreateForm(request.POST or None, request.FILES or None, user=request.user)

    def create() -> Deputy:
        data = dict(form.cleaned_data)
        station, start_date = data.pop("station"), data.pop("start_date")
        return services.deputy_create(
            actor=request.user, data=data, station=station, start_date=start_date
        )

    response = save_form(
        request,
        form,
        create,
        lambda deputy: saved(
            request, _("Deputy %(name)s registered.") % {"name": deputy.name}, deputy
        ),
    )
    return response or render(request, "deputies/form.html", {"form": form, "deputy": None})


@login_required
@require_http_methods(["GET", "POST"])
def deputy_edit(request, pk: int):
    deputy = get_object_or_404(editable_deputies(request.user), pk=pk)
    form = DeputyForm(
        request.POST or None, request.FILES or None, instance=deputy, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.deputy_update(actor=request.user, deputy=deputy, data=form.cleaned_data)
        messages.success(request, _("Changes to %(name)s saved.") % {"name": deputy.name})
        return redirect(deputy)
    return render(request, "deputies/form.html", {"form": form, "deputy": deputy})


@login_required
@require_POST
def assignment_add(request, pk: int):
    deputy = get_object_or_404(editable_deputies(request.user), pk=pk)
    form = AssignmentForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request,
                f"{label}: {' '.join(map(str, errors))}" if label else " ".join(map(str, errors)),
            )
        return redirect(deputy)
    try:
        assignment = services.assignment_add(actor=request.user, deputy=deputy, **form.cleaned_data)
    except services.AssignmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now assigned to %(station)s.")
            % {"name": deputy.name, "station": assignment.station.name},
        )
    return redirect(deputy)


@login_required
@require_POST
def assignment_end(request, pk: int):
    assignment = get_object_or_404(
        StationAssignment.objects.select_related("deputy", "station").filter(
            station__in=Station.objects.editable_by(request.user)
        ),
        pk=pk,
    )
    form = EndAssignmentForm(request.POST)
    end_date = form.cleaned_data.get("end_date") if form.is_valid() else None
    try:
        services.assignment_end(actor=request.user, assignment=assignment, end_date=end_date)
    except services.AssignmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s's assignment to %(station)s has ended.")
            % {"name": assignment.deputy.name, "station": assignment.station.name},
        )
    return redirect("deputies:detail", pk=assignment.deputy_id)


@login_required
@require_GET
def me(request):
    roles = roles_of(request.user)
    if not roles.is_deputy:
        raise Http404
    deputy = get_object_or_404(Deputy, pk=roles.deputy_id)
    context = _profile_context(request, deputy)
    context["current"] = [a for a in context["assignments"] if a.end_date is None]
    return render(request, "deputies/me.html", context)


@require_GET
def public(request, public_code: str):
    deputy = get_object_or_404(Deputy.objects.active(), public_code=public_code)
    try:
        submit_url = reverse("public:deputy_submit", args=[public_code])
    except NoReverseMatch:
        # The public submission pages may not be installed yet; then there is no button.
        submit_url = None
    stations = [
        a.station
        for a in deputy.assignments.filter(end_date__isnull=True).select_related("station")
    ]
    return render(
        request,
        "deputies/public.html",
        {"deputy": deputy, "stations": stations, "submit_url": submit_url},
    )


@require_GET
def qr_svg(request, public_code: str):
    deputy = get_object_or_404(Deputy.objects.active(), public_code=public_code)
    return HttpResponse(qr.qr_svg(deputy.public_url), content_type="image/svg+xml")


@require_GET
def qr_png(request, public_code: str):
    deputy = get_object_or_404(Deputy.objects.active(), public_code=public_code)
    response = HttpResponse(qr.qr_png(deputy.public_url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="deputy-{public_code}.png"'
    return response


@login_required
@require_GET
def export(request):
    require(can_manage_deputies(request.user))
    filterset = DeputyFilter(request.GET, queryset=deputy_list(request.user), request=request)
    # A temporary file keeps memory flat for a whole province's registry.
    target = tempfile.TemporaryFile()
    importing.export_xlsx(target, request.user, filterset.qs.iterator(chunk_size=2000))
    target.seek(0)
    filename = f"deputies-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def import_template(request):
    require(can_manage_deputies(request.user))
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="deputies-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload -> dry run listing every bad row -> confirm, which imports all rows or none."""
    require(can_manage_deputies(request.user))
    context: dict = {"form": ImportUploadForm()}
    if request.method == "POST" and "token" in request.POST:
        path = importing.stashed_path(request.POST["token"], request.user)
        if path is None:
            messages.error(request, _("The uploaded file has expired; please upload it again."))
            return redirect("deputies:import")
        with open(path, "rb") as upload:
            report = importing.deputy_import(actor=request.user, upload=upload)
        if report.ok:
            path.unlink(missing_ok=True)
            messages.success(request, _("%(n)d deputies imported.") % {"n": len(report.valid)})
            return redirect("deputies:list")
        # The data changed since the preview (e.g. a phone was registered meanwhile).
        messages.error(request, _("Nothing was imported: the file no longer passes the check."))
        context.update(report=report, token=request.POST["token"])
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = importing.check(upload, request.user)
            except BadWorkbook as exc:
                form.add_error("file", str(exc))
            else:
                context["report"] = report
                if report.ok and report.valid:
                    upload.seek(0)
                    context["token"] = importing.stash_upload(upload, request.user)
    if "report" in context:
        context["preview"] = context["report"].valid[:20]
    context["headers"] = importing.headers()
    return render(request, "deputies/import.html", context)


# --- Terms (届), kept by the clerks ---------------------------------------------------------


def _clerk_or_admin(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk


@login_required
@require_GET
def term_list(request):
    """The deputies of the clerk's area with their current term; those without one first."""
    require(_clerk_or_admin(request.user))
    level = request.GET.get("level", "")
    if level not in DeputyLevel.values:
        level = ""
    text = request.GET.get("q", "")
    deputies = Deputy.objects.visible_to(request.user).active().search(text)
    if level:
        deputies = deputies.filter(level=level)
    today = timezone.localdate()
    current = DeputyTerm.objects.filter(start__lte=today, end__gte=today, level=F("deputy__level"))
    deputies = deputies.annotate(
        has_term=Exists(current.filter(deputy=OuterRef("pk")))
    ).prefetch_related(Prefetch("terms", queryset=DeputyTerm.objects.order_by("-start")))
    page = paginate(request, deputies.order_by("has_term", "name_pinyin"), PAGE_SIZE)
    return render(
        request,
        "deputies/terms.html",
        {
            "page": page,
            "level": level,
            "q": text,
            "levels": DeputyLevel.choices,
            "missing": deputies.filter(has_term=False).count(),
            "today": today,
        },
    )


def _term_deputy(request, pk: int) -> Deputy:
    require(_clerk_or_admin(request.user))
    return get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)


def _terms_page(request, deputy: Deputy, form=None, status=200):
    return render(
        request,
        "deputies/deputy_terms.html",
        {
            "deputy": deputy,
            "terms": deputy.terms.order_by("level", "-start"),
            "form": form or TermForm(deputy=deputy),
            "topic": services.TERM_TOPIC,
            "may_edit": services.may_set_terms(request.user, deputy),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deputy_terms(request, pk: int):
    """A deputy's terms, and a form to record one more."""
    deputy = _term_deputy(request, pk)
    form = TermForm(request.POST or None, deputy=deputy)
    response = save_form(
        request,
        form,
        lambda: services.term_save(actor=request.user, deputy=deputy, fields=form.cleaned_data),
        lambda _term: _term_saved(request, deputy),
    )
    return response or _terms_page(request, deputy, form=form, status=form_status(form))


def _term_saved(request, deputy: Deputy) -> HttpResponse:
    return saved(
        request,
        _("Term of %(name)s saved.") % {"name": deputy.name},
        "deputies:deputy_terms",
        pk=deputy.pk,
    )


def _term(request, pk: int) -> DeputyTerm:
    require(_clerk_or_admin(request.user))
    return get_object_or_404(
        DeputyTerm.objects.filter(
            deputy__in=Deputy.objects.visible_to(request.user)
        ).select_related("deputy"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request, pk: int):
    term = _term(request, pk)
    form = TermForm(request.POST or None, deputy=term.deputy, term=term)
    response = save_form(
        request,
        form,
        lambda: services.term_save(
            actor=request.user, deputy=term.deputy, term=term, fields=form.cleaned_data
        ),
        lambda _term: _term_saved(request, term.deputy),
    )
    return response or render(
        request,
        "deputies/term_form.html",
        {"term": term, "deputy": term.deputy, "form": form},
        status=form_status(form),
    )


@login_required
@require_POST
def term_delete(request, pk: int):
    term = _term(request, pk)
    services.term_delete(actor=request.user, term=term)
    messages.success(request, _("Term removed."))
    return redirect("deputies:deputy_terms", pk=term.deputy_id)
