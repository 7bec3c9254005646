"""Reception rules as RFC 5545 recurrences: build the rrule, apply the holiday policy, describe it.

The recurrence itself is always dateutil's ``rrule``; this module only maps the stored fields to
its arguments, and moves or drops dates that fall on public holidays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil import rrule as du
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import time_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workdays import Calendar

from .roster.choices import Frequency, HolidayPolicy

WEEKDAY_CONSTANTS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def _ints(text: str) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip()]


def build_rrule(rule: Any) -> du.rrule:
    """The dateutil rrule for a rule (or any object with the same fields)."""
    weekdays = _ints(rule.byweekday)
    ordinals = _ints(rule.weekday_ordinals)
    byweekday = None
    if weekdays:
        if ordinals:
            # First and third Monday: MO(+1), MO(+3) — BYDAY=1MO,3MO in RFC 5545.
            byweekday = [WEEKDAY_CONSTANTS[w](n) for w in weekdays for n in ordinals]
        else:
            byweekday = [WEEKDAY_CONSTANTS[w] for w in weekdays]
    until = dt.datetime.combine(rule.until, dt.time.max) if rule.until else None
    return du.rrule(
        du.MONTHLY if rule.freq == Frequency.MONTHLY else du.WEEKLY,
        dtstart=dt.datetime.combine(rule.dtstart, dt.time()),
        interval=rule.interval or 1,
        bymonthday=_ints(rule.bymonthday) or None,
        byweekday=byweekday,
        bymonth=_ints(rule.bymonth) or None,
        until=until,
    )


def rule_dates(
    rule: Any, start: dt.date, end: dt.date, calendar: Calendar | None = None
) -> list[dt.date]:
    """Reception dates of a rule between start and end (inclusive), holiday policy applied.

    The policy applies to public holidays in the holiday table only: a rule that lands on an
    ordinary Saturday is kept, because many stations receive on weekends on purpose.
    """
    calendar = calendar or Calendar()
    raw = build_rrule(rule).between(
        dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time.max), inc=True
    )
    dates: set[dt.date] = set()
    for occurrence in raw:
        day = occurrence.date()
        if calendar.overrides.get(day) is False:
            if rule.holiday_policy == HolidayPolicy.SKIP:
                continue
            if rule.holiday_policy == HolidayPolicy.NEXT_WORKDAY:
                day = calendar.next_workday(day)
                if day > end:
                    continue
        dates.add(day)
    return sorted(dates)


# --- Presets offered in the rule form: the rules quoted in the seeds -------------------------

PRESETS: dict[str, dict[str, Any]] = {
    "monthly_20": {
        "label": gettext_lazy("Every month on the 20th"),
        "fields": {
            "freq": "MONTHLY",
            "interval": 1,
            "bymonthday": "20",
            "byweekday": "",
            "weekday_ordinals": "",
            "bymonth": "",
            "start_time": "09:00",
            "end_time": "11:30",
        },
    },
    "odd_months_20": {
        "label": gettext_lazy("On the 20th of odd months"),
        "fields": {
            "freq": "MONTHLY",
            "interval": 1,
            "bymonthday": "20",
            "byweekday": "",
            "weekday_ordinals": "",
            "bymonth": "1,3,5,7,9,11",
            "start_time": "09:00",
            "end_time": "11:30",
        },
    },
    "friday_evening": {
        "label": gettext_lazy("Every Friday evening 18:30–20:30"),
        "fields": {
            "freq": "WEEKLY",
            "interval": 1,
            "bymonthday": "",
            "byweekday": "4",
            "weekday_ordinals": "",
            "bymonth": "",
            "start_time": "18:30",
            "end_time": "20:30",
        },
    },
    "first_third_monday": {
        "label": gettext_lazy("First and third Monday mornings"),
        "fields": {
            "freq": "MONTHLY",
            "interval": 1,
            "bymonthday": "",
            "byweekday": "0",
            "weekday_ordinals": "1,3",
            "bymonth": "",
            "start_time": "08:30",
            "end_time": "11:30",
        },
    },
    "quarter_end_15": {
        "label": gettext_lazy("The 15th of the last month of each quarter"),
        "fields": {
            "freq": "MONTHLY",
            "interval": 1,
            "bymonthday": "15",
            "byweekday": "",
            "weekday_ordinals": "",
            "bymonth": "3,6,9,12",
            "start_time": "09:00",
            "end_time": "11:30",
        },
    },
    "every_other_friday": {
        "label": gettext_lazy("Every other Friday"),
        "fields": {
            "freq": "WEEKLY",
            "interval": 2,
            "bymonthday": "",
            "byweekday": "4",
            "weekday_ordinals": "",
            "bymonth": "",
            "start_time": "14:30",
            "end_time": "17:00",
        },
    },
}


# --- Human-readable summary ------------------------------------------------------------------


def _ordinal(n: int) -> str:
    names = {
        1: _("first"),
        2: _("second"),
        3: _("third"),
        4: _("fourth"),
        5: _("fifth"),
        -1: _("last"),
        -2: _("second to last"),
    }
    return names.get(n, str(n))


def _list(items: list[str]) -> str:
    return str(get_text_list(items, _("and")))


def describe(rule: Any) -> str:
    """'On the first and third Monday of every month, 08:30–11:30' (translated)."""
    weekdays = [str(WEEKDAYS[w]) for w in _ints(rule.byweekday)]
    ordinals = [_ordinal(n) for n in _ints(rule.weekday_ordinals)]
    monthdays = [str(d) for d in _ints(rule.bymonthday)]
    months = [str(MONTHS[m]) for m in _ints(rule.bymonth) if 1 <= m <= 12]
    interval = rule.interval or 1
    if rule.freq == Frequency.WEEKLY:
        days = _list(weekdays) or _("the start date's weekday")
        if interval == 1:
            text = _("Every %(days)s") % {"days": days}
        elif interval == 2:
            text = _("Every other %(days)s") % {"days": days}
        else:
            text = _("Every %(n)s weeks on %(days)s") % {"n": interval, "days": days}
    else:
        if months:
            period = _("in %(months)s") % {"months": _list(months)}
        elif interval == 1:
            period = _("of every month")
        else:
            period = _("every %(n)s months") % {"n": interval}
        if weekdays and ordinals:
            text = _("On the %(ordinals)s %(days)s %(period)s") % {
                "ordinals": _list(ordinals),
                "days": _list(weekdays),
                "period": period,
            }
        elif weekdays:
            text = _("Every %(days)s %(period)s") % {"days": _list(weekdays), "period": period}
        else:
            text = _("On day %(days)s %(period)s") % {
                "days": _list(monthdays) or str(rule.dtstart.day),
                "period": period,
            }
    window = f"{time_format(rule.start_time, 'H:i')}–{time_format(rule.end_time, 'H:i')}"
    return _("%(when)s, %(window)s") % {"when": text, "window": window}
