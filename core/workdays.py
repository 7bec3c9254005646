"""Working-day arithmetic over the holiday table (public holidays and make-up days, 调休).

Deadlines are counted in working days: a weekend day is off unless the table marks it as a
make-up working day, a weekday is on unless the table marks it as a holiday.

The State Council publishes each year's notice (国务院办公厅关于某年部分节假日安排的通知) around
November of the year before. A year is *covered* once its notice is loaded (a ``CalendarYear``
row); until then its dates are counted Monday–Friday and shown as provisional (暂定), and
loading the notice recomputes them (core.services.calendar_year_load).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from .models import CalendarYear, Holiday

# Administrators and clerks are warned when the calendar does not reach this far ahead.
COVERAGE_DAYS = 120


class Calendar:
    """A snapshot of the holiday table; build one per request or task, not per date.

    ``covered`` is the set of years whose notice is loaded; ``None`` (a calendar built from
    explicit overrides, as tests do) treats every year as covered.
    """

    def __init__(
        self, overrides: dict[dt.date, bool] | None = None, covered: set[int] | None = None
    ) -> None:
        self._read_covered = overrides is None
        if overrides is None:
            overrides = dict(Holiday.objects.values_list("date", "is_workday"))
        self.overrides = overrides
        self._covered = covered

    @property
    def covered(self) -> set[int] | None:
        # Read when first asked: date arithmetic (every deadline) never needs it.
        if self._read_covered:
            self._covered = set(CalendarYear.objects.values_list("year", flat=True))
            self._read_covered = False
        return self._covered

    def is_covered(self, day: dt.date) -> bool:
        return self.covered is None or day.year in self.covered

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


_covered_cache: tuple[float, frozenset[int]] = (0.0, frozenset())
_COVERED_TTL = 60.0  # seconds; another process sees a newly loaded year within a minute


def covered_years() -> frozenset[int]:
    """The loaded years, memoised briefly per process (list pages mark many dates)."""
    global _covered_cache
    at, years = _covered_cache
    if time.monotonic() - at > _COVERED_TTL:
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        _covered_cache = (time.monotonic(), years)
    return years


def forget_covered_years() -> None:
    global _covered_cache
    _covered_cache = (0.0, frozenset())


def is_provisional(day: dt.date | None) -> bool:
    """True for a date in a year whose holiday notice is not loaded yet."""
    return day is not None and day.year not in covered_years()


def coverage_gap(today: dt.date | None = None) -> int | None:
    """The first year within the next ``COVERAGE_DAYS`` days whose notice is not loaded."""
    from django.utils import timezone

    today = today or timezone.localdate()
    end = today + dt.timedelta(days=COVERAGE_DAYS)
    years = covered_years()
    return next((y for y in range(today.year, end.year + 1) if y not in years), None)


def package_years() -> set[int]:
    """Years the installed chinese-calendar package knows (it stops at its release's year)."""
    import chinese_calendar

    return {day.year for day in chinese_calendar.holidays}


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


@dataclass(frozen=True)
class HolidayDay:
    """One line of a year's notice: a day off (holiday) or a make-up working day (调休)."""

    date: dt.date
    is_workday: bool
    name: str = ""


def package_days(year: int) -> list[HolidayDay]:
    """The year's days from chinese-calendar, names in Chinese (they are shown on rosters)."""
    import chinese_calendar

    days = []
    for table, is_workday in (
        (chinese_calendar.holidays, False),
        (chinese_calendar.workdays, True),
    ):
        for day, name in table.items():
            if day.year == year:
                label = _HOLIDAY_NAMES.get(str(name), str(name or ""))
                days.append(HolidayDay(date=day, is_workday=is_workday, name=label))
    return sorted(days, key=lambda d: d.date)
