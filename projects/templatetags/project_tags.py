"""Project sections for pages of lower apps and of reports/.

The tracking page belongs to petitions/, below this app: it includes
``projects/public/_for_petition.html``, which loads this tag, so no Python import goes up the
layers. Only the project's title and status reach the constituent.
"""

from __future__ import annotations

from django import template

from ..selectors import projects_for_petitions

register = template.Library()


@register.simple_tag
def projects_for_case(petition) -> list:
    return projects_for_petitions([petition.pk])


@register.simple_tag
def project_record(deputy, year: int) -> dict:
    """The deputy's part in the year's livelihood projects, for the performance record: what
    they proposed, supervised and inspected (never how they voted)."""
    from ..selectors import deputy_record

    return deputy_record(deputy, int(year))


@register.simple_tag
def project_departments(rows, year: int) -> list:
    """(department, figures) for the departments of the league table, in its order."""
    from django.utils import timezone

    from ..selectors import department_figures

    departments = [r["object"] for r in rows]
    found = department_figures([d.pk for d in departments], int(year), timezone.localdate())
    return [(d, found[d.pk]) for d in departments]
