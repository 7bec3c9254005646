"""Ties shown on pages of lower apps (the station's public page, the deputy page), so those
apps never import ties."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("ties/_public_pairing.html")
def station_pairing(station) -> dict:
    """The pairing list by name only (五公开: 结对名单)."""
    return {"rows": selectors.public_pairing(station)}


@register.inclusion_tag("ties/_deputy_reportbacks.html")
def deputy_reportbacks(deputy) -> dict:
    """The deputy's report-backs with the constituents' evaluations (the deputy's record)."""
    from ..reportbacks import deputy_results

    return {"results": deputy_results(deputy)}


@register.inclusion_tag("ties/_public_booking.html")
def station_booking_link(station) -> dict:
    return {"station": station}
