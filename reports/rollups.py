"""Rollup maintenance and the definition of every dashboard figure.

Period semantics (shown on the pages as help text)
--------------------------------------------------
Petition figures describe **the opinions collected (submitted) in the period, and where those
cases stand today**. Every counter of a petition is stored on the row of its submission day,
station, category and tier, so a period's figures are a sum of rows:

* collected   — petitions submitted in the period.
* accepted    — of those, cases taken up: neither still waiting (submitted) nor declined/merged.
* declined, merged — of those, cases declined or merged into another case.
* assigned    — of those, cases that were handed to a department (``assigned_at`` is set).
* replied     — of those, assigned cases with a standing department reply (a reopened case
  loses its reply until the department answers again).
* replied on time — replied cases whose (latest) reply date is on or before the deadline.
* closed (resolved) — of those, cases closed (办结).
* satisfied / basic / unsatisfied — the case's current rating; unrated closed — closed
  without a rating.
* reopened    — times those cases were reopened after an unsatisfied rating (sum).
* reply rate (答复率)       = replied / assigned.
* completion rate (办结率)  = closed / accepted.
* on-time rate             = replied on time / replied.
* satisfaction rate (满意率) = (satisfied + basic) / (satisfied + basic + unsatisfied).
* average days to reply    = mean of (reply time − assignment time) over replied cases.
* receptions / constituents — receptions held in the period and constituents received there.
* overdue now — open cases under a deadline (assigned, handling) whose deadline is before
  today, whatever the period: for a region, the open cases of ``StationOpenRollup`` (kept with
  the daily rows) minus the open cases not yet due, read through the partial deadline index;
  for one station or the overdue list, from the petitions themselves.

Maintenance
-----------
Every rollup row is written by the database: one ``INSERT … SELECT … GROUP BY`` per rollup
(daily rows from the petitions, monthly rows from the daily rows, whole-subtree rows from the
monthly rows, open cases per station, receptions), never row by row in Python. The SELECTs are
built by the ORM from one definition (``_daily_select``), so SQLite and PostgreSQL compute the
same figures.

``PetitionMonthlyRollup`` holds the daily rows summed per month and area (the region path cut
at district level), and the whole-subtree rows per depth. A refresh of some (station, day) keys
replaces their daily rows and adds the difference (new rows − old rows, staged in
``RollupDelta`` inside the same transaction) to the monthly and whole-subtree rows they fall in,
deleting rows left without a case; only a rebuild recomputes months from the days. So the
monthly rows stay the sum of the daily rows as long as every writer adds each change once:
every writer takes one row lock first (``WRITER_LOCK``).

``apply_new_events`` (every minute) reads PetitionEvent rows past a stored id watermark, finds
the (station, submission day) keys they touch and recomputes those rows from the petitions,
then moves the watermark in the same transaction. Recomputing a key (rather than adding the
event's effect) keeps the rows right when a case changes category or tier, and makes running
the job twice harmless. New receptions are followed by id the same way. A deleted case or
reception takes no event with it: it leaves its key in ``StaleRollupKey`` (``reports.signals``)
for the next run.

``refresh_changed`` (nightly) recomputes the keys of every case with an event since the last
nightly run and of every reception created since then (each with an overlap of ids, for
transactions that committed late), and the stale keys, so whatever the minute job skipped is
caught; its cost follows the changed cases and receptions, not the tables. ``rebuild_all``
(``manage.py rebuild_rollups``) rebuilds everything from the raw tables, for repair and first
deployment; ``reconcile`` does the same for a range of days.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from petitions.choices import UNDER_DEADLINE, Satisfaction, Status
from petitions.models import Petition, PetitionEvent, Reception

from .models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
    RollupDelta,
    StaleRollupKey,
    StationOpenRollup,
    Watermark,
)

COUNTERS = (
    "collected",
    "accepted",
    "declined",
    "merged",
    "assigned",
    "replied",
    "replied_on_time",
    "reply_seconds",
    "closed",
    "satisfied",
    "basic",
    "unsatisfied",
    "unrated_closed",
    "reopened",
    "handed_on",
    "answered",
)
NOT_ACCEPTED = (Status.SUBMITTED, Status.DECLINED, Status.MERGED)
# The status funnel is a cohort: the cases submitted in the period, each counted at every stage
# up to the one it stands at today. Counted that way a stage can never hold more cases than the
# one before it (flows in the period could: a case accepted this month may have been sent last
# month). Each stage is a counter of the rollups: (stage, counter, the statuses it counts). A
# case settled on the spot is closed without an assignment: it counts as past the "handed on or
# settled" stage, so the stages stay nested.
_PAST_ASSIGNED = (Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.FEEDBACK_GIVEN)
FUNNEL_STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("collected", "collected", tuple(Status.values)),
    ("accepted", "accepted", tuple(s for s in Status.values if s not in NOT_ACCEPTED)),
    ("assigned", "handed_on", (*_PAST_ASSIGNED, Status.CLOSED)),
    ("replied", "answered", (Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED)),
    ("closed", "closed", (Status.CLOSED,)),
)
EVENTS_WATERMARK = "petition_events"
RECEPTIONS_WATERMARK = "receptions"
NIGHTLY_WATERMARK = "nightly_events"
NIGHTLY_RECEPTIONS_WATERMARK = "nightly_receptions"
# The row every rollup writer locks first, so writers (the minute job on the sweep worker,
# the nightly run and rebuilds on the bulk worker) take turns: the monthly rows are changed by
# adding deltas, and two writers adding the same change would count it twice.
WRITER_LOCK = "rollup_writer"
# The nightly run re-reads this many event ids before its previous high-water mark: ids are
# handed out before commit, so a slow transaction's event can land below the mark.
NIGHTLY_OVERLAP = 10_000
# The same for receptions (created only, never edited; far fewer writers at once).
RECEPTION_OVERLAP = 200
BATCH = 5000
# Keys per statement: PostgreSQL plans a query of ~1,000 (station, day) ranges in about a
# second (500: 20 ms), so a long list of keys is cut into pieces.
KEYS_PER_STATEMENT = 500
# Monthly rows are kept per area: the region path cut at this many levels (province / city /
# district). Dashboards of regions at most this deep read months; deeper ones read days.
AREA_DEPTH = 3


class WholeSeconds(Func):
    """A sum of durations as whole seconds, truncated like ``int(timedelta.total_seconds())``."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"TRUNC(EXTRACT(EPOCH FROM {sql}))::bigint", params

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps durations as integer microseconds; integer division truncates.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) / 1000000 AS INTEGER)", params


