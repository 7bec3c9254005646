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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
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


def timed(fn, repeat: int = 1, budget_s: float = 0, least: int = 3) -> list[float]:
    """Times (ms) of ``repeat`` calls of ``fn``; with ``budget_s``, stop after ``least`` calls
    once that much time is spent (a page that takes minutes at 10M would take hours otherwise)."""
    out: list[float] = []
    start = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
        if budget_s and len(out) >= least and time.perf_counter() - start > budget_s:
            break
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


# The seeded cases' distributions: one definition, turned into SQL by _petition_select.
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
NOT_TAKEN = [Status.SUBMITTED, Status.DECLINED, Status.MERGED]  # no acceptance, no category
UNDER_WAY = [Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED]
REPLIED_STATES = [Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED]
FED_BACK = [Status.FEEDBACK_GIVEN, Status.CLOSED]
TIERS = [Tier.COMMUNITY, Tier.STREET, Tier.SUGGESTION]
RATINGS = [Satisfaction.SATISFIED] * 8 + [Satisfaction.BASIC] * 2  # unsatisfied cases reopen
SPAN_DAYS = 730  # submitted over the last two years
CHUNK = 250_000  # rows per INSERT statement (one transaction each)
# Tracking codes: 7 characters drawn from the row's hash, then 7 that encode
# (id × CODE_MULTIPLIER) mod CODE_PRIME, a bijection on ids below the prime (≤ 30**7, the
# largest prime that fits 7 characters of the 30-letter alphabet): unique without a lookup.
CODE_PRIME = 21_869_999_971
CODE_MULTIPLIER = 122_949_829
# The petitions table's indexes and constraints dropped for a large load, kept here until they
# are rebuilt so that an interrupted seed restores them on the next run.
SAVED_DDL = "bench_saved_ddl"
# What the generating statement joins: stations (with their departments) and deputies by a
# dense row number. Plain (unlogged) tables, since both seeding connections read them.
SEED_STATIONS = "bench_seed_station"
SEED_DEPUTIES = "bench_seed_deputy"


def _prepare_seed() -> None:
    """Fill SEED_STATIONS (each station with the departments its cases go to: those of the
    nearest region up its path that has some, else all) and SEED_DEPUTIES."""
    from deputies.models import Deputy

    stations = list(Station.objects.order_by("pk").values_list("pk", "region__path"))
    departments: dict[str, list[int]] = {}
    for pk, path in Department.objects.order_by("pk").values_list("pk", "region__path"):
        departments.setdefault(path, []).append(pk)
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
    deputies = list(Deputy.objects.order_by("pk").values_list("pk", flat=True)[:200_000])
    with connection.cursor() as cur:
        for table, columns in (
            (SEED_STATIONS, "idx int PRIMARY KEY, station_id int, departments int[]"),
            (SEED_DEPUTIES, "idx int PRIMARY KEY, deputy_id int"),
        ):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
        buf = io.StringIO(
            "".join(
                f"{i}\t{pk}\t{{{','.join(map(str, dept_for[path]))}}}\n"
                for i, (pk, path) in enumerate(stations)
            )
        )
        cur.cursor.copy_expert(f"COPY {SEED_STATIONS} FROM STDIN", buf)
        buf = io.StringIO("".join(f"{i}\t{pk}\n" for i, pk in enumerate(deputies)))
        cur.cursor.copy_expert(f"COPY {SEED_DEPUTIES} FROM STDIN", buf)
        cur.execute(f"ANALYZE {SEED_STATIONS}")
        cur.execute(f"ANALYZE {SEED_DEPUTIES}")


