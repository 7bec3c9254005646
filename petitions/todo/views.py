"""The to-do home: the login target of station staff, deputies and department handlers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.roles import roles_of
from stations.models import Station

from . import extra, selectors
from . import tiles as t


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not t.roles_with_tiles(roles):
        raise PermissionDenied
    today = timezone.localdate()
    sections = selectors.sections(request.user, today)
    list_url = reverse("petitions:list")
    more = extra.todo_items(request.user)
    for section in sections:
        section.extra["more"] = [i for i in more if i.role == section.role]
        if section.role == t.STAFF:
            section.extra["stations"] = Station.objects.filter(
                pk__in=roles.staff_station_ids
            ).order_by("name")
            section.extra["today"], section.extra["next"] = selectors.station_reception_days(
                request.user, today
            )
        elif section.role == t.DEPUTY and roles.deputy_id is not None:
            section.extra["duty"] = selectors.deputy_next_duty(roles.deputy_id, today)
    return render(
        request,
        "petitions/todo/home.html",
        {"sections": sections, "today": today, "list_url": list_url},
    )
