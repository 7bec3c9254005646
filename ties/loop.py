"""An appointment's actions, one row each (core.machine): staff confirm or decline a booking.

Services open with ``APPOINTMENT.check(name, row)`` and the row's right; the page offers
``APPOINTMENT.available(user, appointment)``; ties/urls.py makes one POST URL per row; the
tests iterate the rows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import IllegalTransition
from core.machine import Action, Registry

from . import rights
from .choices import AppointmentStatus as A

APPOINTMENT: Registry = Registry(
    [
        Action(
            "confirm",
            _("Confirm"),
            frozenset({A.PENDING}),
            A.CONFIRMED,
            may=rights.runs_appointment,
            form="ties.forms.AppointmentAnswerForm",
            url_name="ties:appointment_confirm",
            path="confirm/",
            service="ties.services.appointment_confirm",
            order=10,
        ),
        Action(
            "decline",
            _("Decline"),
            frozenset({A.PENDING}),
            A.DECLINED,
            may=rights.runs_appointment,
            form="ties.forms.AppointmentAnswerForm",
            url_name="ties:appointment_decline",
            path="decline/",
            service="ties.services.appointment_decline",
            order=20,
        ),
    ],
    error=IllegalTransition,
)
