"""Time every page of the URL conf as its natural role, at province, city, district and station scope.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench \
        .venv/bin/python bench/pages.py --petitions 50000 [--repeat 3] [--only reports:]

Seeds with ``bench/run.py``'s seeding when the database holds fewer petitions (PostgreSQL),
finds every named URL (the same names the role matrix covers), fills its ids with real rows of
the seeded data, and GETs it with Django's test client logged in as the role that uses the page:
a province, city and district clerk (``bench-clerk-<region id>``), a station's staff member
(``bench-staff-<station id>``), a department handler, or nobody for public pages. Prints one
table: URL name, scope, status, median / max server ms, queries, HTML bytes. POST-only URLs
(405 to a GET) and URLs whose ids the seed has no row for are listed as skipped.

The bench users' password is ``BENCH_PASSWORD`` (bench database only) so that load tests
(locust, wrk) can log in through the real login form.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

from bench import run as seed  # noqa: E402  (sets up Django like the other benches)
from petitions.models import Petition  # noqa: E402
from stations.models import Department, Region, Station  # noqa: E402

BENCH_PASSWORD = seed.BENCH_PASSWORD
IGNORED = {"admin", "set_language", "logout"}
PUBLIC_PREFIXES: tuple[str, ...] = (
    "public:",
    "healthz",
    "readyz",
    "login",
    "stations:public",
    "stations:qr_",
)
PUBLIC_PREFIXES += ("deputies:public", "deputies:qr_", "ledgers:notice_public", "roster:ical")


def url_names() -> list[tuple[str, str]]:
    """(name, route) of every named URL, as tests/test_role_matrix.py discovers them."""

    def walk(patterns, prefix="", route=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in IGNORED:
                    continue
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                yield from walk(p.url_patterns, ns, route + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name and p.name not in IGNORED:
                yield prefix + p.name, route + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


class World:
    """Real rows of the seeded database: one busy station and the regions above it."""

    def __init__(self) -> None:
        busy = (
            Petition.objects.values("station_id")
            .annotate(n=seed.django.db.models.Count("id"))
            .order_by("-n")
            .first()
        )
        if busy is None:
            sys.exit("no petitions: seed first")
        self.station = Station.objects.select_related("region").get(pk=busy["station_id"])
        chain = self.station.region.ancestors()
        by_level = {r.level: r for r in chain}
        self.regions = {
            "province": by_level.get("province"),
            "city": by_level.get("city"),
            "district": by_level.get("district"),
        }
        self.petition = Petition.objects.filter(station=self.station).order_by("-pk").first()
        self.department = (
            Department.objects.filter(pk=self.petition.lead_department_id).first()
            if self.petition and self.petition.lead_department_id
            else Department.objects.order_by("pk").first()
        )
        from deputies.models import Deputy

        self.deputy = (
            Deputy.objects.filter(assignments__station=self.station).first()
            or Deputy.objects.order_by("pk").first()
        )

    def obj(self, name: str):
        """The row an ``<int:pk>`` of this URL names (None: the seed has none)."""
        import importlib

        def first(label: str, **filters):
            app, model = label.rsplit(".", 1)
            module = importlib.import_module(f"{app}.models")
            return getattr(module, model).objects.filter(**filters).order_by("pk").first()

        # Built lazily: only the row this URL needs is read.
        table = {
            "stations:department_detail": lambda: self.department,
            "stations:department_edit": lambda: self.department,
            "deputies:end_assignment": lambda: first(
                "deputies.StationAssignment", station=self.station
            ),
            "roster:rule_edit": lambda: first("deputies.roster.ReceptionRule"),
            "roster:day_detail": lambda: first("deputies.roster.ReceptionDay"),
            "petitions:reception_detail": lambda: first(
                "petitions.Reception", station=self.station
            ),
            "petitions:attachment": lambda: first("petitions.Attachment"),
            "suggestions:letter": lambda: first("suggestions.SuggestionReply"),
            "ledgers:export_job": lambda: first("reports.ledgers.ExportJob"),
            "ledgers:export_status": lambda: first("reports.ledgers.ExportJob"),
            "ledgers:export_download": lambda: first("reports.ledgers.ExportJob"),
        }
        if name in table:
            return table[name]()
        ns = name.split(":")[0]
        if ns in ("stations", "roster") or name in ("reports:station", "ledgers:notice_preview"):
            return self.station
        if ns == "deputies" or name.startswith("ledgers:record"):
            return self.deputy
        if ns == "petitions":
            return self.petition
        if ns == "suggestions":
            return first("suggestions.Suggestion")
        return None

    def args(self, name: str, route: str, scope_region: Region | None) -> list | None:
        out: list = []
        for _conv, arg in re.findall(r"<(?:(\w+):)?(\w+)>", route):
            if arg == "pk":
                obj: Any
                if name in ("reports:region", "reports:monthly"):
                    obj = scope_region
                elif name == "ledgers:station_records_export":
                    obj = self.station
                else:
                    obj = self.obj(name)
                if obj is None:
                    return None
                out.append(obj.pk)
            elif arg == "year":
                out.append(time.localtime().tm_year)
            elif arg == "month":
                out.append(time.localtime().tm_mon)
            elif arg in ("code", "public_code"):
                if name.startswith("public:") and "submit" not in name:
                    out.append(self.petition.tracking_code)
                elif name.startswith("deputies:"):
                    out.append(self.deputy.public_code)
                else:
                    out.append(self.station.public_code)
            elif arg == "kind":
                out.append("region" if name == "stations:lookup" else "deputy")
            else:
                return None
        return out


def roles_for(name: str) -> list[str]:
    """The natural roles of a page, most widely scoped first."""
    if name.startswith(PUBLIC_PREFIXES):
        return ["public"]
    if name == "petitions:department_cases":
        return ["handler"]
    if name in ("petitions:list", "petitions:lookup"):
        return ["province", "city", "district", "station"]
    if name.startswith(("petitions:", "roster:")) or name in ("stations:poster",):
        return ["station"]
    return ["province", "city", "district", "station"]


def users(world: World) -> dict[str, Any]:
    User = get_user_model()
    found: dict[str, Any] = {"public": None}
    for scope, region in world.regions.items():
        found[scope] = User.objects.filter(username=f"bench-clerk-{region.pk}").first()
    found["station"] = User.objects.filter(username=f"bench-staff-{world.station.pk}").first()
    found["handler"] = User.objects.filter(
        username__startswith=f"bench-handler-{world.department.pk}-"
    ).first()
    return found


def measure(client: Client, url: str, repeat: int) -> tuple[int, list[float], int, int]:
    client.get(url)  # warm: templates compiled, first-request work done
    times, queries, size, status = [], 0, 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            times.append((time.perf_counter() - t) * 1000)
        queries, size, status = len(ctx.captured_queries), len(body), response.status_code
    return status, times, queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="URL name prefixes, comma-separated, e.g. reports:,todo:"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL bench database")
    if Petition.objects.count() < args.petitions:
        seed.seed_registry(
            min(10_000, max(50, args.petitions // 100)), min(100_000, args.petitions // 10)
        )
        seed.seed_petitions(args.petitions - Petition.objects.count())
        seed.seed_receptions()
        seed.rollups.rebuild_all()
        with connection.cursor() as cur:
            # Statistics of every table, as autovacuum keeps them in production (it is off on
            # the bench box): unanalysed, the planner guessed 24 deputies for a province's
            # 5,000 and chose nested loops for duty's counts.
            cur.execute("ANALYZE")
    seed.bench_passwords()
    world = World()
    people = users(world)
    rows, skipped = [], []
    for name, route in url_names():
        if not name.startswith(tuple(args.only.split(","))):
            continue
        for scope in roles_for(name):
            region = world.regions.get(scope) or world.regions["district"]
            ids = world.args(name, route, region)
            if ids is None:
                skipped.append(f"{name} (no row in the seed)")
                break
            url = reverse(name, args=ids)
            if name in ("petitions:lookup", "stations:lookup"):
                url += "?q=zhang" if name == "petitions:lookup" else "?q=di"
            client = Client()
            user = people.get(scope)
            if scope != "public":
                if user is None:
                    skipped.append(f"{name} ({scope}: no bench user)")
                    continue
                client.force_login(user)
            status, times, queries, size = measure(client, url, args.repeat)
            if status == 405:
                skipped.append(f"{name} (POST only)")
                break
            rows.append((name, scope, status, statistics.median(times), max(times), queries, size))
    n = Petition.objects.count()
    print(f"\n{n:,} petitions, {Station.objects.count():,} stations; repeat {args.repeat}")
    print(
        "| URL name | scope | status | median ms | max ms | queries | HTML bytes |\n"
        "|---|---|---|---|---|---|---|"
    )
    for name, scope, status, median, top, queries, size in rows:
        print(f"| {name} | {scope} | {status} | {median:.0f} | {top:.0f} | {queries} | {size:,} |")
    if skipped:
        print("\nskipped: " + ", ".join(skipped))


if __name__ == "__main__":
    main()
