"""Load a year's State Council holiday notice into the working-day calendar.

    manage.py load_holidays 2027                     # from the chinese-calendar package
    manage.py load_holidays 2027 --file 2027.csv     # a table: date,kind,name
    manage.py load_holidays                          # which years are loaded

Open cases' deadlines and planned reception days of that year are recomputed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import CalendarYear
from core.services import CalendarError, calendar_year_load, parse_holiday_table
from core.workdays import COVERAGE_DAYS, coverage_gap, package_years


class Command(BaseCommand):
    help = "Load a year's public holidays and make-up working days (调休), then recompute."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int, nargs="?")
        parser.add_argument("--file", help="CSV table with the columns date, kind, name")

    def handle(self, *args, year=None, file=None, **options) -> None:
        if year is None:
            loaded = sorted(CalendarYear.objects.values_list("year", flat=True))
            self.stdout.write(f"loaded: {', '.join(map(str, loaded)) or '-'}")
            self.stdout.write(
                f"chinese-calendar knows: {', '.join(map(str, sorted(package_years())))}"
            )
            gap = coverage_gap()
            if gap:
                self.stdout.write(
                    self.style.WARNING(
                        f"{gap} is not loaded and starts within {COVERAGE_DAYS} days"
                    )
                )
            return
        try:
            days = None
            if file:
                days = parse_holiday_table(Path(file).read_text(encoding="utf-8-sig"), year=year)
            entry = calendar_year_load(actor=None, year=year, days=days)
        except (CalendarError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{year} loaded ({entry.get_source_display()}): {entry.summary}")
        )
