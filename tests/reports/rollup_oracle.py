"""The rollup rows computed in Python straight from the cases and receptions (the oracle of the
rollup tests), and the same shape read back from the rollup tables."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from petitions.choices import UNDER_DEADLINE, Satisfaction, Status
from petitions.models import Petition, Reception
from reports import rollups
from reports.models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
    StationOpenRollup,
)
from stations.paths import path_prefixes

from .support import Loop, at, build_march


def case_counters(p: Petition) -> dict[str, int]:
    """One case's contribution to every counter, in Python (the oracle)."""
    replied = p.replied_at is not None and p.assigned_at is not None
    reply_seconds = 0
    if p.replied_at is not None and p.assigned_at is not None:
        reply_seconds = int((p.replied_at - p.assigned_at).total_seconds())
    on_time = replied and p.deadline is not None
    on_time = on_time and timezone.localtime(p.replied_at).date() <= p.deadline
    return {
        "collected": 1,
        "accepted": int(p.status not in (Status.SUBMITTED, Status.DECLINED, Status.MERGED)),
        "declined": int(p.status == Status.DECLINED),
        "merged": int(p.status == Status.MERGED),
        "assigned": int(p.assigned_at is not None),
        "replied": int(replied),
        "replied_on_time": int(on_time),
        "reply_seconds": reply_seconds,
        "closed": int(p.status == Status.CLOSED),
        "satisfied": int(p.satisfaction == Satisfaction.SATISFIED),
        "basic": int(p.satisfaction == Satisfaction.BASIC),
        "unsatisfied": int(p.satisfaction == Satisfaction.UNSATISFIED),
        "unrated_closed": int(p.status == Status.CLOSED and p.closed_unrated),
        "reopened": p.reopen_count,
        # The funnel: standing today at assigned or later / at replied or later.
        "handed_on": int(
            p.status
            in (
                Status.ASSIGNED,
                Status.HANDLING,
                Status.REPLIED,
                Status.FEEDBACK_GIVEN,
                Status.CLOSED,
            )
        ),
        "answered": int(p.status in (Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED)),
    }


def _add(into: dict, key: tuple, counts: dict) -> None:
    row = into.setdefault(key, dict.fromkeys(rollups.COUNTERS, 0))
    for k, v in counts.items():
        row[k] += v


def expected() -> dict[str, dict]:
    """Every rollup table's rows computed from the petitions and receptions in Python."""
    daily: dict = {}
    leaf: dict = {}
    whole: dict = {}
    for p in Petition.objects.select_related("station__region"):
        day = timezone.localtime(p.submitted_at).date()
        path = p.station.region.path
        counts = case_counters(p)
        _add(daily, (day, p.station_id, path, p.category_id, p.tier), counts)
        area = rollups.area_of(path)
        _add(leaf, (day.replace(day=1), area, p.category_id, p.tier), counts)
        for prefix in path_prefixes(area):
            _add(whole, (day.replace(day=1), prefix, p.category_id, p.tier), counts)
    open_cases: dict = defaultdict(int)
    for p in Petition.objects.filter(status__in=list(UNDER_DEADLINE)).select_related(
        "station__region"
    ):
        open_cases[(p.station_id, p.station.region.path)] += 1
    receptions: dict = defaultdict(lambda: [0, 0])
    for r in Reception.objects.select_related("station__region"):
        row = receptions[
            (timezone.localtime(r.held_at).date(), r.station_id, r.station.region.path)
        ]
        row[0] += 1
        row[1] += r.constituents_count
    return {
        "daily": daily,
        "leaf": leaf,
        "whole": whole,
        "open": dict(open_cases),
        "receptions": {k: tuple(v) for k, v in receptions.items()},
    }


def stored() -> dict[str, dict]:
    """The same shape read back from the rollup tables (a key written twice would show)."""
    out: dict[str, dict] = {"daily": {}, "leaf": {}, "whole": {}}
    for r in PetitionDailyRollup.objects.values():
        key = (r["day"], r["station_id"], r["region_path"], r["category_id"], r["tier"])
        assert key not in out["daily"], key
        out["daily"][key] = {k: r[k] for k in rollups.COUNTERS}
    for m in PetitionMonthlyRollup.objects.values():
        month_key = (m["month"], m["area_path"], m["category_id"], m["tier"])
        table = out["whole" if m["whole"] else "leaf"]
        assert month_key not in table, month_key
        table[month_key] = {k: m[k] for k in rollups.COUNTERS}
    out["open"] = {
        (r.station_id, r.region_path): r.open_cases for r in StationOpenRollup.objects.all()
    }
    out["receptions"] = {
        (r.day, r.station_id, r.region_path): (r.receptions, r.constituents)
        for r in ReceptionDailyRollup.objects.all()
    }
    return out


def build_rollup_cases(world) -> dict[str, Petition]:
    """The March data set, plus cases around midnight at a month's end, in another district
    and at a room one level deeper, so days, months and areas are all cut in SQL."""
    ps = build_march(world)
    far = Loop(world, station=world.station_b, staff="far_staff", handler="other_handler")
    room = Loop(world, station=world.room_a1)
    with at(4, 30, 23, 59):  # still 30 April in Asia/Shanghai, 15:59 UTC
        ps["late"] = far.triage(far.accept(far.submit("四月最后一刻")))
    with at(5, 1, 0, 1):  # 1 May local, still 30 April in UTC
        ps["early"] = room.submit("五月第一刻")
    with at(5, 2):
        p = room.assign(room.triage(room.accept(ps["early"])))
    with at(5, 6, 17, 33):
        ps["early"] = room.reply(room.receive(p))
    return ps