def _petition_select(seed: int) -> tuple[list[str], str, dict]:
    """The columns and the ``SELECT`` that generate the petitions with ids from ``%(lo)s`` to
    ``%(hi)s``, spread over two years, in every state of the loop.

    Each value is drawn from a hash of the row's id (``hashint8extended(id, k)``, one ``k`` per
    draw), so a row is the same whichever connection makes it and in whatever order.
    """
    from deputies.models import Deputy

    fields = list(Petition._meta.concrete_fields)

    def draw(k: int, n: int) -> str:
        """A number in [0, n): the row's k-th draw."""
        cast = "::int" if n < 2**31 else ""
        return f"mod(hashint8extended(g.id, {seed * 100 + k}) & 9223372036854775807, {n}){cast}"

    code = " || ".join(
        [f"substr(%(alphabet)s, mod({draw(1, 30**7)} / {30**i}, 30)::int + 1, 1)" for i in range(7)]
        + [
            f"substr(%(alphabet)s, mod(mod(g.id * {CODE_MULTIPLIER}, {CODE_PRIME}) / {30**i}, 30)::int"
            " + 1, 1)"
            for i in range(7)
        ]
    )
    population = [str(st) for st, w in STATUS_WEIGHTS for _ in range(w)]
    params = {
        "alphabet": ALPHABET,
        "population": population,
        "not_taken": [str(s) for s in NOT_TAKEN],
        "under_way": [str(s) for s in UNDER_WAY],
        "replied": [str(s) for s in REPLIED_STATES],
        "fed_back": [str(s) for s in FED_BACK],
        "tiers": [str(t) for t in TIERS],
        "ratings": [str(r) for r in RATINGS],
        "categories": list(Category.objects.order_by("pk").values_list("pk", flat=True)),
        "start": timezone.now() - dt.timedelta(days=SPAN_DAYS),
        "tz": settings.TIME_ZONE,
    }
    n_stations = Station.objects.count()
    n_deputies = min(Deputy.objects.count(), 200_000)
    # Level 1 (g): the id, its state and what every case has. Level 2 (r): the times that
    # follow from the state. What a state does not reach stays at the field's default.
    inner = f"""
        SELECT g.id, g.status, g.submitted_at, st.station_id, dp.deputy_id,
            {code} AS tracking_code,
            CASE WHEN g.status <> ALL(%(not_taken)s::text[])
                THEN g.submitted_at + interval '5 hours' END AS accepted_at,
            CASE WHEN g.status <> ALL(%(not_taken)s::text[]) AND g.status <> '{Status.ACCEPTED}'
                THEN (%(categories)s::int[])[1 + {draw(2, max(len(params["categories"]), 1))}]
                END AS category_id,
            CASE WHEN g.status <> ALL(%(not_taken)s::text[]) AND g.status <> '{Status.ACCEPTED}'
                THEN (%(tiers)s::text[])[1 + {draw(3, len(TIERS))}] ELSE '' END AS tier,
            CASE WHEN g.status = ANY(%(under_way)s::text[])
                THEN st.departments[1 + mod({draw(4, 1_000_000)}, cardinality(st.departments))]
                END AS lead_department_id,
            CASE WHEN g.status = ANY(%(under_way)s::text[])
                THEN g.submitted_at + interval '1 day' END AS assigned_at,
            CASE WHEN g.status = ANY(%(replied)s::text[])
                THEN g.submitted_at + interval '1 day'
                    + (2 + {draw(5, 30 * 24 - 2)}) * interval '1 hour' END AS replied_at,
            CASE WHEN g.status = '{Status.CLOSED}' THEN {draw(6, 10)} = 0
                ELSE false END AS closed_unrated,
            {draw(7, len(RATINGS))} AS rating,
            {draw(8, 20)} = 0 AS reopened
        FROM (
            SELECT g.id,
                (%(population)s::text[])[1 + {draw(9, len(population))}] AS status,
                %(start)s::timestamptz + {draw(10, SPAN_DAYS * 86400)} * interval '1 second'
                    AS submitted_at,
                {draw(11, max(n_stations, 1))} AS station_idx,
                {draw(12, max(n_deputies, 1))} AS deputy_idx
            FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(id)
        ) g
        JOIN {SEED_STATIONS} st ON st.idx = g.station_idx
        LEFT JOIN {SEED_DEPUTIES} dp ON dp.idx = g.deputy_idx
    """
    computed = {
        "id": "r.id",
        "tracking_code": "r.tracking_code",
        "status": "r.status",
        "station_id": "r.station_id",
        "deputy_id": "r.deputy_id",
        "submitted_at": "r.submitted_at",
        "accepted_at": "r.accepted_at",
        "category_id": "r.category_id",
        "tier": "r.tier",
        "lead_department_id": "r.lead_department_id",
        "assigned_at": "r.assigned_at",
        "deadline": "((r.assigned_at + interval '21 days') AT TIME ZONE %(tz)s)::date",
        "replied_at": "r.replied_at",
        "reply_summary": "CASE WHEN r.replied_at IS NOT NULL THEN '已处理' ELSE '' END",
        "feedback_at": "CASE WHEN r.status = ANY(%(fed_back)s::text[]) "
        "THEN r.replied_at + interval '1 day' END",
        "feedback_method": "CASE WHEN r.status = ANY(%(fed_back)s::text[]) "
        "THEN 'phone' ELSE '' END",
        "closed_at": f"CASE WHEN r.status = '{Status.CLOSED}' "
        "THEN r.replied_at + interval '2 days' END",
        "closed_unrated": "r.closed_unrated",
        "satisfaction": f"CASE WHEN r.status = '{Status.CLOSED}' AND NOT r.closed_unrated "
        "THEN (%(ratings)s::text[])[1 + r.rating] ELSE '' END",
        "reopen_count": f"CASE WHEN r.status = '{Status.CLOSED}' AND NOT r.closed_unrated "
        "AND r.reopened THEN 1 ELSE 0 END",
    }
    # Every other column as a fresh case has it.
    constant = {
        "version": 1,
        "channel": str(Channel.RECEPTION),
        "is_anonymous": False,
        "constituent_name": "张三",
        "phone": "13800000000",
        "title": "路灯不亮",
        "content": "小区门口路灯坏了",
        "urgency": "normal",
    }
    exprs = []
    for f in fields:
        if f.attname in computed:
            exprs.append(computed[f.attname])
            continue
        value = constant.get(f.attname, f.get_default() if f.has_default() else None)
        if value is None and not f.null:
            value = ""  # blank text fields
        params[f"c_{f.attname}"] = value
        exprs.append(f"%(c_{f.attname})s")
    select = f"SELECT {', '.join(exprs)} FROM ({inner}) r"
    return [f.column for f in fields], select, params


