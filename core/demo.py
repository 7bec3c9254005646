"""Demo data of the core app: the holiday calendar for this year and the next, where known."""

from __future__ import annotations

from django.utils import timezone

from .models import CalendarYear
from .services import calendar_year_load
from .workdays import coverage_gap, forget_covered_years, package_years


def load(stdout=None) -> dict:
    """Load this year's and next year's notice from chinese-calendar when it knows them.

    A year the package does not know yet is left out on purpose (its notice may not even be
    published): the demo then shows the banner that asks an administrator to load it.
    """
    today = timezone.localdate()
    have = set(CalendarYear.objects.values_list("year", flat=True))
    loaded = [
        calendar_year_load(actor=None, year=year).year
        for year in (today.year, today.year + 1)
        if year in package_years() and year not in have
    ]
    forget_covered_years()
    gap = coverage_gap()
    if stdout is not None and gap:
        stdout.write(
            f"  ! chinese-calendar does not know {gap} yet: the banner asks an administrator to "
            f"load its holidays (manage.py load_holidays {gap} --file notice.csv)\n"
        )
    return {"loaded": loaded, "gap": gap}