class PathCut(Func):
    """A region path column cut at ``depth`` levels: ``area_of`` in SQL (PostgreSQL, SQLite).

    The position of the (depth+1)-th slash is found one ``strpos``/``instr`` at a time; a path
    with fewer levels is returned whole (it ends with a slash)."""

    output_field = CharField()

    def __init__(self, expression, depth: int):
        super().__init__(expression)
        self.depth = depth

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if params:
            raise ValueError("PathCut takes a column")
        find = "strpos" if connection.vendor == "postgresql" else "instr"
        pos = "1"
        for _ in range(self.depth):
            pos = f"({pos} + {find}(substr({sql}, {pos} + 1), '/'))"
        return f"substr({sql}, 1, {pos})", ()


class PathDepth(Func):
    """How many levels a region path column has ('/33/3301/' -> 2)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(length({sql}) - length(replace({sql}, '/', '')) - 1)", (*params, *params)


def _aggregates() -> dict:
    # A department's reply: a case settled on the spot has a reply time but was never assigned.
    replied = Q(replied_at__isnull=False, assigned_at__isnull=False)
    return {
        "collected": Count("id"),
        "accepted": Count("id", filter=~Q(status__in=NOT_ACCEPTED)),
        "declined": Count("id", filter=Q(status=Status.DECLINED)),
        "merged": Count("id", filter=Q(status=Status.MERGED)),
        "assigned": Count("id", filter=Q(assigned_at__isnull=False)),
        "replied": Count("id", filter=replied),
        "replied_on_time": Count(
            "id", filter=replied & Q(deadline__isnull=False, replied_at__date__lte=F("deadline"))
        ),
        "reply_seconds": Coalesce(
            WholeSeconds(
                Sum(
                    ExpressionWrapper(
                        F("replied_at") - F("assigned_at"), output_field=DurationField()
                    ),
                    filter=replied,
                )
            ),
            0,
        ),
        "closed": Count("id", filter=Q(status=Status.CLOSED)),
        "satisfied": Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basic": Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
        "unsatisfied": Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
        "unrated_closed": Count("id", filter=Q(status=Status.CLOSED, closed_unrated=True)),
        "reopened": Coalesce(Sum("reopen_count"), 0),
        # The funnel's two stages that are no other figure (see FUNNEL_STAGES).
        "handed_on": Count("id", filter=Q(status__in=FUNNEL_STAGES[2][2])),
        "answered": Count("id", filter=Q(status__in=FUNNEL_STAGES[3][2])),
    }


def _daily_select(petitions) -> QuerySet:
    """The daily rollup rows of a queryset of petitions, as one GROUP BY query (not run): the
    one definition of every counter. Columns are named ``r_<rollup field>``."""
    return (
        petitions.annotate(
            r_day=TruncDate("submitted_at"),
            r_station=F("station_id"),
            r_region_path=F("station__region__path"),
            r_category=F("category_id"),
            r_tier=Coalesce("tier", Value("")),
        )
        .values("r_day", "r_station", "r_region_path", "r_category", "r_tier")
        .annotate(**{f"r_{k}": v for k, v in _aggregates().items()})
        .order_by()
    )


DAILY_COLUMNS = ("day", "station", "region_path", "category", "tier", *COUNTERS)


def _db(model) -> str:
    return router.db_for_write(model)


def _column_list(model, fields: Iterable[str]) -> str:
    """The quoted database columns of these fields, comma-separated."""
    qn = connections[_db(model)].ops.quote_name
    return ", ".join(qn(model._meta.get_field(f).column) for f in fields)


def insert_select(model, fields: Iterable[str], select: QuerySet) -> int:
    """``INSERT INTO model (fields) SELECT …`` from a values() queryset whose columns are named
    ``r_<field>``; returns the rows written. Runs on the database the model is written to."""
    using = _db(model)
    fields = list(fields)
    sql, params = select.query.get_compiler(using=using).as_sql()
    conn = connections[using]
    qn = conn.ops.quote_name
    columns = _column_list(model, fields)
    picked = ", ".join(f"q.{qn('r_' + f)}" for f in fields)
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT {picked} FROM ({sql}) q",
            params,
        )
        return max(cur.rowcount, 0)


def daily_sql(petitions) -> tuple[str, list]:
    """The SQL of the daily GROUP BY (the bench times it bare against the whole rebuild)."""
    sql, params = (
        _daily_select(petitions).query.get_compiler(using=_db(PetitionDailyRollup)).as_sql()
    )
    return sql, list(params)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _keys_q(keys: Iterable[tuple[int, dt.date]], *, station: str, when: str) -> Q:
    """(station, day) keys as one Q on a table with a station column and a timestamp/day."""
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for station_id, day in keys:
        by_day[day].add(station_id)
    q = Q(pk__in=[])
    for day, ids in by_day.items():
        if when.endswith("__date"):  # a timestamp column: the local day's half-open range
            start, end = _day_bounds(day)
            column = when.removesuffix("__date")
            q |= Q(**{f"{station}__in": ids, f"{column}__gte": start, f"{column}__lt": end})
        else:
            q |= Q(**{f"{station}__in": ids, when: day})
    return q


def refresh_petition_keys(keys: set[tuple[int, dt.date]]) -> int:
    """Recompute the daily rows of these (station, submission day) keys from the petitions,
    and add what changed (new − old) to their monthly and whole-subtree rows: the cost follows
    the keys, never the months they fall in."""
    if not keys:
        return 0
    _lock_rollups()
    ordered = sorted(keys, key=lambda k: (k[1], k[0]))
    written = 0
    with transaction.atomic():
        RollupDelta.objects.all().delete()  # empty already: every run empties it before commit
        for i in range(0, len(ordered), KEYS_PER_STATEMENT):
            written += _replace_daily(set(ordered[i : i + KEYS_PER_STATEMENT]))
        _apply_month_delta()
        RollupDelta.objects.all().delete()
        refresh_open({s for s, _d in keys})
    return written


def _replace_daily(keys: set[tuple[int, dt.date]]) -> int:
    """Replace the daily rows of these keys, staging the old rows' sums negated and the new
    rows' sums as monthly leaf rows to add."""
    daily = PetitionDailyRollup.objects.filter(_keys_q(keys, station="station_id", when="day"))
    _stage_leaf_delta(daily, sign=-1)
    daily.delete()
    written = insert_select(
        PetitionDailyRollup,
        DAILY_COLUMNS,
        _daily_select(
            Petition.objects.filter(_keys_q(keys, station="station_id", when="submitted_at__date"))
        ),
    )
    _stage_leaf_delta(daily, sign=1)
    return written


