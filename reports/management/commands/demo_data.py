"""Load the demo city: registry, deputies, roster, petitions, then ledgers and notices.

Every loader is idempotent, so running the command twice is safe.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from reports import rollups

# (module, label), loaded in this order; each module has ``load(stdout=…)``. A module whose
# outcome depends on the settings also has ``summary(result) -> str``: its line says what was
# done instead of the label (api.demo forwards nothing with FAKE_PLATFORM_PORT=0).
LOADERS = (
    ("core.demo", "holiday calendar (this year and next, where chinese-calendar knows them)"),
    ("stations.demo", "registry: regions, stations, departments, logins"),
    ("deputies.demo", "deputies"),
    ("deputies.roster.demo", "reception rules, days, duty roster, attendance"),
    ("petitions.demo", "receptions and petitions"),
    ("ties.demo", "ties: terms, pairing, grids, report-backs, appointments, themed meetings"),
    ("suggestions.demo", "deputies' formal suggestions"),
    ("projects.demo", "livelihood projects (a cycle in each state)"),
    ("duty.demo", "the whole duty: quotas, points, self-reported activities, 五公开, assessments"),
    ("petitions.todo.demo", "working day: notification choices, routing rules, canned replies"),
    ("api.demo", "an API integration and the fake 四平台"),
)

# (days ago, kind, title): a few hand-recorded activities for the demo deputy and neighbours.
DEMO_ACTIVITIES = (
    (20, "training", "新任代表履职培训"),
    (45, "inspection", "老旧小区加装电梯项目视察"),
    (75, "research", "社区养老服务设施调研"),
    (120, "report_written", "向选民书面述职"),
)


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
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data although DJANGO_ENV=production (it creates logins whose "
            "password is published; check --deploy then fails until they are changed).",
        )

    def handle(self, *args, scale: bool, stations: int, deputies: int, **options) -> None:
        if settings.PRODUCTION and not options.get("allow_production"):
            raise CommandError(
                "DJANGO_ENV=production: demo data creates logins with the published password "
                "demo12345 and is refused. Use --allow-production only on a throw-away copy."
            )
        summary: list[str] = []
        results: dict[str, Any] = {}
        for module_name, label in LOADERS:
            module = importlib.import_module(module_name)
            started = time.monotonic()
            if module_name == "deputies.demo":
                registry = results["stations.demo"]
                results[module_name] = module.load(
                    stations=registry["stations"], stdout=self.stdout
                )
            else:
                results[module_name] = module.load(stdout=self.stdout)
            if hasattr(module, "summary"):
                label = module.summary(results[module_name])
            summary.append(f"  ✓ {label} ({time.monotonic() - started:.1f} s)")

        summary.append(f"  ✓ ledgers: {self._ledgers()}")
        rollups.rebuild_all()
        summary.append("  ✓ dashboard rollups rebuilt")

        if scale:
            for module_name, count in (("stations.demo", stations), ("deputies.demo", deputies)):
                started = time.monotonic()
                importlib.import_module(module_name).scale(count, stdout=self.stdout)
                summary.append(
                    f"  ✓ {module_name}.scale({count}) ({time.monotonic() - started:.1f} s)"
                )

        self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
        self.stdout.write("\n".join(summary))

    @transaction.atomic
    def _ledgers(self) -> str:
        """A few hand-recorded activities and one published progress notice per demo station."""
        from deputies.models import Deputy
        from reports import notices
        from reports.ledgers.models import DeputyActivity
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
