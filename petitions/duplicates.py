"""Duplicate hints (疑似重复): open cases like this one, at the same station or in the same
street, from the last 90 days, so staff merge a re-told case instead of handling it twice.

Similarity is the Dice coefficient of the texts' character bigrams (Chinese has no spaces;
bigrams need no dictionary, work the same on SQLite and PostgreSQL and catch a case typed
again in other words). The candidates are bounded (same station or street, open, recent, at
most ``MAX_CANDIDATES``), so the comparison runs in Python in constant time per page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .choices import OPEN_STATUSES
from .models import Petition

WINDOW_DAYS = 90
SHOWN = 5
MAX_CANDIDATES = 500
# Below this the texts share little more than common words (小区, 问题, 处理).
MIN_SCORE = 0.12
# Filler that every case shares; left out of the bigrams.
_STOP = re.compile(r"[\s\W_]+|请|尽快|处理|解决|希望|问题|反映|麻烦|谢谢")


def bigrams(text: str) -> set[str]:
    clean = _STOP.sub("", unicodedata.normalize("NFKC", text or "").lower())
    return {clean[i : i + 2] for i in range(len(clean) - 1)}


def _grams(p: Petition) -> tuple[set[str], set[str]]:
    return bigrams(p.title), bigrams(f"{p.title}{p.content}{p.location_text}")


def similarity(a: Petition, b: Petition) -> float:
    """Dice of the whole texts, with the titles weighted again (a title says what it is)."""
    (ta, wa), (tb, wb) = _grams(a), _grams(b)

    def dice(x: set[str], y: set[str]) -> float:
        return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0

    return 0.6 * dice(wa, wb) + 0.4 * dice(ta, tb)


@dataclass(frozen=True)
class Hint:
    petition: Petition
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def similar_open_cases(petition: Petition, user=None) -> list[Hint]:
    """Up to ``SHOWN`` open cases like ``petition`` at its station or in its street, from the
    last ``WINDOW_DAYS`` days, most similar first (only those ``user`` may see)."""
    since = timezone.now() - dt.timedelta(days=WINDOW_DAYS)
    station = petition.station
    place = Q(station_id=station.pk) | Q(station__region_id=station.region_id)
    rows = Petition.objects.visible_to(user) if user is not None else Petition.objects.all()
    candidates = (
        rows.filter(place, status__in=OPEN_STATUSES, submitted_at__gte=since)
        .exclude(pk=petition.pk)
        .select_related("station")
        .order_by("-submitted_at")[:MAX_CANDIDATES]
    )
    hints = [Hint(c, similarity(petition, c)) for c in candidates]
    hints = [h for h in hints if h.score >= MIN_SCORE]
    hints.sort(key=lambda h: (-h.score, -h.petition.pk))
    return hints[:SHOWN]