def refresh_open(stations: set[int] | None = None) -> int:
    """Recount the open cases under a deadline of these stations, or of every station."""
    if stations is None:
        StationOpenRollup.objects.all().delete()
        open_cases = Petition.objects.filter(status__in=list(UNDER_DEADLINE))
    else:
        StationOpenRollup.objects.filter(station_id__in=list(stations)).delete()
        open_cases = Petition.objects.filter(
            status__in=list(UNDER_DEADLINE), station_id__in=list(stations)
        )
    return insert_select(
        StationOpenRollup,
        ("station", "region_path", "open_cases"),
        open_cases.annotate(r_station=F("station_id"), r_region_path=F("station__region__path"))
        .values("r_station", "r_region_path")
        .annotate(r_open_cases=Count("id"))
        .order_by(),
    )


# --- Monthly rows ------------------------------------------------------------------------------


def area_of(path: str) -> str:
    """A region path cut at AREA_DEPTH levels: '/33/3301/330106/330106500/' -> '/33/3301/330106/'."""
    parts = [p for p in path.split("/") if p][:AREA_DEPTH]
    return "/" + "/".join(parts) + "/"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (any day of it; from the 31st, adding 32 days from the
    day itself would land two months on)."""
    first = day.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


MONTHLY_COLUMNS = ("month", "area_path", "category", "tier", "whole", *COUNTERS)


def _insert_leaf_months(daily) -> int:
    """Monthly leaf rows (whole=False) summed from these daily rows, in the database."""
    return insert_select(
        PetitionMonthlyRollup,
        MONTHLY_COLUMNS,
        daily.annotate(
            r_month=TruncMonth("day"),
            r_area_path=PathCut("region_path", AREA_DEPTH),
            r_category=F("category_id"),
            r_tier=F("tier"),
            r_whole=Value(False),
        )
        .values("r_month", "r_area_path", "r_category", "r_tier", "r_whole")
        .annotate(**{f"r_{k}": Sum(k) for k in COUNTERS})
        .order_by(),
    )


def _insert_whole(leaf, depth: int) -> int:
    """Whole-subtree rows (whole=True) at ``depth`` levels, summed from these leaf monthly rows
    (only leaves at least that deep belong to a subtree of that depth)."""
    return insert_select(PetitionMonthlyRollup, MONTHLY_COLUMNS, _whole_rows(leaf, depth))


def _whole_rows(leaf, depth: int):
    """These leaf monthly rows (or staged leaf deltas) summed per subtree of ``depth`` levels,
    as whole-subtree rows (columns ``r_<field>``)."""
    return (
        leaf.annotate(r_depth=PathDepth("area_path"))
        .filter(r_depth__gte=depth)
        .annotate(
            r_month=F("month"),
            r_area_path=PathCut("area_path", depth),
            r_category=F("category_id"),
            r_tier=F("tier"),
            r_whole=Value(True),
        )
        .values("r_month", "r_area_path", "r_category", "r_tier", "r_whole")
        .annotate(**{f"r_{k}": Sum(k) for k in COUNTERS})
        .order_by()
    )


def _stage_leaf_delta(daily, *, sign: int) -> None:
    """Stage these daily rows, summed per month and area and multiplied by ``sign``, as
    monthly leaf rows to add."""
    insert_select(
        RollupDelta,
        MONTHLY_COLUMNS,
        daily.annotate(
            r_month=TruncMonth("day"),
            r_area_path=PathCut("region_path", AREA_DEPTH),
            r_category=F("category_id"),
            r_tier=F("tier"),
            r_whole=Value(False),
        )
        .values("r_month", "r_area_path", "r_category", "r_tier", "r_whole")
        .annotate(
            **{
                f"r_{k}": ExpressionWrapper(Sum(k) * sign, output_field=BigIntegerField())
                for k in COUNTERS
            }
        )
        .order_by(),
    )


def _month_match(target: str, delta: str, vendor: str, *, summed: bool = True) -> str:
    """SQL: the monthly row ``target`` is the one the delta row ``delta`` adds to (a row of
    the summed SELECT, columns ``r_<field>``, or of the staged table itself)."""
    same = "IS NOT DISTINCT FROM" if vendor == "postgresql" else "IS"
    r = "r_" if summed else ""
    category = "r_category" if summed else "category_id"
    return (
        f"{target}.month = {delta}.{r}month AND {target}.area_path = {delta}.{r}area_path "
        f"AND {target}.category_id {same} {delta}.{category} AND {target}.tier = {delta}.{r}tier "
        f"AND {target}.whole = {delta}.{r}whole"
    )


def _apply_month_delta() -> None:
    """Add the staged leaf rows to the monthly rows, and to the whole-subtree rows of every
    depth above them; rows left with no case are deleted. Two statements per kind of change
    instead of ``INSERT … ON CONFLICT``: the counters' CHECK (≥ 0) would refuse a proposed row
    that only takes cases away, even when it conflicts."""
    for depth in range(1, AREA_DEPTH + 1):
        # The staged leaves of areas at least this deep, summed per subtree of that depth.
        insert_select(
            RollupDelta,
            MONTHLY_COLUMNS,
            _whole_rows(RollupDelta.objects.filter(whole=False), depth),
        )
    changed = functools.reduce(operator.or_, (~Q(**{f"r_{k}": 0}) for k in COUNTERS))
    totals = (
        RollupDelta.objects.annotate(
            r_month=F("month"),
            r_area_path=F("area_path"),
            r_category=F("category_id"),
            r_tier=F("tier"),
            r_whole=F("whole"),
        )
        .values("r_month", "r_area_path", "r_category", "r_tier", "r_whole")
        .annotate(**{f"r_{k}": Sum(k) for k in COUNTERS})
        .filter(changed)
        .order_by()
    )
    using = _db(PetitionMonthlyRollup)
    conn = connections[using]
    qn = conn.ops.quote_name
    sql, params = totals.query.get_compiler(using=using).as_sql()
    table = qn(PetitionMonthlyRollup._meta.db_table)
    match = _month_match(table, "d", conn.vendor)
    counters = [qn(k) for k in COUNTERS]
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE {table} SET "
            + ", ".join(
                f"{c} = {table}.{c} + d.{qn('r_' + k)}"
                for c, k in zip(counters, COUNTERS, strict=True)
            )
            + f" FROM ({sql}) d WHERE {match}",
            params,
        )
        columns = _column_list(PetitionMonthlyRollup, MONTHLY_COLUMNS)
        picked = ", ".join(f"d.{qn('r_' + f)}" for f in MONTHLY_COLUMNS)
        cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {picked} FROM ({sql}) d "
            f"WHERE d.r_collected > 0 AND NOT EXISTS (SELECT 1 FROM {table} WHERE {match})",
            params,
        )
        # Every counter counts cases of the row, so a row without cases is all zeros.
        staged = qn(RollupDelta._meta.db_table)
        cur.execute(
            f"DELETE FROM {table} WHERE {table}.collected = 0 AND EXISTS "
            f"(SELECT 1 FROM {staged} s WHERE {_month_match(table, 's', conn.vendor, summed=False)})",
        )


def rebuild_months(start: dt.date, end: dt.date) -> int:
    """Recompute every monthly row of the months that days start..end fall in."""
    first, last = month_of(start), month_end(month_of(end))
    PetitionMonthlyRollup.objects.filter(month__range=(first, last)).delete()
    written = _insert_leaf_months(PetitionDailyRollup.objects.filter(day__range=(first, last)))
    leaf = PetitionMonthlyRollup.objects.filter(month__range=(first, last), whole=False)
    for depth in range(1, AREA_DEPTH + 1):
        written += _insert_whole(leaf, depth)
    return written


def _insert_receptions(receptions) -> int:
    return insert_select(
        ReceptionDailyRollup,
        ("day", "station", "region_path", "receptions", "constituents"),
        receptions.annotate(
            r_day=TruncDate("held_at"),
            r_station=F("station_id"),
            r_region_path=F("station__region__path"),
        )
        .values("r_day", "r_station", "r_region_path")
        .annotate(r_receptions=Count("id"), r_constituents=Coalesce(Sum("constituents_count"), 0))
        .order_by(),
    )


def refresh_reception_keys(keys: set[tuple[int, dt.date]]) -> int:
    """Recompute the reception rollup rows of these (station, day) keys."""
    ordered = sorted(keys, key=lambda k: (k[1], k[0]))
    written = 0
    for i in range(0, len(ordered), KEYS_PER_STATEMENT):
        part = ordered[i : i + KEYS_PER_STATEMENT]
        ReceptionDailyRollup.objects.filter(
            _keys_q(part, station="station_id", when="day")
        ).delete()
        written += _insert_receptions(
            Reception.objects.filter(_keys_q(part, station="station_id", when="held_at__date"))
        )
    return written


def _watermark(name: str) -> Watermark:
    Watermark.objects.get_or_create(name=name)
    # Row lock: two runs at once serialise here instead of applying the same batch twice.
    return Watermark.objects.select_for_update().get(name=name)


def _lock_rollups() -> None:
    """Take the rollup writers' lock until the transaction ends (first, before any watermark,
    so no two writers wait for each other's rows)."""
    _watermark(WRITER_LOCK)


