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
``PetitionMonthlyRollup`` holds the daily rows summed per month and area (the region path cut
at district level); every change to daily rows recomputes the monthly rows of the months and
areas it touched, from the daily rows, in the same transaction.

``apply_new_events`` reads PetitionEvent rows past a stored id watermark, finds the
(station, submission day) keys they touch and recomputes those rows from the petitions with
one aggregate query — the same ``_aggregate`` used by ``reconcile`` — then moves the watermark
in the same transaction. Recomputing a key (rather than adding deltas) keeps the rows right
when a case changes category or tier, and makes running the job twice harmless.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from petitions.choices import UNDER_DEADLINE, Satisfaction, Status
from petitions.models import Petition, PetitionEvent, Reception
from stations.models import Station
from stations.paths import path_prefixes

from .models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
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
)
NOT_ACCEPTED = (Status.SUBMITTED, Status.DECLINED, Status.MERGED)
EVENTS_WATERMARK = "petition_events"
RECEPTIONS_WATERMARK = "receptions"
BATCH = 5000
# Monthly rows are kept per area: the region path cut at this many levels (province / city /
# district). Dashboards of regions at most this deep read months; deeper ones read days.
AREA_DEPTH = 3


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
        "reply_span": Sum(
            ExpressionWrapper(F("replied_at") - F("assigned_at"), output_field=DurationField()),
            filter=replied,
        ),
        "closed": Count("id", filter=Q(status=Status.CLOSED)),
        "satisfied": Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basic": Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
        "unsatisfied": Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
        "unrated_closed": Count("id", filter=Q(status=Status.CLOSED, closed_unrated=True)),
        "reopened": Sum("reopen_count"),
    }


