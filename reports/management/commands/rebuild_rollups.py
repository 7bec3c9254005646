"""Rebuild the dashboard rollups from the raw tables (repair; the nightly job is incremental).

manage.py rebuild_rollups                        # everything, watermarks to the end
manage.py rebuild_rollups --start 2026-01-01 --end 2026-03-31   # a range of days
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from reports import rollups


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from e


class Command(BaseCommand):
    help = "Rebuild the petition and reception rollups from the raw tables (set-based)."

    def add_arguments(self, parser):
        parser.add_argument("--start", help="first day (YYYY-MM-DD); with --end")
        parser.add_argument("--end", help="last day (YYYY-MM-DD); with --start")

    def handle(self, *args, start=None, end=None, **options):
        if bool(start) != bool(end):
            raise CommandError("give both --start and --end, or neither")
        t = time.perf_counter()
        if start:
            first, last = _date(start), _date(end)
            if first > last:
                raise CommandError("--start is after --end")
            written = rollups.reconcile(first, last)
        else:
            written = rollups.rebuild_all()
        self.stdout.write(f"{written} daily rollup rows written in {time.perf_counter() - t:.1f} s")
