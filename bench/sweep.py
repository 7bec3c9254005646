"""The deadline sweep at city scale: the catch-up over every overdue case and the daily run.

    createdb -h 127.0.0.1 -U postgres liaison_sweep_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_sweep_bench \
        .venv/bin/python bench/sweep.py --overdue 107000 --others 100000

``bench/run.py`` calls ``measure`` on its own (1M) database; run alone, this seeds only what
the sweep needs: the registry and people of ``bench/run.py`` (stations, departments, one staff
member per station, two handlers per department, a clerk per region), ``--overdue`` open cases
(assigned or handling) whose deadlines are spread over the last two years, a few not yet due,
and ``--others`` closed cases so the petitions table is not only the open ones.

Every timing runs in a transaction that is rolled back, so the database stays as seeded; it
includes the checks the commit would make (the events' deferred foreign keys, run by ``SET
CONSTRAINTS ALL IMMEDIATE`` before the clock stops: ~1.7 s for 100k events that a rollback
alone would skip):
(1) ``UPDATE`` of the narrow supervision table over the same rows the catch-up raises (the
baseline); (2) the catch-up sweep, every overdue case still at level 0 (as after an outage, or
the first run after migration 0007 on a database whose old sweep never ran); (3) the daily
sweep: yesterday's run done, today's only raises the cases that cross a threshold today;
(4) for reference, the same bare UPDATE on the wide petitions table (``--wide``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import run as base  # noqa: E402  (sets up Django like the other benches)
from core.codes import random_code  # noqa: E402
from core.models import OutboxMessage  # noqa: E402
from petitions import tasks  # noqa: E402
from petitions.choices import UNDER_DEADLINE, Channel, Status, Tier  # noqa: E402
from petitions.models import Category, Petition, PetitionEvent, Supervision  # noqa: E402
from stations.models import Department, Station  # noqa: E402

Report = Callable[..., None]


def seed_cases(overdue: int, others: int, seed: int = 5) -> None:
    """COPY the open overdue cases (and closed ones) in the shape ``bench/run.py`` gives them."""
    rng = random.Random(seed)
    stations = list(Station.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    fields = [f for f in Petition._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    today = timezone.localdate()
    now = timezone.now()
    t0 = time.perf_counter()
    for kind, count in (("open", overdue), ("closed", others)):
        buf = io.StringIO()
        for i in range(count):
            submitted = now - dt.timedelta(seconds=rng.randrange(720 * 86400))
            v = dict(defaults)
            v |= {
                "tracking_code": random_code(14),
                "channel": Channel.RECEPTION,
                "station_id": stations[rng.randrange(len(stations))],
                "constituent_name": "张三",
                "phone": "13800000000",
                "title": "路灯不亮",
                "content": "小区门口路灯坏了",
                "submitted_at": submitted,
                "accepted_at": submitted + dt.timedelta(hours=5),
                "category_id": categories[rng.randrange(len(categories))],
                "tier": Tier.STREET,
                "lead_department_id": departments[rng.randrange(len(departments))],
                "assigned_at": submitted + dt.timedelta(days=1),
                "idempotency_key": None,
            }
            if kind == "open":
                v["status"] = Status.HANDLING if i % 4 else Status.ASSIGNED
                # 1 in 50 not yet due (reminders); the rest late by 1 day to two years.
                late = -rng.randrange(0, 15) if i % 50 == 0 else rng.randrange(1, 720)
                v["deadline"] = today - dt.timedelta(days=late)
            else:
                v["status"] = Status.CLOSED
                v["deadline"] = (submitted + dt.timedelta(days=22)).date()
                v["replied_at"] = v["closed_at"] = submitted + dt.timedelta(days=10)
                v["reply_summary"] = "已处理"
                v["satisfaction"] = "satisfied"
            buf.write("\t".join(base._copy_value(v[f.attname]) for f in fields) + "\n")
        buf.seek(0)
        with transaction.atomic(), connection.cursor() as cur:
            cur.cursor.copy_expert(
                f"COPY {Petition._meta.db_table} ({', '.join(f.column for f in fields)}) "
                "FROM STDIN",
                buf,
            )
        base.say(f"  {count} {kind} cases ({time.perf_counter() - t0:.0f} s)")


def seed_supervision() -> int:
    """A supervision row for every open case without one: what the loop's services keep, for
    cases COPY-loaded behind their back (migration 0007 does the same for existing data)."""
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


def _vacuum() -> None:
    with connection.cursor() as cur:
        for model in (Supervision, Petition, PetitionEvent, OutboxMessage):
            cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _commit_checks() -> None:
    """What COMMIT would still do: check the deferred foreign keys (every event's petition)."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _rolled_back(fn) -> tuple[float, object]:
    """Run ``fn`` in a transaction that is rolled back; its time (ms, with the commit's
    checks) and result."""
    with transaction.atomic():
        t = time.perf_counter()
        out = fn()
        _commit_checks()
        ms = (time.perf_counter() - t) * 1000
        transaction.set_rollback(True)
    return ms, out


def _database_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (NaN when it runs elsewhere).

    On a shared box the wall time mostly measures the neighbours; CPU time (this process plus
    its database backend) is what the sweep itself costs."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_text(app: float, database: float) -> str:
    return f"CPU {app + database:.1f} s (app {app:.1f} + database {database:.1f}), load {os.getloadavg()[0]:.1f}"


def _sweep(today: dt.date, before: dt.date | None = None):
    """The sweep of ``today`` (after that of ``before``, untimed); its counts and messages."""

    def fn():
        if before is not None:
            tasks.run_sweep(before)
            _commit_checks()
            with connection.cursor() as cur:
                # Statistics as autovacuum would leave them after yesterday's run (ANALYZE in
                # the transaction counts its own changes), so today's plan is the daily one.
                cur.execute(f"ANALYZE {Supervision._meta.db_table}")
        n = OutboxMessage.objects.count()
        app, database = time.process_time(), _database_cpu()
        t = time.perf_counter()
        counts = tasks.run_sweep(today)
        _commit_checks()
        counts["ms"] = (time.perf_counter() - t) * 1000
        counts["cpu"] = _cpu_text(time.process_time() - app, _database_cpu() - database)
        counts["messages"] = OutboxMessage.objects.count() - n
        return counts

    return _rolled_back(fn)[1]


def measure(result: Report, *, wide: bool = False) -> None:
    """Time the catch-up and the daily sweep against an UPDATE of the narrow table."""
    from django.urls import reverse

    reverse("petitions:list")  # the URL resolver is built once per worker process, not per run
    added = seed_supervision()
    if added:
        base.say(f"  {added} supervision rows added for COPY-loaded open cases")
    _vacuum()
    today = timezone.localdate()
    top = max(tasks.ESCALATION_LATE_DAYS)
    sup = Supervision._meta.db_table
    overdue = Supervision.objects.filter(deadline__isnull=False, deadline__lt=today).count()
    open_rows = Supervision.objects.filter(deadline__isnull=False).count()
    at_zero = Supervision.objects.filter(
        deadline__isnull=False, deadline__lt=today, level=0
    ).count()
    if at_zero < overdue:
        base.say(f"  note: {overdue - at_zero} overdue cases already escalated (not a catch-up)")

    def narrow():
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {sup} SET level = %s, escalated_on = %s "
                "WHERE deadline IS NOT NULL AND deadline < %s AND level < %s",
                [int(top), today, today, int(top)],
            )
            return cur.rowcount

    _rolled_back(narrow)  # warm the cache for both: the first run reads from disk
    narrow_ms, narrow_rows = _rolled_back(narrow)
    result(
        f"(c) UPDATE of the narrow supervision table, {narrow_rows} overdue rows",
        f"{narrow_ms:.0f} ms",
        "(the baseline)",
    )
    _vacuum()
    catch_up = _sweep(today)
    raised = sum(v for k, v in catch_up.items() if k.startswith("level"))
    result(
        f"(c) catch-up sweep over {overdue} overdue cases ({open_rows} open under a deadline; "
        f"{raised} raised, {catch_up['reminded']} reminder digests, "
        f"{catch_up['messages']} outbox messages)",
        f"{catch_up['ms']:.0f} ms = {catch_up['ms'] / max(narrow_ms, 0.01):.1f}× the narrow UPDATE; "
        f"{catch_up['cpu']}",
        "goal ≤ 5 s",
    )
    _vacuum()
    daily = _sweep(today, before=today - dt.timedelta(days=1))
    raised = sum(v for k, v in daily.items() if k.startswith("level"))
    result(
        f"(c) daily sweep (yesterday's done): {raised} cases crossing a threshold today "
        f"({', '.join(f'{k} {v}' for k, v in daily.items() if k.startswith('level'))}), "
        f"{daily['messages']} outbox messages",
        f"{daily['ms']:.0f} ms; {daily['cpu']}",
        "goal ≤ 1 s",
    )
    _vacuum()
    again = _sweep(today, before=today)
    result("(c) the same sweep run again (every 15 minutes)", f"{again['ms']:.0f} ms", "")
    if wide:
        _vacuum()

        def wide_update():
            with connection.cursor() as cur:
                cur.execute(
                    f"UPDATE {Petition._meta.db_table} SET version = version + 1 "
                    "WHERE status IN %s AND deadline < %s",
                    [tuple(UNDER_DEADLINE), today],
                )
                return cur.rowcount

        wide_ms, wide_rows = _rolled_back(wide_update)
        result(
            f"(c) for reference: bare UPDATE of the wide petitions table, {wide_rows} rows",
            f"{wide_ms:.0f} ms",
            "",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overdue", type=int, default=107_000, help="open cases to seed")
    parser.add_argument("--others", type=int, default=100_000, help="closed cases to seed")
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--wide", action="store_true", help="also time the wide-table UPDATE")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        base.say("warning: not PostgreSQL (set DATABASE_URL); COPY seeding needs PostgreSQL")
        sys.exit(2)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    base.seed_registry(args.stations, 100)
    if not Petition.objects.filter(status__in=UNDER_DEADLINE).exists():
        seed_cases(args.overdue, args.others)
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {Petition._meta.db_table}")
    measure(base.result, wide=args.wide)
    width = max(len(r[0]) for r in base.ROWS)
    base.say("\n" + "=" * 100)
    for name, value, goal in base.ROWS:
        base.say(f"{name.ljust(width)}  {value}  {goal}")


if __name__ == "__main__":
    main()
