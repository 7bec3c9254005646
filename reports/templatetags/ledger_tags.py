"""Template helpers for notices and records: labels for stored values, the station include."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from petitions.choices import Satisfaction, Status

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


@register.filter
def petition_status(value: str) -> str:
    return _label(Status, value)


@register.filter
def satisfaction_label(value: str) -> str:
    return _label(Satisfaction, value) if value else ""


@register.filter
def item_category(item: dict) -> str:
    """A snapshot keeps both category names; show the one of the reader's language."""
    if (get_language() or "").startswith("en") and item.get("category_en"):
        return item["category_en"]
    return item.get("category", "")


@register.inclusion_tag("reports/ledgers/_station_notices.html")
def station_notices(station, limit: int = 6) -> dict:
    """Published progress notices of a station, for its public page:
    ``{% load ledger_tags %}{% station_notices station %}``."""
    from ..notices import public_notices

    return {"station": station, "notices": public_notices(station, limit)}
