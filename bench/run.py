"""Benchmark at province scale: seed, build rollups, time the pages that must stay fast.

    createdb -h 127.0.0.1 -U postgres liaison_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench \
        .venv/bin/python bench/run.py --petitions 1000000

Prints a table of: (a) dashboard server time vs the raw time of its own SQL, (b) queries per
list page at ~10 / 1k / 100k rows in scope, (c) the deadline sweep vs an UPDATE of the narrow
supervision table over the same rows (bench/sweep.py), (d) tracking-code lookup p50/p95, (e) peak
RSS of a 100k-row XlsxWriter export.
Seeding is skipped when the database already holds enough petitions (--reseed to add more).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Time the pages as deployed (DEBUG off); CaptureQueriesContext still sees the queries.
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.codes import ALPHABET  # noqa: E402
from petitions.choices import Channel, Satisfaction, Status, Tier  # noqa: E402
from petitions.models import Category, Petition, Reception  # noqa: E402
from reports import rollups, selectors  # noqa: E402
from stations.models import Department, Region, Station  # noqa: E402

ROWS: list[tuple[str, str, str]] = []

# Every bench-* user's password, so load tests can log in through the real form. Bench
# database only: never a production account (``check --deploy`` refuses known passwords).
BENCH_PASSWORD = "bench-password-1"


def say(text: str) -> None:
    print(text, flush=True)


def result(name: str, value: str, goal: str = "") -> None:
    ROWS.append((name, value, goal))
    say(f"  {name}: {value} {goal}")


@contextlib.contextmanager
def phase(name: str):
    """Time one step of the seed (printed in the table as "seed: …")."""
    t = time.perf_counter()
    yield
    result(f"seed: {name}", f"{time.perf_counter() - t:.1f} s")


def timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


# ---------------------------------------------------------------------------------------------
# Seeding


def seed_registry(stations: int, deputies: int) -> None:
    from deputies.models import Deputy
    from stations import demo as stations_demo

    have = Station.objects.count()
    if have < stations:
        say(f"seeding {stations - have} stations …")
        with phase(f"{stations - have} stations"):
            stations_demo.scale(stations - have)
    if not Department.objects.exists():
        for d in Region.objects.filter(level="district")[:200]:
            Department.objects.get_or_create(region=d, name=f"{d.name}住建局")
    if not Category.objects.exists():
        for i, name in enumerate(
            ["城乡建设", "交通出行", "教育", "医疗卫生", "社会保障", "环境保护", "其他"]
        ):
            Category.objects.create(name=name, order=i)
    with phase("clerks, handlers and station staff"):
        seed_people()
    have = Deputy.objects.count()
    if have < deputies:
        say(f"seeding {deputies - have} deputies …")
        with phase(f"{deputies - have} deputies (COPY)"):
            seed_deputies(deputies - have)


def seed_people() -> None:
    """Who the deadline sweep tells: a clerk per city and district, two handlers per department
    and one staff member per station (bulk; password ``BENCH_PASSWORD``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from stations.choices import StaffPostKind
    from stations.models import ClerkScope, DepartmentHandler, StaffPost

    User = get_user_model()
    if User.objects.filter(username__startswith="bench-").count() > 1:
        return
    say("seeding clerks, handlers and station staff …")
    regions = list(Region.objects.filter(level__in=["province", "city", "district"]))
    departments = list(Department.objects.values_list("pk", flat=True))
    stations = list(Station.objects.values_list("pk", flat=True))
    names = (
        [f"bench-clerk-{r.pk}" for r in regions]
        + [f"bench-handler-{d}-{i}" for d in departments for i in (1, 2)]
        + [f"bench-staff-{s}" for s in stations]
    )
    hashed = make_password(BENCH_PASSWORD)  # hashed once: PBKDF2 per user would take minutes
    User.objects.bulk_create(
        [User(username=n, password=hashed) for n in names], batch_size=5000, ignore_conflicts=True
    )
    ids = dict(User.objects.filter(username__startswith="bench-").values_list("username", "pk"))
    ClerkScope.objects.bulk_create(
        [ClerkScope(user_id=ids[f"bench-clerk-{r.pk}"], region=r) for r in regions],
        ignore_conflicts=True,
    )
    DepartmentHandler.objects.bulk_create(
        [
            DepartmentHandler(user_id=ids[f"bench-handler-{d}-{i}"], department_id=d)
            for d in departments
            for i in (1, 2)
        ],
        ignore_conflicts=True,
    )
    StaffPost.objects.bulk_create(
        [
            StaffPost(user_id=ids[f"bench-staff-{s}"], station_id=s, post=StaffPostKind.values[0])
            for s in stations
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )


def bench_passwords() -> int:
    """Give every bench-* user ``BENCH_PASSWORD`` (databases seeded before it had none)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    return (
        get_user_model()
        .objects.filter(username__startswith="bench-")
        .update(password=make_password(BENCH_PASSWORD))
    )


def copy_rows(model, rows: list[dict]) -> int:
    """COPY rows given as {attname: value}; the other columns get the field's default (a
    callable default is called once: give such fields in every row) or, for auto_now
    fields, now."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if any(f.get_internal_type() == "JSONField" for f in fields):
        raise ValueError("copy_rows writes plain columns only")
    now = timezone.now()
    base = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        # FieldFile and friends: the stored value is the file name
        else (str(d) if hasattr(d := f.get_default(), "name") else d)
        for f in fields
    }
    buf = io.StringIO()
    for row in rows:
        values = {**base, **row}
        buf.write("\t".join(_copy_value(values[f.attname]) for f in fields) + "\n")
    buf.seek(0)
    with connection.cursor() as cur:
        cur.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(f.column for f in fields)}) FROM STDIN", buf
        )
    return len(rows)


