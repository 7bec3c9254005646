"""The set-based rebuild (INSERT … SELECT … GROUP BY in the database) writes exactly the rows
computed in Python straight from the cases; the nightly run is bounded by the changed cases.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (the SQL of the area cut and the reply
seconds differs per database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions.models import Petition, PetitionEvent
from reports import rollups
from reports.models import (
    PetitionDailyRollup,
    PetitionMonthlyRollup,
    StationOpenRollup,
    Watermark,
)

from .rollup_oracle import build_rollup_cases, expected, stored
from .support import Loop, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    return build_rollup_cases(world)


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