def _insert_petitions(seed: int, ranges: list[tuple[int, int]], workers: int, t0: float) -> None:
    """Run the generating INSERT over ``ranges`` of ids from ``workers`` threads, each on its
    own connection (the statement runs in the server; the threads only wait)."""
    import queue
    import threading

    columns, select, params = _petition_select(seed)
    sql = f"INSERT INTO {Petition._meta.db_table} ({', '.join(columns)}) {select}"
    jobs: queue.Queue = queue.Queue()
    for r in ranges:
        jobs.put(r)
    total = sum(hi - lo + 1 for lo, hi in ranges)
    done = [0]
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with connection.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
                while True:
                    try:
                        lo, hi = jobs.get_nowait()
                    except queue.Empty:
                        return
                    cur.execute(sql, {**params, "lo": lo, "hi": hi})
                    with lock:
                        done[0] += hi - lo + 1
                        say(f"  {done[0]}/{total} petitions ({time.perf_counter() - t0:.0f} s)")
        except BaseException as e:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


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
        # This session only: sort memory for the index builds (the server default is 64 MB)
        # and one parallel worker beside the leader, one process per core.
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 1")
        for pk, sql in pending:
            t = time.perf_counter()
            with transaction.atomic():
                cur.execute(sql)
                cur.execute(f"DELETE FROM {SAVED_DDL} WHERE id = %s", [pk])
            say(f"  {time.perf_counter() - t:5.1f} s  {sql[:100]}")
        cur.execute(f"DROP TABLE {SAVED_DDL}")
        cur.execute("RESET maintenance_work_mem")
        cur.execute("RESET max_parallel_maintenance_workers")


