"""The constituent's view of the suggestions built on their case (for the tracking page).

The tracking page belongs to petitions/, below this app: it includes
``suggestions/public/_for_petition.html``, which loads this tag, so no Python import goes up
the layers. Only the fields meant for the constituent are shown: the number, the title (its
form says it is shown to them), the status, the classification and the dates.
"""

from __future__ import annotations

from django import template

from ..choices import Status
from ..loop import PATH
from ..selectors import suggestions_for_petitions

register = template.Library()


@register.simple_tag
def suggestions_for_case(petition) -> list[dict]:
    rows = []
    for s in suggestions_for_petitions([petition.pk]):
        steps = [
            st for st in PATH if st != "draft" and (st != "following" or s.classification == "B")
        ]
        current = steps.index(Status(s.status)) if s.status in steps else -1
        rows.append(
            {
                "s": s,
                "steps": [
                    {
                        "label": st.label,
                        "state": "done" if i < current else ("current" if i == current else "todo"),
                    }
                    for i, st in enumerate(steps)
                ],
            }
        )
    return rows


# The deputy's performance record and the department league table live in reports/, which
# may import this app; these tags let their templates show the suggestion figures with one
# include each (the figures come from suggestions.selectors, two grouped queries).


@register.simple_tag
def suggestion_record(deputy, year: int) -> dict:
    from django.utils import timezone

    from ..selectors import deputy_figures

    return deputy_figures(deputy, int(year), today=timezone.localdate())


@register.simple_tag
def suggestion_departments(rows, year: int) -> list:
    """(department, figures) for the departments of the league table, in its order."""
    from django.utils import timezone

    from ..selectors import Figures, department_figures

    departments = [r["object"] for r in rows]
    found = department_figures([d.pk for d in departments], int(year), today=timezone.localdate())
    return [(d, found.get(d.pk) or Figures(key=d.pk, name=d.name)) for d in departments]
