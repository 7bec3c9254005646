"""Public progress notices (进度公示): per station and period, a frozen list without personal data.

Periods are aligned to January and last ``NOTICE_PERIOD_MONTHS`` months (default 2: Jan–Feb,
Mar–Apr, …). A daily beat task publishes the last completed period for every station that
accepted opinions in it; staff may publish the current period early, and the task then
completes that early snapshot once the period is over.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.pii import mask_address, mask_name, mask_phone, scrub
from petitions.choices import Status
from petitions.models import Category, Petition
from stations.models import Station

from .ledgers.models import ProgressNotice

# Declined and merged opinions were never accepted as cases of their own.
EXCLUDED = (Status.DECLINED, Status.MERGED)
REPLY_CHARS = 300


def period_months() -> int:
    return settings.NOTICE_PERIOD_MONTHS


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The notice period containing ``day``: (first day, last day)."""
    n = period_months()
    first_month = (day.month - 1) // n * n + 1
    start = dt.date(day.year, first_month, 1)
    last_month = min(12, first_month + n - 1)
    end = (
        dt.date(day.year + 1, 1, 1) if last_month == 12 else dt.date(day.year, last_month + 1, 1)
    ) - dt.timedelta(days=1)
    return start, end


def last_completed_period(today: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = period_of(today)
    return period_of(start - dt.timedelta(days=1))


def _strip(text: str, *, name: str, phone: str, address: str, location: str) -> str:
    """Remove the constituent's own name, phone and address from free text, then any other
    phone or ID number. Titles otherwise stay as written."""
    for value, masked in (
        (name, mask_name(name)),
        (phone, mask_phone(phone)),
        (address, mask_address(address)),
        (location, mask_address(location)),
    ):
        if value and len(value) >= 2:
            text = text.replace(value, masked)
    text = scrub(text)
    # Mask landline-like runs of 7+ digits that scrub (mobile and ID only) leaves alone.
    return re.sub(r"\d{7,}", lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


def build_items(station: Station, start: dt.date, end: dt.date) -> list[dict]:
    """The opinions a station accepted in a period, as a PII-free JSON list (two queries)."""
    categories = {c.pk: (c.name, c.name_en) for c in Category.objects.all()}
    rows = (
        Petition.objects.filter(
            station=station, accepted_at__date__gte=start, accepted_at__date__lte=end
        )
        .exclude(status__in=EXCLUDED)
        .order_by("accepted_at", "pk")
        .values_list(
            "title",
            "category_id",
            "accepted_at",
            "status",
            "reply_summary",
            "replied_at",
            "closed_at",
            "satisfaction",
            "constituent_name",
            "phone",
            "address",
            "location_text",
        )
    )
    items = []
    for number, (
        title,
        category_id,
        accepted_at,
        status,
        reply,
        replied_at,
        closed_at,
        satisfaction,
        name,
        phone,
        address,
        location,
    ) in enumerate(rows, start=1):
        personal = {"name": name, "phone": phone, "address": address, "location": location}
        category, category_en = categories.get(category_id, ("", ""))
        reply = _strip(reply or "", **personal)
        if len(reply) > REPLY_CHARS:
            reply = reply[: REPLY_CHARS - 1] + "…"
        items.append(
            {
                "no": number,
                "title": _strip(title, **personal),
                "category": category,
                "category_en": category_en,
                "accepted_on": timezone.localtime(accepted_at).date().isoformat(),
                "status": status,
                "reply": reply,
                "replied_on": timezone.localtime(replied_at).date().isoformat()
                if replied_at
                else "",
                "closed_on": timezone.localtime(closed_at).date().isoformat() if closed_at else "",
                "satisfaction": satisfaction,
            }
        )
    return items


@transaction.atomic
def publish(
    station: Station, start: dt.date, end: dt.date, *, actor=None, today: dt.date | None = None
) -> ProgressNotice:
    """Create or refresh the station's snapshot for the period (items up to today)."""
    today = today or timezone.localdate()
    notice, _created = ProgressNotice.objects.select_for_update().update_or_create(
        station=station,
        period_start=start,
        defaults={
            "period_end": end,
            "items": build_items(station, start, min(end, today)),
            "published_at": timezone.now(),
            "published_by": actor,
        },
    )
    return notice


def publish_due(today: dt.date | None = None) -> int:
    """Publish the last completed period for each station that accepted opinions in it.

    Idempotent: a station already published after the period ended is left alone; one that
    was published early is refreshed so the snapshot covers the whole period.
    """
    today = today or timezone.localdate()
    start, end = last_completed_period(today)
    station_ids = set(
        Petition.objects.filter(accepted_at__date__gte=start, accepted_at__date__lte=end)
        .exclude(status__in=EXCLUDED)
        .values_list("station_id", flat=True)
        .distinct()
    )
    done_after_end = set(
        ProgressNotice.objects.filter(period_start=start, published_at__date__gt=end).values_list(
            "station_id", flat=True
        )
    )
    count = 0
    for station in Station.objects.filter(pk__in=station_ids - done_after_end, is_active=True):
        publish(station, start, end, today=today)
        count += 1
    return count


def public_notices(station: Station, limit: int = 6):
    """Published notices of a station, newest first (for the station's public page)."""
    return list(
        ProgressNotice.objects.filter(station=station, published_at__isnull=False)
        .select_related("station")
        .order_by("-period_start")[:limit]
    )
