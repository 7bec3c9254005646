"""Type-ahead lookups for the petitions list's filters (deputy, station, department).

Each answers at most ``core.lookups.LIMIT`` rows of what the user may see (``visible_to``). A
province clerk sees 100k deputies: the filter must never list them all.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.lookups import Kind, answer
from core.roles import roles_of
from deputies.models import Deputy
from stations.models import Department, Station

KINDS = {
    "deputy": Kind(lambda user: Deputy.objects.visible_to(user)),
    "station": Kind(lambda user: Station.objects.visible_to(user), "region__name", anywhere=True),
    "department": Kind(
        lambda user: Department.objects.visible_to(user), "region__name", anywhere=True
    ),
}


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    if not roles_of(request.user).is_anyone:
        raise PermissionDenied
    return answer(request, KINDS, kind)
