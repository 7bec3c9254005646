"""The constituent's view of the suggestions built on their case (for the tracking page).

The tracking page belongs to petitions/, below this app: it includes
``suggestions/public/_for_petition.html``, which loads this tag, so no Python import goes up
the layers. Only the fields meant for the constituent are shown: the number, the title (its
form says it is shown to them), the status, the classification and the dates.
"""

from __future__ import annotations

from django import template

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
        current = steps.index(s.status) if s.status in steps else -1
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
