"""``{% upcoming_reception_days station %}``: the coming reception days for a station's page."""

from django import template

from ..roster.selectors import upcoming_days

register = template.Library()


@register.inclusion_tag("deputies/roster/_upcoming.html")
def upcoming_reception_days(station, limit: int = 8) -> dict:
    return {"reception_days": upcoming_days(station, limit=limit)}
