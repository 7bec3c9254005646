"""Working-day arithmetic over the holiday table (public holidays and make-up days, 调休).

Deadlines are counted in working days: a weekend day is off unless the table marks it as a
make-up working day, a weekday is on unless the table marks it as a holiday.
"""

from __future__ import annotations

import datetime as dt

from .models import Holiday


class Calendar:
    """A snapshot of the holiday table; build one per request or task, not per date."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None) -> None:
        if overrides is None:
            overrides = dict(Holiday.objects.values_list("date", "is_workday"))
        self.overrides = overrides

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (start itself is not counted)."""
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        day = start
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def next_workday(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    return Calendar().add_working_days(start, days)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def load_chinese_holidays(years: range | None = None) -> int:
    """Fill the holiday table from the chinese-calendar package; returns rows written.

    Names are stored in Chinese (the package uses English) because they are shown on rosters.
    """
    import chinese_calendar

    rows = []
    for table, is_workday in (
        (chinese_calendar.holidays, False),
        (chinese_calendar.workdays, True),
    ):
        for day, name in table.items():
            if years is not None and day.year not in years:
                continue
            label = _HOLIDAY_NAMES.get(str(name), str(name or ""))
            rows.append(Holiday(date=day, name=label, is_workday=is_workday))
    Holiday.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["name", "is_workday"]
    )
    return len(rows)
