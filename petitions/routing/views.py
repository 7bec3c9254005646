"""Routing rules pages: clerks and administrators list, add and delete rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import roles_of
from core.views_helpers import add_service_error, require

from ..forms import RoutingRuleForm
from ..models import RoutingRule
from . import services


def _keeper(request) -> None:
    roles = roles_of(request.user)
    require(roles.is_admin or roles.is_clerk)


@login_required
@require_http_methods(["GET", "POST"])
def rule_list(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    form = RoutingRuleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.routing_rule_save(
                actor=request.user,
                rule=form.save(commit=False),
                assisting=list(form.cleaned_data["assisting_departments"]),
            )
        except PermissionDenied as exc:
            add_service_error(form, exc, _("You may not keep rules for this region."))
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect("routing:rules")
    rules = (
        RoutingRule.objects.visible_to(request.user)
        .select_related("region", "category", "lead_department")
        .prefetch_related("assisting_departments")
    )
    return render(request, "petitions/routing/rules.html", {"form": form, "rules": rules})


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _keeper(request)
    rule = get_object_or_404(RoutingRule.objects.visible_to(request.user), pk=pk)
    services.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Routing rule deleted."))
    return redirect("routing:rules")