def seed_deputies(count: int, seed: int = 7) -> None:
    """COPY ``count`` deputies, each with a primary station (what deputies.demo.scale makes,
    without 200k INSERTs: 100k deputies took about a minute that way)."""
    from deputies import demo
    from deputies.models import Deputy, StationAssignment

    stations = list(Station.objects.values_list("pk", flat=True))
    offset = Deputy.objects.filter(phone__startswith="17").count()
    rng = random.Random(seed * 1_000_003 + offset)  # a second call draws other public codes
    rows = []
    for n in range(offset, offset + count):
        name, gender = demo._name(rng)
        level = demo._level(rng)
        occupation, sector = rng.choice(demo.OCCUPATIONS)
        name_pinyin, name_initials = demo._keys(name)
        rows.append(
            {
                "name": name,
                "name_pinyin": name_pinyin,
                "name_initials": name_initials,
                "gender": gender,
                "level": level,
                "term": demo.TERMS[level],
                "occupation": occupation,
                "sector": sector,
                "phone": f"17{n:09d}",
                "public_code": "".join(rng.choices(ALPHABET, k=10)),
            }
        )
    with transaction.atomic():
        before = Deputy.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        copy_rows(Deputy, rows)
        if stations:
            made = Deputy.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
            start = dt.date(2022, 1, 1)
            copy_rows(
                StationAssignment,
                [
                    {
                        "deputy_id": pk,
                        "station_id": stations[rng.randrange(len(stations))],
                        "is_primary": True,
                        "start_date": start,
                    }
                    for pk in made
                ],
            )


def _copy_value(v) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


# State the COPY workers read (set before they fork; see seed_petitions).
_SEED: dict = {}
STATUS_WEIGHTS = [
    (Status.CLOSED, 60),
    (Status.FEEDBACK_GIVEN, 4),
    (Status.REPLIED, 4),
    (Status.HANDLING, 8),
    (Status.ASSIGNED, 3),
    (Status.TRIAGED, 3),
    (Status.ACCEPTED, 3),
    (Status.SUBMITTED, 5),
    (Status.DECLINED, 6),
    (Status.MERGED, 4),
]
CHUNK = 50_000
# The petitions table's indexes and constraints dropped for a large COPY, kept here until they
# are rebuilt so that an interrupted seed restores them on the next run.
SAVED_DDL = "bench_saved_ddl"