def _keys_of(petition_ids) -> set[tuple[int, dt.date]]:
    """The (station, local submission day) keys of these petitions (ids or an id subquery)."""
    return set(
        Petition.objects.filter(pk__in=petition_ids)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("station_id", "day")
        .order_by()  # not the model's ordering: it would join the DISTINCT
        .distinct()
    )


def _reception_keys(receptions) -> set[tuple[int, dt.date]]:
    return set(
        receptions.annotate(day=TruncDate("held_at"))
        .values_list("station_id", "day")
        .order_by()
        .distinct()
    )


def refresh_stale_keys() -> int:
    """Recompute the keys deleted cases and receptions left behind, and forget them."""
    rows = list(StaleRollupKey.objects.values_list("pk", "kind", "station_id", "day"))
    if not rows:
        return 0
    petition = StaleRollupKey.Kind.PETITION
    refresh_petition_keys({(s, d) for _pk, kind, s, d in rows if kind == petition})
    refresh_reception_keys({(s, d) for _pk, kind, s, d in rows if kind != petition})
    StaleRollupKey.objects.filter(pk__in=[pk for pk, *_ in rows]).delete()
    return len(rows)


def apply_event_batch(*, batch: int = BATCH, settle_seconds: int = 0) -> int:
    """Apply one batch of new petition events; returns how many events were read."""
    with transaction.atomic():
        _lock_rollups()
        mark = _watermark(EVENTS_WATERMARK)
        events = PetitionEvent.objects.filter(pk__gt=mark.last_id)
        if settle_seconds:
            # Ids are handed out before commit: leave very recent ones for the next run so a
            # slow transaction's event is less likely to be skipped (the nightly run catches
            # the rest).
            events = events.filter(
                created_at__lt=timezone.now() - dt.timedelta(seconds=settle_seconds)
            )
        rows = list(events.order_by("pk").values_list("pk", "petition_id")[:batch])
        if not rows:
            return 0
        refresh_petition_keys(_keys_of({pid for _pk, pid in rows}))
        mark.last_id = rows[-1][0]
        mark.save(update_fields=["last_id", "updated_at"])
        return len(rows)


