"""The JSON answer of a type-ahead field (``core.widgets.TypeaheadWidget``), shared by the apps.

Each app declares its kinds once as ``Kind`` rows (``petitions/lookups.py``: the list's deputy,
station and department filters; ``stations/lookups.py``: the registry forms' regions and parent
stations). A kind's ``rows(user)`` is the same queryset the form field validates against, so
what the list offers is exactly what the form accepts; the answer is at most ``LIMIT`` rows
matched by name, full pinyin or initials (``core.pinyin``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse

from core.input import fold
from core.pinyin import pinyin_q

LIMIT = 20


@dataclass(frozen=True)
class Kind:
    """One type-ahead source: the rows a user may pick, and how a row is shown."""

    rows: Callable[[object], QuerySet]
    # A related field shown greyed after the name (e.g. the station's region), or "".
    hint: str = ""
    # Match the text anywhere in the pinyin (long names: the distinctive part is in the middle).
    anywhere: bool = False

    def answer(self, user, text: str) -> list[dict]:
        fields = ["pk", "name", *([self.hint] if self.hint else [])]
        found = (
            self.rows(user)
            .filter(pinyin_q(text, anywhere=self.anywhere))
            .order_by("name_pinyin", "pk")
            .values(*fields)
            .distinct()[:LIMIT]
        )
        return [
            {"id": r["pk"], "text": r["name"], "hint": r[self.hint] if self.hint else ""}
            for r in found
        ]


def answer(request: HttpRequest, kinds: Mapping[str, Kind], kind: str) -> JsonResponse:
    """``{"results": [...]}`` for ``?q=``; an unknown kind is a 404. Callers check the login
    and the role first."""
    if kind not in kinds:
        raise Http404
    text = fold(request.GET.get("q", ""))[:50].strip()
    results = kinds[kind].answer(request.user, text) if text else []
    return JsonResponse({"results": results})
