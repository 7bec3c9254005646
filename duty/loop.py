"""The self-reported activity's states, declared once (services, views, menus and tests read
these rows).

    submitted ─approve→ approved       (only approved activities count)
        └─return (with a reason)→ returned ─resubmit (edited)→ submitted
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.machine import Action, Registry

from . import rights
from .choices import ActivityStatus as S

FORMS = "duty.forms"

REGISTRY: Registry = Registry(
    [
        Action(
            "approve",
            _("Approve"),
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            may=rights.runs_station,
            form=f"{FORMS}.ApproveForm",
            service="duty.services.activity_approve",
            order=10,
        ),
        Action(
            "return",
            _("Return with a reason"),
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            may=rights.runs_station,
            form=f"{FORMS}.ReturnForm",
            service="duty.services.activity_return",
            order=20,
        ),
        Action(
            "resubmit",
            _("Edit and submit again"),
            frozenset({S.RETURNED}),
            S.SUBMITTED,
            may=rights.is_own_deputy,
            url_name="duty:activity_edit",  # a page of its own, not an inline form
            service="duty.services.activity_resubmit",
            order=30,
        ),
    ]
)
