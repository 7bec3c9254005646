"""A deputy's duties as an iCalendar feed (RFC 5545) for phone calendars."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Deputy
from .roster.choices import DayStatus
from .roster.models import Duty

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAST_DAYS = 90  # keep recent duties so a freshly subscribed calendar is not empty


def duty_uid(duty: Duty) -> str:
    """Stable per duty, so a calendar updates the event instead of duplicating it."""
    host = settings.PUBLIC_BASE_URL.split("://")[-1].split("/")[0].split(":")[0] or "liaison"
    return f"duty-{duty.pk}@{host}"


def deputy_calendar(deputy: Deputy) -> bytes:
    """The .ics body: one VEVENT per duty, times in Asia/Shanghai with its VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", "-//Deputy liaison stations//roster//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Duties of %(name)s") % {"name": deputy.name})
    cal.add("x-wr-timezone", "Asia/Shanghai")
    since = timezone.localdate() - dt.timedelta(days=PAST_DAYS)
    duties = (
        Duty.objects.filter(deputy=deputy, day__date__gte=since)
        .select_related("day__station")
        .order_by("day__date", "day__start_time")
    )
    stamp = timezone.now()
    for duty in duties:
        day = duty.day
        event = Event()
        event.add("uid", duty_uid(duty))
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(day.date, day.start_time, tzinfo=SHANGHAI))
        event.add("dtend", dt.datetime.combine(day.date, day.end_time, tzinfo=SHANGHAI))
        title = _("Reception duty · %(station)s") % {"station": day.station.name}
        if day.topic:
            title = f"{title} · {day.topic}"
        event.add("summary", title)
        event.add("location", day.place or day.station.address or day.station.name)
        event.add("status", "CANCELLED" if day.status == DayStatus.CANCELLED else "CONFIRMED")
        event.add("last-modified", day.created_at)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
