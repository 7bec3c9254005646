"""Server-rendered pages of the api app: integrations and their keys (administrators, clerks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.roles import roles_of
from core.views_helpers import add_service_error, require
from petitions.loop import LOOP
from petitions.models import Petition
from stations.models import Department

from . import services
from .forms import ForwardForm, IntegrationForm
from .models import ExternalPlatform, Integration


def _may_manage(request: HttpRequest) -> bool:
    roles = roles_of(request.user)
    return roles.is_admin or roles.is_clerk


@login_required
@require_GET
def integration_list(request: HttpRequest) -> HttpResponse:
    require(_may_manage(request))
    integrations = Integration.objects.visible_to(request.user).select_related("region")
    return render(request, "api/integration_list.html", {"integrations": integrations})


@login_required
@require_http_methods(["GET", "POST"])
def integration_create(request: HttpRequest) -> HttpResponse:
    require(_may_manage(request))
    form = IntegrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            integration, key = services.integration_create(
                actor=request.user,
                name=d["name"],
                region=d["region"],
                access=d["access"],
                can_see_pii=d["can_see_pii"],
                expires_at=form.expires_at(),
            )
        except PermissionDenied as exc:
            add_service_error(form, exc)
        else:
            # The key is in this one answer only (never stored, never in a redirect or message).
            return render(
                request, "api/integration_key.html", {"integration": integration, "key": key}
            )
    return render(request, "api/integration_form.html", {"form": form})


@login_required
@require_POST
def integration_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(_may_manage(request))
    integration = get_object_or_404(Integration.objects.visible_to(request.user), pk=pk)
    services.integration_revoke(actor=request.user, integration=integration)
    messages.success(request, _("The key of %(name)s was revoked.") % {"name": integration.name})
    return redirect("integrations:list")


def forward_platforms(user):
    """Platforms the user may forward to: those whose department the user may assign cases to."""
    departments = Department.objects.visible_to(user).active()
    return ExternalPlatform.objects.filter(is_active=True, department__in=departments)


@login_required
@require_http_methods(["GET", "POST"])
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Forward a triaged case to an external platform: the loop's assign step, to its department."""
    petition = get_object_or_404(Petition.objects.visible_to(request.user), pk=pk)
    require(LOOP["assign"].allowed_for(request.user, petition))
    form = ForwardForm(request.POST or None, platforms=forward_platforms(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_forward(
                actor=request.user, petition=petition, platform=form.cleaned_data["platform"]
            )
        except (DomainError, ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The case was forwarded."))
            return redirect(petition.get_absolute_url())
    forwardings = petition.forwardings.select_related("platform")
    return render(
        request,
        "api/forward.html",
        {"form": form, "petition": petition, "forwardings": forwardings},
    )
