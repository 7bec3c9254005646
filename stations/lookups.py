"""Type-ahead lookups of the registry forms: a station's region and parent station, a
department's region.

A province has thousands of regions and 10k stations; the forms listed them all in ``<select>``s
(the station form was 52 KB at 500 stations). Each kind below is also the queryset its form
field validates against (``stations/forms.py``), so the list offers exactly what the form
accepts.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.lookups import Kind, answer
from core.roles import roles_of

from .models import Region, Station


def department_regions(user) -> QuerySet[Region]:
    """Where a user may file a department: a clerk's area, everywhere for administrators."""
    roles = roles_of(user)
    if roles.is_admin:
        return Region.objects.all()
    return Region.objects.visible_to(user) if roles.is_clerk else Region.objects.none()


KINDS = {
    # A station's region: a clerk's area, or below a staff member's station.
    "region": Kind(lambda user: Region.objects.placeable_by(user), "parent__name"),
    "department_region": Kind(department_regions, "parent__name"),
    # A room or point's head station, a deputy's station: the stations the user may edit.
    "station": Kind(lambda user: Station.objects.editable_by(user), "region__name", anywhere=True),
}


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    if not roles_of(request.user).is_anyone:
        raise PermissionDenied
    return answer(request, KINDS, kind)
