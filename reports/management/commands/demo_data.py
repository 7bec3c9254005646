"""Load the demo city: registry, deputies, roster, petitions, then ledgers and notices.

Each layer's loader is optional (``ImportError`` → skipped), so the command works at any stage
of the build; every loader is idempotent, so running the command twice is safe.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

LOADERS = (
    ("stations.demo", "registry: regions, stations, departments, logins"),
    ("deputies.demo", "deputies"),
    ("deputies.roster_demo", "reception rules, days, duty roster, attendance"),
    ("petitions.demo", "receptions and petitions"),
    ("suggestions.demo", "deputies' formal suggestions"),
)

# (days ago, kind, title): a few hand-recorded activities for the demo deputy and neighbours.
DEMO_ACTIVITIES = (
    (20, "training", "新任代表履职培训"),
    (45, "inspection", "老旧小区加装电梯项目视察"),
    (75, "research", "社区养老服务设施调研"),
    (120, "report_written", "向选民书面述职"),
)


def _optional(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        # Only a missing loader module is skipped; a broken import inside one is a real error.
        if exc.name == module_name:
            return None
        raise


class Command(BaseCommand):
    help = "Load (or refresh) the demo data. Safe to run more than once."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            action="store_true",
            help="Also add many synthetic stations and deputies (benchmarks).",
        )
        parser.add_argument("--stations", type=int, default=10000, help="With --scale.")
        parser.add_argument("--deputies", type=int, default=100000, help="With --scale.")

    def handle(self, *args, scale: bool, stations: int, deputies: int, **options) -> None:
        summary: list[str] = []
        results: dict[str, object] = {}
        for module_name, label in LOADERS:
            module = _optional(module_name)
            if module is None or not hasattr(module, "load"):
                summary.append(f"  - {label}: skipped (not available yet)")
                continue
            started = time.monotonic()
            if module_name == "deputies.demo" and isinstance(results.get("stations.demo"), dict):
                results[module_name] = module.load(
                    stations=results["stations.demo"].get("stations"), stdout=self.stdout
                )
            else:
                results[module_name] = module.load(stdout=self.stdout)
            summary.append(f"  ✓ {label} ({time.monotonic() - started:.1f} s)")

        summary.append(f"  ✓ ledgers: {self._ledgers()}")

        rollups = _optional("reports.rollups")
        if rollups is not None and hasattr(rollups, "rebuild_all"):
            rollups.rebuild_all()
            summary.append("  ✓ dashboard rollups rebuilt")
        elif rollups is not None and hasattr(rollups, "reconcile"):
            today = timezone.localdate()
            rollups.reconcile(dt.date(today.year - 2, 1, 1), today)
            summary.append("  ✓ dashboard rollups reconciled")

        if scale:
            for module_name, fn, count in (
                ("stations.demo", "scale", stations),
                ("deputies.demo", "scale", deputies),
            ):
                module = _optional(module_name)
                if module is None or not hasattr(module, fn):
                    summary.append(f"  - {module_name}.{fn}: not available")
                    continue
                started = time.monotonic()
                getattr(module, fn)(count, stdout=self.stdout)
                summary.append(
                    f"  ✓ {module_name}.{fn}({count}) ({time.monotonic() - started:.1f} s)"
                )

        self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
        self.stdout.write("\n".join(summary))

    @transaction.atomic
    def _ledgers(self) -> str:
        """A few hand-recorded activities and one published progress notice per demo station."""
        from deputies.models import Deputy
        from reports import notices
        from reports.ledger_models import DeputyActivity
        from stations.choices import StationKind
        from stations.models import Station

        today = timezone.localdate()
        activities = 0
        deputies = list(Deputy.objects.filter(is_active=True, user__isnull=False)[:3])
        deputies += list(
            Deputy.objects.filter(is_active=True, user__isnull=True).order_by("pk")[:5]
        )
        for deputy in deputies:
            for days_ago, kind, title in DEMO_ACTIVITIES:
                _obj, created = DeputyActivity.objects.get_or_create(
                    deputy=deputy,
                    kind=kind,
                    title=title,
                    defaults={"date": today - dt.timedelta(days=days_ago)},
                )
                activities += created
        start, end = notices.last_completed_period(today)
        published = 0
        for station in Station.objects.filter(is_active=True, kind=StationKind.HOME):
            notices.publish(station, start, end, today=today)
            published += 1
        return f"{activities} new activities, {published} progress notices for {start} – {end}"