def _prepare_seed(seed: int) -> None:
    """Everything the COPY workers need, read once from the database."""
    stations = list(Station.objects.values_list("pk", "region__path"))
    departments: dict[str, list[int]] = {}
    for pk, path in Department.objects.values_list("pk", "region__path"):
        departments.setdefault(path, []).append(pk)
    # A station's cases go to a department of its district (or any, when it has none).
    all_departments = [d for ids in departments.values() for d in ids]
    dept_for = {}
    for path in {p for _s, p in stations}:
        parts = path.strip("/").split("/")
        found = []
        for i in range(len(parts), 0, -1):
            found = departments.get("/" + "/".join(parts[:i]) + "/", [])
            if found:
                break
        dept_for[path] = found or all_departments
    from deputies.models import Deputy

    _SEED.update(
        seed=seed,
        stations=stations,
        dept_for=dept_for,
        categories=list(Category.objects.values_list("pk", flat=True)),
        deputies=list(Deputy.objects.values_list("pk", flat=True)[:200000]) or [None],
        fields=[f for f in Petition._meta.concrete_fields if not f.primary_key],
        now=timezone.now(),
        tz=timezone.get_current_timezone(),
    )


def _petition_chunk(index: int, n: int) -> str:
    """COPY text of ``n`` petitions spread over two years, in every state of the loop; chunk
    ``index`` always gives the same rows (its own random stream)."""
    s = _SEED
    rng = random.Random(s["seed"] * 1_000_003 + index)
    stations, dept_for, categories, deputy_ids = (
        s["stations"],
        s["dept_for"],
        s["categories"],
        s["deputies"],
    )
    tz = s["tz"]
    start = s["now"] - dt.timedelta(days=730)
    tiers = [Tier.COMMUNITY, Tier.STREET, Tier.SUGGESTION]
    population = [st for st, w in STATUS_WEIGHTS for _ in range(w)]
    sat = [Satisfaction.SATISFIED] * 8 + [Satisfaction.BASIC] * 2 + [Satisfaction.UNSATISFIED]
    under_way = {Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.FEEDBACK_GIVEN}
    under_way.add(Status.CLOSED)
    replied_states = {Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED}
    not_taken = {Status.SUBMITTED, Status.DECLINED, Status.MERGED}
    fields = s["fields"]
    # Every column's text for a fresh case; each row copies it and fills in what varies.
    base = {
        "status": "",
        "version": 1,
        "channel": Channel.RECEPTION,
        "reception_id": None,
        "is_anonymous": False,
        "constituent_name": "张三",
        "phone": "13800000000",
        "address": "",
        "id_hash": "",
        "id_last4": "",
        "title": "路灯不亮",
        "content": "小区门口路灯坏了",
        "category_id": None,
        "location_text": "",
        "consent_at": None,
        "idempotency_key": None,
        "created_by_id": None,
        "accepted_at": None,
        "decline_reason": "",
        "merged_into_id": None,
        "urgency": "normal",
        "tier": "",
        "lead_department_id": None,
        "assigned_at": None,
        "deadline": None,
        "escalation": 0,
        "reopen_count": 0,
        "replied_at": None,
        "reply_summary": "",
        "feedback_at": None,
        "feedback_method": "",
        "satisfaction": "",
        "closed_at": None,
        "closed_unrated": False,
    }
    template = [_copy_value(base.get(f.attname)) for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    (
        i_code,
        i_status,
        i_station,
        i_deputy,
        i_submitted,
        i_accepted,
        i_category,
        i_tier,
        i_department,
        i_assigned,
        i_deadline,
        i_replied,
        i_summary,
        i_feedback,
        i_method,
        i_closed,
        i_unrated,
        i_satisfaction,
        i_reopened,
    ) = (
        at[name]
        for name in (
            "tracking_code",
            "status",
            "station_id",
            "deputy_id",
            "submitted_at",
            "accepted_at",
            "category_id",
            "tier",
            "lead_department_id",
            "assigned_at",
            "deadline",
            "replied_at",
            "reply_summary",
            "feedback_at",
            "feedback_method",
            "closed_at",
            "closed_unrated",
            "satisfaction",
            "reopen_count",
        )
    )
    lines = []
    for _ in range(n):
        station, path = stations[rng.randrange(len(stations))]
        submitted = start + dt.timedelta(seconds=rng.randrange(730 * 86400))
        status = population[rng.randrange(len(population))]
        row = template[:]
        # Bench rows only: a seeded stream, not core.codes' secrets (14 urandom calls a row).
        row[i_code] = "".join(rng.choices(ALPHABET, k=14))
        row[i_status] = str(status)
        row[i_station] = str(station)
        deputy = deputy_ids[rng.randrange(len(deputy_ids))]
        row[i_deputy] = _copy_value(deputy)
        row[i_submitted] = submitted.isoformat()
        if status not in not_taken:
            row[i_accepted] = (submitted + dt.timedelta(hours=5)).isoformat()
            if status != Status.ACCEPTED:
                row[i_category] = str(categories[rng.randrange(len(categories))])
                row[i_tier] = str(tiers[rng.randrange(3)])
        if status in under_way:
            ids = dept_for[path]
            row[i_department] = str(ids[rng.randrange(len(ids))])
            assigned = submitted + dt.timedelta(days=1)
            row[i_assigned] = assigned.isoformat()
            row[i_deadline] = str((assigned + dt.timedelta(days=21)).astimezone(tz).date())
        if status in replied_states:
            replied = assigned + dt.timedelta(hours=rng.randrange(2, 30 * 24))
            row[i_replied] = replied.isoformat()
            row[i_summary] = "已处理"
        if status in (Status.FEEDBACK_GIVEN, Status.CLOSED):
            feedback = replied + dt.timedelta(days=1)
            row[i_feedback] = feedback.isoformat()
            row[i_method] = "phone"
        if status == Status.CLOSED:
            row[i_closed] = (feedback + dt.timedelta(days=1)).isoformat()
            if rng.random() < 0.1:
                row[i_unrated] = "t"
            else:
                row[i_satisfaction] = str(sat[rng.randrange(len(sat) - 1)])
                row[i_reopened] = "1" if rng.random() < 0.05 else "0"
        lines.append("\t".join(row))
    lines.append("")
    return "\n".join(lines)


def _copy_chunk(job: tuple[int, int]) -> int:
    """One worker's share: generate a chunk and COPY it on the worker's own connection."""
    index, n = job
    text = _petition_chunk(index, n)
    columns = ", ".join(f.column for f in _SEED["fields"])
    with connection.cursor() as cur:
        cur.cursor.copy_expert(
            f"COPY {Petition._meta.db_table} ({columns}) FROM STDIN", io.StringIO(text)
        )
    return n


def _drop_indexes(table: str) -> None:
    """Drop ``table``'s secondary indexes, unique and foreign-key constraints (kept in
    SAVED_DDL first, in the same transaction), so the COPY writes the heap only."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {SAVED_DDL} (id serial PRIMARY KEY, sql text)")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary AND indexrelid NOT IN "
            "(SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cur.fetchall()
        # Rebuilt in this order: unique constraints, indexes, then the foreign keys.
        ddl = [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d, t in constraints if t == "u"]
        ddl += [d for _n, d in indexes]
        ddl += [
            f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d, t in constraints if t == "f"
        ]
        for sql in ddl:
            cur.execute(f"INSERT INTO {SAVED_DDL} (sql) VALUES (%s)", [sql])
        for name, _d, _t in sorted(constraints, key=lambda c: c[2] != "f"):
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _d in indexes:
            cur.execute(f"DROP INDEX {name}")
    say(f"  dropped {len(indexes)} indexes and {len(constraints)} constraints of {table}")


def restore_indexes() -> None:
    """Rebuild what _drop_indexes dropped (also after an interrupted seed)."""
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [SAVED_DDL])
        if cur.fetchone()[0] is None:
            return
        cur.execute(f"SELECT id, sql FROM {SAVED_DDL} ORDER BY id")
        pending = cur.fetchall()
        # One session's sort memory for the index builds (the server default is 64 MB).
        cur.execute("SET maintenance_work_mem = '1GB'")
        for pk, sql in pending:
            t = time.perf_counter()
            with transaction.atomic():
                cur.execute(sql)
                cur.execute(f"DELETE FROM {SAVED_DDL} WHERE id = %s", [pk])
            say(f"  {time.perf_counter() - t:5.1f} s  {sql[:100]}")
        cur.execute(f"DROP TABLE {SAVED_DDL}")
        cur.execute("RESET maintenance_work_mem")


def seed_petitions(count: int, seed: int = 11, workers: int = 2) -> None:
    """COPY ``count`` petitions with ``workers`` processes, indexes built after the load."""
    import multiprocessing

    _prepare_seed(seed)
    table = Petition._meta.db_table
    t0 = time.perf_counter()
    first = Petition.objects.count() // CHUNK + 1  # another stream when adding to existing rows
    jobs = [(first + i, min(CHUNK, count - i * CHUNK)) for i in range((count + CHUNK - 1) // CHUNK)]
    _drop_indexes(table)
    connections.close_all()  # the workers fork: each opens its own connection
    done = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for n in pool.imap_unordered(_copy_chunk, jobs):
            done += n
            if done % 200_000 < CHUNK or done == count:
                say(f"  {done}/{count} petitions ({time.perf_counter() - t0:.0f} s)")
    copied = time.perf_counter() - t0
    t1 = time.perf_counter()
    restore_indexes()
    with connection.cursor() as cur:
        # Sets the hint bits of the fresh rows once, here, instead of in the first query that
        # reads them (the rollup build would pay for rewriting every page of the table).
        cur.execute(f"VACUUM ANALYZE {table}")
    result(
        f"seed petitions (COPY, {workers} processes)",
        f"{count} in {time.perf_counter() - t0:.1f} s: COPY {copied:.1f} s, "
        f"indexes and constraints {time.perf_counter() - t1:.1f} s",
    )


def seed_receptions(per_station: int = 6) -> None:
    if Reception.objects.exists():
        return
    rng = random.Random(3)
    now = timezone.now()
    rows = [
        {
            "station_id": s,
            "held_at": now - dt.timedelta(days=rng.randrange(700)),
            "constituents_count": rng.randrange(3, 40),
        }
        for s in Station.objects.values_list("pk", flat=True)
        for _ in range(per_station)
    ]
    with transaction.atomic():
        copy_rows(Reception, rows)


# ---------------------------------------------------------------------------------------------
# Measurements


def _region_counts() -> dict[int, int]:
    """Petitions per region (from the rollups: a region counts its whole subtree)."""
    per_path = dict(
        rollups.PetitionDailyRollup.objects.values("region_path")
        .annotate(n=django.db.models.Sum("collected"))
        .values_list("region_path", "n")
        .order_by()
    )
    out: dict[str, int] = {}
    for path, n in per_path.items():
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            key = "/" + "/".join(parts[:i]) + "/"
            out[key] = out.get(key, 0) + n
    ids = dict(Region.objects.filter(path__in=out).values_list("path", "pk"))
    return {ids[p]: n for p, n in out.items() if p in ids}


def _closest(counts: dict[int, int], target: int) -> tuple[Region, int]:
    pk = min(counts, key=lambda k: (abs(counts[k] - target), -counts[k]))
    return Region.objects.get(pk=pk), counts[pk]


def measure_dashboard(client: Client, region: Region, n: int) -> None:
    """The overview page; its figures (the selectors it calls) against the raw time of exactly
    the SQL those selectors send."""
    from reports.forms import period_bounds

    today = timezone.localdate()
    start, end = period_bounds("year", today)  # what the page shows for period=year
    url = reverse("reports:overview") + f"?region={region.pk}&period=year"
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    page_queries = len(ctx.captured_queries)

    def figures():
        overdue = selectors.overdue_by_path(today, region)
        selectors.dashboard(start, end, region=region, overdue=overdue)
        selectors.children_figures(region, start, end, overdue)

    with CaptureQueriesContext(connection) as ctx:
        figures()
    sqls = [q["sql"] for q in ctx.captured_queries]
    page = timed(lambda: client.get(url), 21)
    selector = timed(figures, 21)

    def raw():
        with connection.cursor() as cur:
            for s in sqls:
                cur.execute(s)
                cur.fetchall()

    raw_times = timed(raw, 21)
    med = statistics.median
    result(
        f"(a) dashboard page, {region.name} ({n} petitions), year",
        f"{med(page):.1f} ms median",
        "goal < 100 ms",
    )
    result(
        f"(a) dashboard figures (selectors, {len(sqls)} queries)", f"{med(selector):.1f} ms median"
    )
    result(
        "(a) raw time of the same SQL",
        f"{med(raw_times):.1f} ms median",
        f"ratio {med(selector) / max(med(raw_times), 0.01):.2f}× (goal ≤ 1.5×)",
    )
    result("(a) queries of the dashboard page", str(page_queries))


def measure_queries(client: Client, counts: dict[int, int]) -> None:
    pages = [
        "reports:overview",
        "reports:departments",
        "reports:stations_ranking",
        "reports:overdue",
        "reports:map",
    ]
    for target in (10, 1_000, 100_000):
        region, n = _closest(counts, target)
        cells = []
        for name in pages:
            url = reverse(name) + f"?region={region.pk}&period=year"
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            cells.append(
                f"{name.split(':')[1]}={len(ctx.captured_queries)}"
                + ("" if r.status_code == 200 else f"!{r.status_code}")
            )
        url = reverse("reports:region", args=[region.pk]) + "?period=year"
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        cells.append(f"region={len(ctx.captured_queries)}")
        result(f"(b) queries per page, {region.name} ~{n} rows", ", ".join(cells))


def measure_sweep() -> None:
    """The catch-up and the daily deadline sweep against an UPDATE of the narrow supervision
    table (bench/sweep.py, which also runs on its own with a smaller seed)."""
    from bench import sweep

    sweep.measure(result)


def measure_lookup() -> None:
    codes = (
        list(Petition.objects.order_by("?").values_list("tracking_code", flat=True)[:1000])
        if Petition.objects.count() < 200_000
        else [
            c
            for c in Petition.objects.filter(
                pk__in=[
                    random.randrange(
                        1,
                        Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 1,
                    )
                    for _ in range(1000)
                ]
            ).values_list("tracking_code", flat=True)
        ]
    )
    times = []
    for code in codes:
        t = time.perf_counter()
        Petition.objects.filter(tracking_code=code).select_related("station").first()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[int(len(times) * 0.95) - 1]
    result(
        f"(d) tracking-code lookup ({len(times)} codes)",
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms",
        "goal p95 ≤ 20 ms",
    )


EXPORT_SCRIPT = r"""
import os, sys, tempfile
def rss():
    # VmHWM, not getrusage: ru_maxrss keeps the forking parent's high-water mark across exec.
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from django.contrib.auth import get_user_model
from core.excel import write_xlsx
from reports.exports import LEDGERS, LedgerFilters
from reports.ledgers.choices import LedgerKind
user = get_user_model().objects.get(username="bench-admin")
ledger, filters = LEDGERS[LedgerKind.PETITIONS], LedgerFilters()
qs = ledger.queryset(user, filters)[:{rows}]
baseline = rss()
path = os.path.join(tempfile.mkdtemp(), "export.xlsx")
# The path run_export_job takes: the ledger's rows streamed into XlsxWriter on disk.
n = write_xlsx(path, ledger.headers(), ledger.rows(user, filters, qs))
print(n, baseline, rss(), os.path.getsize(path))
"""


def measure_export(rows: int = 100_000) -> None:
    """Peak RSS of the petition ledger export in a fresh process (the worker's situation)."""
    code = EXPORT_SCRIPT.format(root=str(ROOT), rows=rows)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, base_kb, rss_kb, size = out.stdout.split()[-4:]
    result(
        f"(e) petition ledger export of {n} rows (reports.exports, XlsxWriter constant memory)",
        f"peak RSS {int(rss_kb) / 1024:.0f} MB (process after django.setup "
        f"{int(base_kb) / 1024:.0f} MB), {time.perf_counter() - t:.1f} s, "
        f"{int(size) / 1e6:.1f} MB file",
        "goal ≤ 150 MB",
    )


def build_rollups() -> None:
    """The full rebuild (rollups.rebuild_all), then the bare daily GROUP BY over the same rows
    into an index-free temporary table: the floor the rebuild is compared with."""
    say("building rollups …")
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        written = rollups.rebuild_all()
        rebuild_s = time.perf_counter() - t0
    steps: dict[str, float] = {}
    for q in ctx.captured_queries:
        words = q["sql"].split()
        key = " ".join(words[:3]).replace('"', "") if words[0] in ("INSERT", "DELETE") else "other"
        steps[key] = steps.get(key, 0.0) + float(q["time"])
    table = rollups.PetitionDailyRollup._meta.db_table
    qn = connection.ops.quote_name
    fields = [rollups.PetitionDailyRollup._meta.get_field(f) for f in rollups.DAILY_COLUMNS]
    sql, params = rollups.daily_sql(Petition.objects.all())
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE bench_bare_rollup (LIKE {table} INCLUDING IDENTITY) ON COMMIT DROP"
        )
        t = time.perf_counter()
        cur.execute(
            f"INSERT INTO bench_bare_rollup ({', '.join(qn(f.column) for f in fields)}) "
            f"SELECT {', '.join('q.' + qn('r_' + f.name) for f in fields)} FROM ({sql}) q",
            params,
        )
        bare_s = time.perf_counter() - t
        bare_rows = cur.rowcount
    result(
        "rollup rebuild (rollups.rebuild_all: daily, monthly, whole-subtree, open, receptions)",
        f"{written} daily rows in {rebuild_s:.1f} s; steps: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(steps.items(), key=lambda kv: -kv[1])),
    )
    result(
        "rollup: one bare INSERT … SELECT … GROUP BY of the daily rows (temp table, no index)",
        f"{bare_rows} rows in {bare_s:.1f} s",
        f"rebuild ÷ bare {rebuild_s / max(bare_s, 0.001):.2f}× (goal ≤ 3×)",
    )


def measure_nightly(cases: int = 10_000, recent_days: int = 0) -> None:
    """The nightly run (rollups.refresh_changed) over ``cases`` changed cases: one new event
    each, rolled back afterwards. Picked from the whole table, or from the cases submitted in
    the last ``recent_days`` (most cases change in the weeks after they come in)."""
    from petitions.models import PetitionEvent

    rng = random.Random(5)
    if recent_days:
        since = timezone.now() - dt.timedelta(days=recent_days)
        pool = list(Petition.objects.filter(submitted_at__gte=since).values_list("pk", flat=True))
        ids = sorted(rng.sample(pool, min(cases, len(pool))))
    else:
        top = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ids = sorted({rng.randrange(1, top + 1) for _ in range(cases)})
    with transaction.atomic():
        PetitionEvent.objects.bulk_create(
            [PetitionEvent(petition_id=i, actor_label="system", note="bench") for i in ids if i],
            batch_size=5000,
        )
        t = time.perf_counter()
        done = rollups.refresh_changed(overlap=0)
        elapsed = time.perf_counter() - t
        transaction.set_rollback(True)
    picked = f"submitted in the last {recent_days} days" if recent_days else "from the whole table"
    result(
        f"(f) nightly rollup run over {len(ids)} changed cases {picked} "
        f"({done['cases_keys']} station-days)",
        f"{elapsed:.1f} s (reception station-days recounted: {done['reception_keys']}), "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "bounded by the changed cases",
    )


def print_table() -> None:
    if not ROWS:
        return
    width = max(len(r[0]) for r in ROWS)
    say("\n" + "=" * 100)
    for name, value, goal in ROWS:
        say(f"{name.ljust(width)}  {value}  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument(
        "--stations", type=int, default=0, help="default: petitions / 100, 50..10000"
    )
    parser.add_argument("--deputies", type=int, default=0, help="default: petitions / 10, ≤ 100000")
    parser.add_argument("--reseed", action="store_true", help="add petitions even if some exist")
    parser.add_argument("--rebuild", action="store_true", help="rebuild rollups even if built")
    parser.add_argument(
        "--seed-only", action="store_true", help="seed and build rollups, no timing"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        say("warning: not PostgreSQL (set DATABASE_URL); COPY seeding needs PostgreSQL")
        sys.exit(2)
    stations = args.stations or min(10_000, max(50, args.petitions // 100))
    deputies = args.deputies or min(100_000, max(100, args.petitions // 10))
    call_command("migrate", verbosity=0)
    restore_indexes()  # after a seed that was interrupted before it rebuilt them
    t_seed = time.perf_counter()
    seeded = False
    seed_registry(stations, deputies)
    have = Petition.objects.count()
    if args.reseed or have < args.petitions:
        seed_petitions(args.petitions - (0 if args.reseed else have))
        seeded = True
    with phase("receptions"):
        seed_receptions()
    from reports.models import PetitionMonthlyRollup

    if args.rebuild or not PetitionMonthlyRollup.objects.exists():
        build_rollups()
    with phase("VACUUM ANALYZE"), connection.cursor() as cur:
        # A settled database, as in production: the rolled-back sweep of an earlier run leaves
        # ~100k dead row versions that autovacuum would otherwise clean up during the timings.
        for table in (
            "petitions_petition",
            "petitions_petitionevent",
            "reports_petitiondailyrollup",
            "reports_petitionmonthlyrollup",
            "reports_stationopenrollup",
            "reports_receptiondailyrollup",
        ):
            cur.execute(f"VACUUM ANALYZE {table}")
    if seeded:
        result(
            f"seed: the whole province ({Petition.objects.count()} petitions, "
            f"{Station.objects.count()} stations, rollups built)",
            f"{time.perf_counter() - t_seed:.0f} s, load average "
            + " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "goal ≤ 300 s for 1M, ≤ 1800 s for 10M",
        )
    if args.seed_only:
        print_table()
        return

    from django.contrib.auth import get_user_model

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    bench_passwords()
    # The password just changed in the database: log in with the fresh row, or the session's
    # auth hash would not match and every page would redirect to the login form.
    admin.refresh_from_db()
    client = Client()
    client.force_login(admin)
    counts = _region_counts()
    big, n = max(counts.items(), key=lambda kv: kv[1])
    measure_dashboard(client, Region.objects.get(pk=big), n)
    # a city-sized region too (the one closest to 1/10 of the data)
    city, n_city = _closest(counts, max(counts.values()) // 10)
    measure_dashboard(client, city, n_city)
    measure_queries(client, counts)
    measure_lookup()
    measure_sweep()
    measure_nightly(recent_days=60)
    measure_nightly()
    measure_nightly(cases=1_000)
    measure_export(min(100_000, Petition.objects.count()))

    print_table()


if __name__ == "__main__":
    main()
