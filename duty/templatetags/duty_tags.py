"""Template tags the pages of other apps use to show the duty app's parts: the "八个一"
summary on the performance record (reports) and the 五公开 panel on a station's public page
(stations), so those apps never import this one."""

from __future__ import annotations

from django import template

from .. import points, selectors

register = template.Library()


@register.inclusion_tag("duty/_record_summary.html")
def duty_summary(deputy, year: int, duty=None) -> dict:
    """The deputy's points and what they are behind on, with a link to the full year
    (``duty``: the deputy's ``DutyYear`` when the page has it already)."""
    duty = duty or selectors.duty_year(deputy, year)
    return {
        "deputy": deputy,
        "year": year,
        "duty": duty,
        "score": points.score_for(deputy, duty),
    }


@register.inclusion_tag("duty/_open_panel.html")
def station_open(station, deputy_rows=None) -> dict:
    """五公开 on the station's public page: deputies, rules, plan, results, published stories.

    ``deputy_rows``: the page's ``current_deputies`` rows, so the deputies are read once.
    """
    from ..openness import open_page

    deputies = None if deputy_rows is None else [row.deputy for row in deputy_rows]
    return {"open": open_page(station, deputies=deputies)}
