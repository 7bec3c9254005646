"""Public pages of livelihood projects (no login; "五公开"): the open call of a region, the
published result of the vote, each chosen project's page with its progress, and rating.

Only public fields appear: titles, descriptions, the tally (counts, never a deputy's ballot),
milestones, the departments' progress texts (their form says they are published) and the status
changes of the timeline without their internal notes. The call form uses the same captcha, rate
limit and consent as the public opinion form of petitions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from petitions import captcha, ratelimit

from . import selectors, services
from .choices import Stage
from .forms import PublicProposeForm, PublicRateForm, RatingCodeForm
from .loop import ONGOING
from .models import Candidate, Cycle

HOUR = ratelimit.HOUR
# Wrong SMS codes per IP and hour (each code also dies after five wrong tries).
RATE_FAILURES_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
def call(request: HttpRequest, pk: int) -> HttpResponse:
    """The region's open call: a constituent proposes a livelihood project."""
    cycle = get_object_or_404(Cycle.objects.select_related("region"), pk=pk)
    if cycle.stage != Stage.COLLECTING:
        return render(request, "projects/public/call_closed.html", {"cycle": cycle}, status=404)
    ip = ratelimit.client_ip(request)
    status, limited = 200, False
    if request.method == "POST":
        if ratelimit.exceeded("project-call", ip, limit=settings.PUBLIC_SUBMIT_RATE, window=HOUR):
            form = PublicProposeForm(initial=request.POST.dict(), request=request)
            status, limited = 429, True
        else:
            form = PublicProposeForm(request.POST, request=request)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.candidate_propose_public(
                        cycle=cycle,
                        title=d["title"],
                        description=d["description"],
                        name=d["name"],
                        phone=d["phone"],
                    )
                except (ValidationError, services.ProjectError) as exc:
                    form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
                else:
                    ratelimit.hit("project-call", ip, window=HOUR)
                    return redirect("projects_public:call_done", cycle.pk)
            status = 400
    else:
        form = PublicProposeForm(request=request)
    return render(
        request,
        "projects/public/call.html",
        {
            "cycle": cycle,
            "form": form,
            "captcha": captcha.issue(request),
            "limited": limited,
            "rate_limit": settings.PUBLIC_SUBMIT_RATE,
        },
        status=status,
    )


@require_GET
def call_done(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("region"), pk=pk)
    return render(request, "projects/public/call_done.html", {"cycle": cycle})


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The published result of the vote: counts per project, the threshold and the chosen."""
    cycle = get_object_or_404(
        Cycle.objects.select_related("region").filter(results_published_at__isnull=False), pk=pk
    )
    return render(
        request,
        "projects/public/results.html",
        {"cycle": cycle, "tally": selectors.published_tally(cycle)},
    )


def _public_project(pk: int) -> Candidate:
    return get_object_or_404(Candidate.objects.public().select_related("cycle__region"), pk=pk)


@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    c = _public_project(pk)
    return render(
        request,
        "projects/public/project.html",
        {
            "c": c,
            "milestones": list(c.milestones.all()),
            "reports": list(c.reports.all()),
            "events": list(c.events.filter(public=True)),
            "can_rate": c.status in ONGOING,
        },
    )


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate a project: first a one-time code by SMS to the phone (captcha against SMS floods),
    then the code with the rating. One rating per phone and project."""
    c = _public_project(pk)
    if c.status not in ONGOING:
        raise Http404
    code_form = RatingCodeForm(request=request)
    rate_form = None
    error, status = "", 200
    if request.method == "POST" and "send_code" in request.POST:
        code_form = RatingCodeForm(request.POST, request=request)
        if code_form.is_valid():
            phone = code_form.cleaned_data["phone"]
            try:
                services.rating_code_issue(candidate=c, phone=phone)
            except services.ProjectError as exc:
                error, status = str(exc), 400
            else:
                rate_form = PublicRateForm(initial={"phone": phone})
        else:
            status = 400
    elif request.method == "POST":
        rate_form = PublicRateForm(request.POST)
        ip = ratelimit.client_ip(request)
        if ratelimit.exceeded("project-rate-fail", ip, limit=RATE_FAILURES_PER_HOUR, window=HOUR):
            error, status = _("Too many wrong codes from this network. Please wait an hour."), 429
        elif rate_form.is_valid():
            d = rate_form.cleaned_data
            try:
                services.public_rate(
                    candidate=c, phone=d["phone"], code=d["code"], rating=d["rating"]
                )
            except services.ProjectError as exc:
                ratelimit.hit("project-rate-fail", ip, window=HOUR)
                error, status = str(exc), 400
            else:
                return redirect("projects_public:rated", c.pk)
        else:
            status = 400
    return render(
        request,
        "projects/public/rate.html",
        {
            "c": c,
            "code_form": code_form,
            "rate_form": rate_form,
            "captcha": captcha.issue(request),
            "error": error,
        },
        status=status,
    )


@require_GET
def rated(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projects/public/rated.html", {"c": _public_project(pk)})