def apply_reception_batch(*, batch: int = BATCH) -> int:
    """Apply receptions created since the last run (the app never edits one)."""
    with transaction.atomic():
        _lock_rollups()
        mark = _watermark(RECEPTIONS_WATERMARK)
        rows = list(
            Reception.objects.filter(pk__gt=mark.last_id)
            .order_by("pk")
            .annotate(day=TruncDate("held_at"))
            .values_list("pk", "station_id", "day")[:batch]
        )
        if not rows:
            return 0
        refresh_reception_keys({(s, d) for _pk, s, d in rows})
        mark.last_id = rows[-1][0]
        mark.save(update_fields=["last_id", "updated_at"])
        return len(rows)


def apply_new_events(*, batch: int = BATCH, settle_seconds: int = 0) -> int:
    """Apply every pending event, reception and deletion, batch by batch; returns events
    applied."""
    total = 0
    while True:
        n = apply_event_batch(batch=batch, settle_seconds=settle_seconds)
        total += n
        if n < batch:
            break
    while apply_reception_batch(batch=batch) == batch:
        pass
    with transaction.atomic():
        _lock_rollups()
        refresh_stale_keys()
    return total


def refresh_changed(
    *, overlap: int = NIGHTLY_OVERLAP, reception_overlap: int = RECEPTION_OVERLAP
) -> dict:
    """The nightly run: recompute the keys of every case with an event past the previous
    nightly run's high-water mark (less ``overlap`` ids, for events whose transactions
    committed late), of every reception past its own mark (likewise) and of every deletion.
    Daily rows are recomputed per key and the monthly rows follow by deltas, so its cost
    follows the changed cases and receptions, not the tables."""
    with transaction.atomic():
        _lock_rollups()
        mark = _watermark(NIGHTLY_WATERMARK)
        top = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        changed = PetitionEvent.objects.filter(
            pk__gt=max(mark.last_id - overlap, 0), pk__lte=top
        ).values("petition_id")
        keys = _keys_of(changed)
        refresh_petition_keys(keys)
        rmark = _watermark(NIGHTLY_RECEPTIONS_WATERMARK)
        rtop = Reception.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        rkeys = _reception_keys(
            Reception.objects.filter(pk__gt=max(rmark.last_id - reception_overlap, 0), pk__lte=rtop)
        )
        refresh_reception_keys(rkeys)
        stale = refresh_stale_keys()
        mark.last_id = top
        mark.save(update_fields=["last_id", "updated_at"])
        rmark.last_id = rtop
        rmark.save(update_fields=["last_id", "updated_at"])
    return {"cases_keys": len(keys), "reception_keys": len(rkeys), "deleted_keys": stale}


