"""How long a department has to reply, counted in working days (core.workdays)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from core.workdays import Calendar

from .choices import Channel, Tier
from .models import Petition


def reply_days(petition: Petition) -> int:
    """Working days a department has: suggestions get longer, online cases a quick answer."""
    if petition.tier == Tier.SUGGESTION:
        return settings.REPLY_DAYS_SUGGESTION
    if petition.channel == Channel.ONLINE:
        return settings.REPLY_DAYS_ONLINE
    return settings.REPLY_DAYS_DEFAULT


def compute_deadline(
    petition: Petition, *, start: dt.date | None = None, calendar: Calendar | None = None
) -> dt.date:
    """The reply deadline: ``reply_days`` working days after ``start`` (today)."""
    start = start or timezone.localdate()
    return (calendar or Calendar()).add_working_days(start, reply_days(petition))
