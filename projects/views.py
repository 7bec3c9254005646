"""Pages of livelihood projects (thin: form → service → message → redirect).

The project page offers exactly the actions of ``loop.REGISTRY`` the user may take now; one
POST view runs any of them through the form named on its row. Per-deputy ballots appear only on
the vote administrator's page (``ballots``); every other page shows counts.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from core.excel import XLSX_CONTENT_TYPE, xlsx_bytes
from core.roles import roles_of
from core.views_helpers import run_action
from petitions.selectors import openable_ids

from . import rights, selectors, services
from .choices import Stage, Status
from .forms import BallotForm, CycleForm, ProposeForm
from .loop import CYCLE, REGISTRY
from .models import Ballot, BallotAudit, Candidate, Cycle, ProgressPhoto

S = Status


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _cycle(request, pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user).select_related("region"), pk=pk)


def _candidate(request, pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.visible_to(request.user).select_related(
            "cycle__region", "lead_department", "station", "proposer_deputy"
        ),
        pk=pk,
    )


def _any_role(request) -> None:
    _require(roles_of(request.user).is_anyone)


# ---- cycles ----------------------------------------------------------------------------------


@login_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    _any_role(request)
    cycles = Cycle.objects.visible_to(request.user).select_related("region")
    return render(
        request,
        "projects/list.html",
        {"cycles": cycles, "can_create": rights.may_see_figures(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    _require(rights.may_see_figures(request.user))
    form = CycleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("region", _("You may not open a cycle for this region."))
        else:
            messages.success(request, _("Cycle opened; the public call is online."))
            return redirect(cycle)
    return render(request, "projects/cycle_form.html", {"form": form})


# "Export this list": the cycle's candidates as listed (title, source, status), then their text.
CANDIDATE_COLUMNS = [
    listexport.Column(_lazy("Title"), lambda c: c.title),
    listexport.Column(_lazy("Source"), lambda c: c.get_source_display()),
    listexport.Column(_lazy("Status"), lambda c: c.get_status_display()),
    listexport.Column(
        _lazy("Lead department"), lambda c: c.lead_department.name if c.lead_department else ""
    ),
    listexport.Column(_lazy("Supporters"), lambda c: c.supporters),
    listexport.Column(_lazy("Description"), lambda c: c.description),
    listexport.Column(_lazy("Recommendation"), lambda c: c.recommendation),
]


@login_required
@require_GET
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    cy = _cycle(request, pk)
    today = timezone.localdate()
    rows = (
        Candidate.objects.visible_to(request.user)
        .filter(cycle=cy)
        .select_related("lead_department")
        .order_by("pk")
    )
    if listexport.wanted(request):
        return listexport.export_list(
            request,
            name=_("Candidate projects"),
            columns=CANDIDATE_COLUMNS,
            rows=rows.order_by("status", "pk"),
            filters=[str(cy)],
        )
    candidates = list(rows)
    groups = [(st, [c for c in candidates if c.status == st.value]) for st in Status]
    ballot = None
    if rights.may_vote(request.user, cy):
        ballot = Ballot.objects.filter(
            cycle=cy, deputy_id=rights.deputy_id_of(request.user)
        ).first()
    actions = [
        {
            "name": a.name,
            "label": a.label,
            "url": reverse("projects:cycle_act", args=[cy.pk, a.name]),
        }
        for a in CYCLE.available(request.user, cy)
    ]
    return render(
        request,
        "projects/cycle.html",
        {
            "cycle": cy,
            "groups": [g for g in groups if g[1]],
            "actions": actions,
            "can_propose": rights.may_propose(request.user, cy),
            "can_vote": rights.may_vote(request.user, cy) and services.vote_is_open(cy),
            "my_ballot": ballot,
            "administers": rights.administers_vote(request.user, cy),
            "ballots_cast": cy.ballots.count(),
            "tally": selectors.published_tally(cy) if cy.results_published_at else None,
            "report": selectors.cycle_report(cy, today)
            if cy.stage in (Stage.IMPLEMENTING, Stage.EVALUATED)
            else None,
        },
    )


@login_required
@require_POST
def cycle_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    cy = _cycle(request, pk)
    if action not in CYCLE:
        raise Http404
    _require(CYCLE[action].allowed_for(request.user, cy))
    service = {
        "open_vote": services.cycle_open_vote,
        "close_vote": services.cycle_close_vote,
        "finish": services.cycle_finish,
    }[action]
    try:
        service(actor=request.user, cycle=cy)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(a)s.") % {"a": CYCLE[action].label})
    return redirect(cy)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    cy = _cycle(request, pk)
    _require(rights.may_propose(request.user, cy))
    form = ProposeForm(request.POST or None, actor=request.user, cycle=cy)
    if request.method == "POST" and form.is_valid():
        try:
            c = form.save()
        except (ValidationError, DomainError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Candidate project proposed."))
            return redirect(c)
    return render(request, "projects/propose.html", {"form": form, "cycle": cy})


# ---- the vote --------------------------------------------------------------------------------


def _on_ballot(cy: Cycle) -> list[Candidate]:
    return list(cy.candidates.filter(status=S.ON_BALLOT).order_by("pk"))


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputy's own ballot, on a phone during the session: cast, or change until close."""
    cy = _cycle(request, pk)
    _require(rights.may_vote(request.user, cy))
    deputy_id = rights.deputy_id_of(request.user)
    mine = Ballot.objects.filter(cycle=cy, deputy_id=deputy_id).first()
    marks = dict(mine.marks.values_list("candidate_id", "choice")) if mine else {}
    candidates = _on_ballot(cy)
    form = BallotForm(request.POST or None, cycle=cy, candidates=candidates, initial_marks=marks)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ballot_cast(actor=request.user, cycle=cy, marks=form.marks())
            except (ValidationError, DomainError) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(
                    request,
                    _("Your ballot was changed.") if mine else _("Your ballot was cast."),
                )
                return redirect("projects:ballot", cy.pk)
        status = 400
    return render(
        request,
        "projects/ballot.html",
        {
            "cycle": cy,
            "form": form,
            "candidates": candidates,
            "mine": mine,
            "open": services.vote_is_open(cy),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote administrator records a deputy's paper ballot."""
    cy = _cycle(request, pk)
    _require(rights.administers_vote(request.user, cy))
    candidates = _on_ballot(cy)
    form = BallotForm(
        request.POST or None,
        cycle=cy,
        candidates=candidates,
        paper_deputies=rights.congress_deputies(cy.region),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ballot_cast(
                    actor=request.user,
                    cycle=cy,
                    marks=form.marks(),
                    deputy=form.cleaned_data["deputy"],
                    on_paper=True,
                )
            except (ValidationError, DomainError) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, _("Paper ballot recorded."))
                return redirect("projects:paper_ballot", cy.pk)
        status = 400
    return render(
        request,
        "projects/ballot.html",
        {
            "cycle": cy,
            "form": form,
            "candidates": candidates,
            "paper": True,
            "open": services.vote_is_open(cy),
        },
        status=status,
    )


@login_required
@require_GET
def ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """Each deputy's ballot and the audit trail: the vote administrator's page only."""
    cy = _cycle(request, pk)
    _require(rights.administers_vote(request.user, cy))
    rows = (
        Ballot.objects.filter(cycle=cy)
        .select_related("deputy", "recorded_by")
        .prefetch_related("marks__candidate")
        .order_by("deputy__name_pinyin")
    )
    audits = BallotAudit.objects.filter(cycle=cy).select_related("deputy", "actor")
    voted = set(rows.values_list("deputy_id", flat=True))
    missing = rights.congress_deputies(cy.region).exclude(pk__in=voted)
    return render(
        request,
        "projects/ballots.html",
        {
            "cycle": cy,
            "rows": rows,
            "audits": audits,
            "missing": missing,
            "tally": selectors.tally(cy),
        },
    )


# ---- candidate projects ----------------------------------------------------------------------


def _form_class(name: str):
    return import_string(REGISTRY[name].form)


def _render_detail(request, c: Candidate, invalid=None):
    actions: list[dict] = []
    for a in REGISTRY.available(request.user, c):
        if invalid and invalid[0] == a.name:
            form = invalid[1]
        else:
            form = _form_class(a.name)(candidate=c, actor=request.user)
        actions.append(
            {
                "name": a.name,
                "label": a.label,
                "url": reverse("projects:act", args=[c.pk, a.name]),
                "form": form,
                "open": (invalid[0] == a.name) if invalid else not actions,
            }
        )
    linked = list(c.petitions.all())
    visible_cases = openable_ids(request.user, linked)
    manages = rights.manages_cycle(request.user, c.cycle)
    return render(
        request,
        "projects/detail.html",
        {
            "c": c,
            "actions": actions,
            "petitions": [(p, p.pk in visible_cases) for p in linked],
            "milestones": list(c.milestones.all()),
            "reports": list(c.reports.prefetch_related("photos")),
            "inspections": list(c.inspections.select_related("deputy")),
            "events": list(c.events.select_related("actor")),
            "ratings": selectors.project_ratings(c),
            "show_proposer": manages,
            "today": timezone.localdate(),
        },
        status=400 if invalid else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _candidate(request, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one registry action (core.views_helpers.run_action), then back to the page."""
    c = _candidate(request, pk)
    return run_action(
        request,
        c,
        REGISTRY,
        action,
        lambda form: _render_detail(request, _candidate(request, pk), invalid=(action, form)),
        form_kwargs={"candidate": c, "actor": request.user},
        refused=_("You may not do this on this project."),
    )


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    p = get_object_or_404(
        ProgressPhoto.objects.filter(
            report__candidate__in=Candidate.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    return _serve_photo(p)


def _serve_photo(p: ProgressPhoto) -> FileResponse:
    try:
        handle = p.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=p.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(p.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


# ---- dashboard and ledger ------------------------------------------------------------------


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Per region and year: candidates, reserve, chosen, completed, on-time, satisfaction."""
    _require(rights.may_see_figures(request.user))
    cycles = Cycle.objects.visible_to(request.user).select_related("region")
    year = _year(request)
    if year:
        cycles = cycles.filter(year=year)
    years = sorted(
        set(Cycle.objects.visible_to(request.user).values_list("year", flat=True)), reverse=True
    )
    return render(
        request,
        "projects/dashboard.html",
        {
            "rows": selectors.dashboard_rows(cycles, timezone.localdate()),
            "year": year,
            "years": years,
        },
    )


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The Excel ledger of projects (台账): one row per candidate the user may see."""
    _require(rights.may_see_figures(request.user))
    qs = (
        Candidate.objects.visible_to(request.user)
        .select_related("cycle__region", "lead_department")
        .prefetch_related("milestones")
        .order_by("-cycle__year", "cycle__region__code", "pk")
    )
    year = _year(request)
    if year:
        qs = qs.filter(cycle__year=year)
    headers = [
        _("Year"), _("Region"), _("Project"), _("Source"), _("Status"), _("Lead department"),
        _("Estimated cost (10k yuan)"), _("Spent (10k yuan)"), _("Votes for"), _("Milestones"),
        _("Milestones done on time"), _("Completed on"),
    ]  # fmt: skip
    rows = (
        [
            c.cycle.year,
            c.cycle.region.name,
            c.title,
            c.get_source_display(),
            c.get_status_display(),
            c.lead_department.name if c.lead_department else "",
            float(c.estimated_cost) if c.estimated_cost is not None else "",
            float(c.spent) if c.spent is not None else "",
            c.votes_for,
            len(c.milestones.all()),
            sum(1 for m in c.milestones.all() if m.on_time),
            c.completed_at.isoformat() if c.completed_at else "",
        ]
        for c in qs
    )
    body = xlsx_bytes(headers, rows, sheet_name=_("Livelihood projects"))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    name = quote(_("livelihood-projects") + ".xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
