"""System check: the holiday calendar must reach COVERAGE_DAYS ahead."""

from django.core.checks import Warning, register
from django.db import DatabaseError


@register("calendar")
def holiday_calendar_coverage(app_configs=None, **kwargs) -> list:
    from .workdays import COVERAGE_DAYS, coverage_gap

    try:
        gap = coverage_gap()
    except DatabaseError:  # not migrated yet: nothing to say
        return []
    if gap is None:
        return []
    return [
        Warning(
            f"The holiday calendar has no State Council notice for {gap}, which starts within "
            f"{COVERAGE_DAYS} days: deadlines and reception days in it are provisional.",
            hint=(
                f"Run `manage.py load_holidays {gap}` (add `--file notice.csv` when chinese-calendar "
                "does not know the year yet) or use Admin → Holiday calendar years → Load a year."
            ),
            id="core.W001",
        )
    ]