def _clear(model, q: Q | None) -> None:
    """Delete a rollup's rows (all of them: TRUNCATE on PostgreSQL, in the transaction)."""
    using = _db(model)
    conn = connections[using]
    if q is None and conn.vendor == "postgresql":
        with conn.cursor() as cur:
            # TRUNCATE refuses a table with deferred foreign-key checks pending in this
            # transaction: run them now, then defer again (Django's FKs are deferred).
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f"TRUNCATE {conn.ops.quote_name(model._meta.db_table)}")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        model.objects.using(using).filter(q or Q()).delete()


@contextlib.contextmanager
def _indexes_after(models: Iterable, using: str):
    """On PostgreSQL: drop these tables' own indexes now and build them when the block ends
    (one sort per index instead of a B-tree insertion per row). For a full rebuild only; the
    TRUNCATE before it already holds the tables' locks until commit."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    indexes = [(m, i) for m in models for i in m._meta.indexes]
    with conn.schema_editor(atomic=False) as editor:
        for model, index in indexes:
            editor.remove_index(model, index)
    yield
    with conn.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    with conn.schema_editor(atomic=False) as editor:
        for model, index in indexes:
            editor.add_index(model, index)


def reconcile(start: dt.date, end: dt.date, *, everything: bool = False) -> int:
    """Rebuild every rollup row for days start..end (inclusive) from the raw tables, set-based;
    returns the daily rows written. ``everything``: the range covers every row (rebuild_all)."""
    lo, _hi = _day_bounds(start)
    _lo, hi = _day_bounds(end)
    with transaction.atomic():
        _lock_rollups()
        _clear(PetitionDailyRollup, None if everything else Q(day__range=(start, end)))
        _clear(ReceptionDailyRollup, None if everything else Q(day__range=(start, end)))
        if everything:
            _clear(PetitionMonthlyRollup, None)
        rebuilt = (PetitionDailyRollup, PetitionMonthlyRollup) if everything else ()
        with _indexes_after(rebuilt, _db(PetitionDailyRollup)):
            written = insert_select(
                PetitionDailyRollup,
                DAILY_COLUMNS,
                _daily_select(Petition.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)),
            )
            rebuild_months(start, end)
        _insert_receptions(Reception.objects.filter(held_at__gte=lo, held_at__lt=hi))
        refresh_open()
    return written


def rebuild_all() -> int:
    """Rebuild everything and move every watermark to the end (repair, bench, first deployment)."""
    first = Petition.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    receptions = Reception.objects.order_by("held_at").values_list("held_at", flat=True).first()
    stamps = [s for s in (first, receptions) if s]
    with transaction.atomic():
        _lock_rollups()
        last_event = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        last_reception = Reception.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        written = 0
        if stamps:
            latest = Petition.objects.order_by("-submitted_at").values_list(
                "submitted_at", flat=True
            )[:1]
            through = max([timezone.localdate(), *(timezone.localtime(s).date() for s in latest)])
            written = reconcile(timezone.localtime(min(stamps)).date(), through, everything=True)
        for name, last in (
            (EVENTS_WATERMARK, last_event),
            (NIGHTLY_WATERMARK, last_event),
            (RECEPTIONS_WATERMARK, last_reception),
            (NIGHTLY_RECEPTIONS_WATERMARK, last_reception),
        ):
            Watermark.objects.update_or_create(name=name, defaults={"last_id": last})
        StaleRollupKey.objects.all().delete()  # the rebuild recomputed every key
    return written