def seed_supervision() -> int:
    """A supervision row for every open case without one (level 0, the case's deadline): what
    the loop's services keep (``petitions.supervision.follow``), for cases loaded behind their
    back."""
    from petitions.choices import UNDER_DEADLINE
    from petitions.models import Supervision

    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {Supervision._meta.db_table} (petition_id, level, deadline)
            SELECT p.id, 0, p.deadline FROM {Petition._meta.db_table} p
            WHERE p.status IN %s AND NOT EXISTS (
                SELECT 1 FROM {Supervision._meta.db_table} s WHERE s.petition_id = p.id)
            """,
            [tuple(UNDER_DEADLINE)],
        )
        return cur.rowcount


def seed_petitions(count: int, seed: int = 11, workers: int = 2) -> None:
    """Generate ``count`` petitions in the database (INSERT … SELECT over generate_series from
    ``workers`` connections, disjoint id ranges) and their supervision rows, into tables whose
    indexes and constraints are built after the load."""
    from petitions.models import Supervision

    t0 = time.perf_counter()
    _prepare_seed()
    table = Petition._meta.db_table
    first = (Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    last = first + count - 1
    if last >= CODE_PRIME:
        raise ValueError("tracking codes are unique for ids below CODE_PRIME only")
    ranges = [(lo, min(lo + CHUNK - 1, last)) for lo in range(first, last + 1, CHUNK)]
    _drop_indexes(table)
    _drop_indexes(Supervision._meta.db_table)
    _insert_petitions(seed, ranges, workers, t0)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM " + table + "))",
            [table],
        )
    generated = time.perf_counter() - t0
    t1 = time.perf_counter()
    supervised = seed_supervision()
    supervision_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    restore_indexes()
    with connection.cursor() as cur:
        # Sets the hint bits of the fresh rows once, here, instead of in the first query that
        # reads them (the rollup build would pay for rewriting every page of the table).
        cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute(f"VACUUM ANALYZE {Supervision._meta.db_table}")
        cur.execute(f"DROP TABLE {SEED_STATIONS}, {SEED_DEPUTIES}")
    result(
        f"seed petitions (INSERT … SELECT generate_series, {workers} connections)",
        f"{count} in {time.perf_counter() - t0:.1f} s: rows {generated:.1f} s, "
        f"{supervised} supervision rows {supervision_s:.1f} s, "
        f"indexes, constraints and VACUUM {time.perf_counter() - t2:.1f} s",
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
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # warms the cache and the per-process memos
    first_s = time.perf_counter() - t
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if first_s < 10:  # count the queries of a warm call (a slow page's first call must do)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
    page_queries = len(ctx.captured_queries)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))

    def figures():
        overdue = selectors.overdue_by_path(today, region)
        selectors.dashboard(start, end, region=region, overdue=overdue)
        selectors.children_figures(region, start, end, overdue)

    with CaptureQueriesContext(connection) as ctx:
        figures()
    sqls = [q["sql"] for q in ctx.captured_queries]
    page = timed(lambda: client.get(url), 21, budget_s=30, least=1 if first_s > 10 else 3)
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
        f"{med(page):.1f} ms median of {len(page)}",
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
    result(
        "(a) queries of the dashboard page",
        f"{page_queries}; the slowest {float(slowest['time']) * 1000:.0f} ms: "
        f"{slowest['sql'][:90]}…",
    )


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
    parser.add_argument(
        "--parts",
        default="dashboard,queries,lookup,sweep,nightly,export",
        help="which measurements, comma-separated (city: the city dashboard alone; at 10M the "
        "province dashboard page takes minutes)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
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
    if "dashboard" in parts:
        measure_dashboard(client, Region.objects.get(pk=big), n)
    if parts & {"dashboard", "city"}:
        # a city-sized region too (the one closest to 1/10 of the data)
        city, n_city = _closest(counts, max(counts.values()) // 10)
        measure_dashboard(client, city, n_city)
    if "queries" in parts:
        measure_queries(client, counts)
    if "lookup" in parts:
        measure_lookup()
    if "nightly" in parts:
        measure_nightly(recent_days=60)
    if "sweep" in parts:
        measure_sweep()
    if "nightly" in parts:
        measure_nightly()
        measure_nightly(cases=1_000)
    if "export" in parts:
        measure_export(min(100_000, Petition.objects.count()))

    print_table()


if __name__ == "__main__":
    main()
