"""Type-ahead lookups for the petitions list's filters (deputy, station, department).

Each answers at most ``LIMIT`` rows of what the user may see (``visible_to``), matched by name,
full pinyin or initials (``core.pinyin``), as JSON for ``static/js/typeahead.js``. A province
clerk sees 100k deputies: the filter must never list them all.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.input import fold
from core.pinyin import pinyin_q
from core.roles import roles_of
from deputies.models import Deputy
from stations.models import Department, Station

LIMIT = 20


def _deputies(user, text: str) -> list[dict]:
    rows = (
        Deputy.objects.visible_to(user)
        .filter(pinyin_q(text))
        .order_by("name_pinyin", "pk")
        .values("pk", "name", "level")[:LIMIT]
    )
    return [{"id": r["pk"], "text": r["name"], "hint": ""} for r in rows]


def _stations(user, text: str) -> list[dict]:
    rows = (
        Station.objects.visible_to(user)
        .filter(pinyin_q(text, anywhere=True))
        .order_by("name_pinyin", "pk")
        .values("pk", "name", "region__name")
        .distinct()[:LIMIT]
    )
    return [{"id": r["pk"], "text": r["name"], "hint": r["region__name"]} for r in rows]


def _departments(user, text: str) -> list[dict]:
    rows = (
        Department.objects.visible_to(user)
        .filter(pinyin_q(text, anywhere=True))
        .order_by("name_pinyin", "pk")
        .values("pk", "name", "region__name")[:LIMIT]
    )
    return [{"id": r["pk"], "text": r["name"], "hint": r["region__name"]} for r in rows]


KINDS = {"deputy": _deputies, "station": _stations, "department": _departments}


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in KINDS:
        raise Http404
    if not roles_of(request.user).is_anyone:
        raise PermissionDenied
    text = fold(request.GET.get("q", ""))[:50].strip()
    results = KINDS[kind](request.user, text) if text else []
    return JsonResponse({"results": results})
