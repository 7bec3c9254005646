"""The set-based rebuild (INSERT … SELECT … GROUP BY in the database) writes exactly the rows
computed in Python straight from the cases; the nightly run is bounded by the changed cases.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (the SQL of the area cut and the reply
seconds differs per database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions.choices import UNDER_DEADLINE, Satisfaction, Status
from petitions.models import Petition, PetitionEvent, Reception
from reports import rollups
from reports.models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
    StationOpenRollup,
    Watermark,
)
from stations.paths import path_prefixes

from .support import Loop, at, build_march

pytestmark = pytest.mark.django_db


def case_counters(p: Petition) -> dict[str, int]:
    """One case's contribution to every counter, in Python (the oracle)."""
    replied = p.replied_at is not None and p.assigned_at is not None
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
        "reply_seconds": int((p.replied_at - p.assigned_at).total_seconds()) if replied else 0,
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
    for r in PetitionMonthlyRollup.objects.values():
        key = (r["month"], r["area_path"], r["category_id"], r["tier"])
        table = out["whole" if r["whole"] else "leaf"]
        assert key not in table, key
        table[key] = {k: r[k] for k in rollups.COUNTERS}
    out["open"] = {
        (r.station_id, r.region_path): r.open_cases for r in StationOpenRollup.objects.all()
    }
    out["receptions"] = {
        (r.day, r.station_id, r.region_path): (r.receptions, r.constituents)
        for r in ReceptionDailyRollup.objects.all()
    }
    return out


@pytest.fixture
def cases(world):
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


def test_the_rebuild_writes_the_rows_computed_from_the_cases(cases):
    # Stale and wrong rows first: the rebuild must replace all of them.
    rollups.apply_new_events()
    PetitionDailyRollup.objects.update(collected=99)
    PetitionMonthlyRollup.objects.filter(whole=True).delete()
    StationOpenRollup.objects.all().delete()
    rollups.rebuild_all()
    want, got = expected(), stored()
    assert len(want["daily"]) >= 10 and len(want["whole"]) > len(want["leaf"])
    for table in want:
        assert got[table] == want[table], table
    # …and it matches what the minute-by-minute job had built from the events.
    PetitionDailyRollup.objects.all().delete()
    PetitionMonthlyRollup.objects.all().delete()
    Watermark.objects.filter(name=rollups.EVENTS_WATERMARK).update(last_id=0)
    rollups.apply_new_events()
    assert {k: v for k, v in stored().items() if k != "receptions"} == {
        k: v for k, v in want.items() if k != "receptions"
    }


def test_a_range_rebuild_keeps_the_other_months(cases):
    rollups.rebuild_all()
    want = expected()
    april = [k for k in want["daily"] if k[0].month == 4]
    assert april
    PetitionDailyRollup.objects.filter(day__month=4).update(collected=99)
    PetitionDailyRollup.objects.filter(day__month=3).update(closed=77)
    rollups.reconcile(dt.date(2026, 4, 1), dt.date(2026, 5, 31))
    got = stored()["daily"]
    assert all(got[k] == want["daily"][k] for k in april)
    assert {got[k]["closed"] for k in got if k[0].month == 3} == {77}


def test_the_nightly_run_catches_a_skipped_event_and_touches_only_changed_cases(cases, world):
    rollups.apply_new_events()
    rollups.refresh_changed()  # sets the nightly high-water mark
    untouched = PetitionDailyRollup.objects.get(station=world.station_b, day=dt.date(2026, 4, 30))
    PetitionDailyRollup.objects.filter(pk=untouched.pk).update(collected=99)
    # A case declined now whose event the minute job skipped (the watermark moved past it).
    with at(5, 10):
        Loop(world).decline(Petition.objects.get(pk=cases["p7"].pk))
    top = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    Watermark.objects.filter(name=rollups.EVENTS_WATERMARK).update(last_id=top)
    day = timezone.localtime(cases["p7"].submitted_at).date()
    key = dict(station=world.station_a, day=day)
    assert PetitionDailyRollup.objects.get(**key).declined == 0

    done = rollups.refresh_changed(overlap=0)

    assert done["cases_keys"] == 1
    assert PetitionDailyRollup.objects.get(**key).declined == 1
    march_x = PetitionMonthlyRollup.objects.get(
        month=dt.date(2026, 3, 1), area_path=world.district_x.path, whole=True, category=None
    )
    assert (
        march_x.declined
        == expected()["whole"][(dt.date(2026, 3, 1), world.district_x.path, None, "")]["declined"]
    )
    # Bounded by the changed cases: the wrong row of an unchanged case is left alone…
    assert PetitionDailyRollup.objects.get(pk=untouched.pk).collected == 99
    # …until the full rebuild repairs it.
    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))
    assert stored() == expected()


def test_the_command_refuses_bad_dates(cases):
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_rollups", start="2026-13-01", end="2026-12-31")
    with pytest.raises(CommandError, match="both"):
        call_command("rebuild_rollups", start="2026-01-01")
    with pytest.raises(CommandError, match="after"):
        call_command("rebuild_rollups", start="2026-03-01", end="2026-02-01")