def _aggregate(petitions) -> Iterable[PetitionDailyRollup]:
    """Rollup rows (unsaved) for a queryset of petitions: the one definition of every counter."""
    rows = (
        petitions.annotate(day=TruncDate("submitted_at"))
        .values("day", "station_id", "station__region__path", "category_id", "tier")
        .annotate(**_aggregates())
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        span = r.pop("reply_span")
        yield PetitionDailyRollup(
            day=r["day"],
            station_id=r["station_id"],
            region_path=r["station__region__path"],
            category_id=r["category_id"],
            tier=r["tier"] or "",
            reply_seconds=int(span.total_seconds()) if span else 0,
            **{k: r[k] or 0 for k in COUNTERS if k != "reply_seconds"},
        )


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
    """Recompute the rollup rows of these (station, submission day) keys from the petitions."""
    if not keys:
        return 0
    PetitionDailyRollup.objects.filter(_keys_q(keys, station="station_id", when="day")).delete()
    rows = list(
        _aggregate(
            Petition.objects.filter(_keys_q(keys, station="station_id", when="submitted_at__date"))
        )
    )
    PetitionDailyRollup.objects.bulk_create(rows, batch_size=2000)
    paths = dict(
        Station.objects.filter(pk__in={s for s, _d in keys}).values_list("pk", "region__path")
    )
    refresh_months({(area_of(paths[s]), month_of(d)) for s, d in keys if s in paths})
    refresh_open(paths)
    return len(rows)


def refresh_open(paths: dict[int, str] | None = None) -> int:
    """Recount the open cases under a deadline of these stations (station id -> region path),
    or of every station when ``paths`` is None."""
    full = paths is None
    if paths is None:
        paths = dict(Station.objects.values_list("pk", "region__path"))
        StationOpenRollup.objects.all().delete()
    else:
        StationOpenRollup.objects.filter(station_id__in=list(paths)).delete()
    open_cases = Petition.objects.filter(status__in=list(UNDER_DEADLINE))
    if not full:
        open_cases = open_cases.filter(station_id__in=list(paths))
    counts = (
        open_cases.values("station_id")
        .annotate(n=Count("id"))
        .values_list("station_id", "n")
        .order_by()
    )
    rows = [
        StationOpenRollup(station_id=s, region_path=paths[s], open_cases=n)
        for s, n in counts
        if n and s in paths
    ]
    StationOpenRollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


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


def _monthly_rows(daily, wanted: set[tuple[str, dt.date]] | None) -> list[PetitionMonthlyRollup]:
    """Sum daily rows per (month, area, category, tier), for ``wanted`` (area, month) keys only,
    plus the whole-subtree rows of every ancestor area of those keys."""
    leaf: dict[tuple, dict] = {}
    rows = (
        daily.annotate(m=TruncMonth("day"))
        .values("m", "region_path", "category_id", "tier")
        .annotate(**{k: Sum(k) for k in COUNTERS})
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        area = area_of(r["region_path"])
        if wanted is not None and (area, r["m"]) not in wanted:
            continue
        _merge(leaf, (r["m"], area, r["category_id"], r["tier"]), r)
    return [
        PetitionMonthlyRollup(month=m, area_path=a, category_id=c, tier=t, whole=False, **counts)
        for (m, a, c, t), counts in leaf.items()
    ]


def _merge(into: dict[tuple, dict], key: tuple, row: dict) -> None:
    have = into.get(key)
    if have is None:
        into[key] = {k: row[k] or 0 for k in COUNTERS}
    else:
        for k in COUNTERS:
            have[k] += row[k] or 0


def _whole_rows(pairs: set[tuple[str, dt.date]]) -> list[PetitionMonthlyRollup]:
    """The whole-subtree rows of these (area, month) pairs, summed from the leaf monthly rows."""
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for area, month in pairs:
        by_month[month].add(area)
    out: dict[tuple, dict] = {}
    for month, areas in by_month.items():
        near = Q(pk__in=[])
        for area in areas:
            near |= Q(area_path__startswith=area)
        for r in (
            PetitionMonthlyRollup.objects.filter(near, month=month, whole=False)
            .values("area_path", "category_id", "tier", *COUNTERS)
            .iterator(chunk_size=5000)
        ):
            for prefix in path_prefixes(r["area_path"]):
                if prefix in areas:
                    _merge(out, (month, prefix, r["category_id"], r["tier"]), r)
    return [
        PetitionMonthlyRollup(month=m, area_path=a, category_id=c, tier=t, whole=True, **counts)
        for (m, a, c, t), counts in out.items()
    ]


def _refresh_whole(pairs: set[tuple[str, dt.date]]) -> None:
    up = {(prefix, month) for area, month in pairs for prefix in path_prefixes(area)}
    gone = Q(pk__in=[])
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for area, month in up:
        by_month[month].add(area)
    for month, areas in by_month.items():
        gone |= Q(month=month, area_path__in=areas)
    PetitionMonthlyRollup.objects.filter(gone, whole=True).delete()
    PetitionMonthlyRollup.objects.bulk_create(_whole_rows(up), batch_size=2000)


def refresh_months(pairs: set[tuple[str, dt.date]]) -> int:
    """Recompute the monthly rows of these (area path, first day of month) pairs from the days,
    and the whole-subtree rows of their ancestors from the monthly rows."""
    if not pairs:
        return 0
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for area, month in pairs:
        by_month[month].add(area)
    gone = Q(pk__in=[])
    source = Q(pk__in=[])
    for month, areas in by_month.items():
        gone |= Q(month=month, area_path__in=areas)
        near = Q(pk__in=[])
        for area in areas:
            near |= Q(region_path__startswith=area)
        source |= Q(day__range=(month, month_end(month))) & near
    PetitionMonthlyRollup.objects.filter(gone, whole=False).delete()
    rows = _monthly_rows(PetitionDailyRollup.objects.filter(source), pairs)
    PetitionMonthlyRollup.objects.bulk_create(rows, batch_size=2000)
    _refresh_whole(pairs)
    return len(rows)


def rebuild_months(start: dt.date, end: dt.date) -> int:
    """Recompute every monthly row of the months that days start..end fall in."""
    first, last = month_of(start), month_end(month_of(end))
    PetitionMonthlyRollup.objects.filter(month__range=(first, last)).delete()
    rows = _monthly_rows(PetitionDailyRollup.objects.filter(day__range=(first, last)), None)
    whole: dict[tuple, dict] = {}
    for r in rows:
        counts = {k: getattr(r, k) for k in COUNTERS}
        for prefix in path_prefixes(r.area_path):
            _merge(whole, (r.month, prefix, r.category_id, r.tier), counts)
    rows += [
        PetitionMonthlyRollup(month=m, area_path=a, category_id=c, tier=t, whole=True, **counts)
        for (m, a, c, t), counts in whole.items()
    ]
    PetitionMonthlyRollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _reception_rows(receptions) -> Iterable[ReceptionDailyRollup]:
    rows = (
        receptions.annotate(day=TruncDate("held_at"))
        .values("day", "station_id", "station__region__path")
        .annotate(receptions=Count("id"), constituents=Sum("constituents_count"))
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        yield ReceptionDailyRollup(
            day=r["day"],
            station_id=r["station_id"],
            region_path=r["station__region__path"],
            receptions=r["receptions"],
            constituents=r["constituents"] or 0,
        )


def refresh_reception_keys(keys: set[tuple[int, dt.date]]) -> int:
    """Recompute the reception rollup rows of these (station, day) keys."""
    if not keys:
        return 0
    ReceptionDailyRollup.objects.filter(_keys_q(keys, station="station_id", when="day")).delete()
    rows = list(
        _reception_rows(
            Reception.objects.filter(_keys_q(keys, station="station_id", when="held_at__date"))
        )
    )
    ReceptionDailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _watermark(name: str) -> Watermark:
    Watermark.objects.get_or_create(name=name)
    # Row lock: two runs at once serialise here instead of applying the same batch twice.
    return Watermark.objects.select_for_update().get(name=name)


def apply_event_batch(*, batch: int = BATCH, settle_seconds: int = 0) -> int:
    """Apply one batch of new petition events; returns how many events were read."""
    with transaction.atomic():
        mark = _watermark(EVENTS_WATERMARK)
        events = PetitionEvent.objects.filter(pk__gt=mark.last_id)
        if settle_seconds:
            # Ids are handed out before commit: leave very recent ones for the next run so a
            # slow transaction's event is less likely to be skipped (reconcile catches the rest).
            events = events.filter(
                created_at__lt=timezone.now() - dt.timedelta(seconds=settle_seconds)
            )
        rows = list(events.order_by("pk").values_list("pk", "petition_id")[:batch])
        if not rows:
            return 0
        petition_ids = {pid for _pk, pid in rows}
        keys = set(
            Petition.objects.filter(pk__in=petition_ids)
            .annotate(day=TruncDate("submitted_at"))
            .values_list("station_id", "day")
            .distinct()
        )
        refresh_petition_keys(keys)
        mark.last_id = rows[-1][0]
        mark.save(update_fields=["last_id", "updated_at"])
        return len(rows)


def apply_reception_batch(*, batch: int = BATCH) -> int:
    """Apply receptions created since the last run (edits are picked up by reconcile)."""
    with transaction.atomic():
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
    """Apply every pending event and reception, batch by batch; returns events applied."""
    total = 0
    while True:
        n = apply_event_batch(batch=batch, settle_seconds=settle_seconds)
        total += n
        if n < batch:
            break
    while apply_reception_batch(batch=batch) == batch:
        pass
    return total


def reconcile(start: dt.date, end: dt.date) -> int:
    """Rebuild every rollup row for days start..end (inclusive) from the raw tables."""
    lo, _hi = _day_bounds(start)
    _lo, hi = _day_bounds(end)
    written = 0
    with transaction.atomic():
        PetitionDailyRollup.objects.filter(day__range=(start, end)).delete()
        ReceptionDailyRollup.objects.filter(day__range=(start, end)).delete()
        buffer: list = []
        for row in _aggregate(Petition.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)):
            buffer.append(row)
            if len(buffer) >= 5000:
                written += len(PetitionDailyRollup.objects.bulk_create(buffer))
                buffer = []
        written += len(PetitionDailyRollup.objects.bulk_create(buffer))
        ReceptionDailyRollup.objects.bulk_create(
            list(_reception_rows(Reception.objects.filter(held_at__gte=lo, held_at__lt=hi))),
            batch_size=5000,
        )
        rebuild_months(start, end)
        refresh_open()
    return written


def rebuild_all() -> int:
    """Rebuild everything and move both watermarks to the end (bench and first deployment)."""
    first = Petition.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    receptions = Reception.objects.order_by("held_at").values_list("held_at", flat=True).first()
    stamps = [s for s in (first, receptions) if s]
    with transaction.atomic():
        last_event = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        last_reception = Reception.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        written = 0
        if stamps:
            today = timezone.localdate()
            written = reconcile(timezone.localtime(min(stamps)).date(), today)
        Watermark.objects.update_or_create(name=EVENTS_WATERMARK, defaults={"last_id": last_event})
        Watermark.objects.update_or_create(
            name=RECEPTIONS_WATERMARK, defaults={"last_id": last_reception}
        )
    return written
