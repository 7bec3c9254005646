"""Every dashboard figure against a hand-computed data set."""

from __future__ import annotations

import pytest
from django.utils import translation

from reports import rollups, selectors
from reports.models import PetitionDailyRollup, Watermark

from .support import EXPECTED_X, MARCH, build_march

pytestmark = pytest.mark.django_db


def _figures(region, period=MARCH):
    return selectors.dashboard(*period, region=region)["figures"].as_dict()


def test_it_computes_every_figure_of_the_district(world):
    build_march(world)
    rollups.apply_new_events()
    got = _figures(world.district_x)
    assert {k: got[k] for k in EXPECTED_X} == EXPECTED_X


def test_it_adds_the_other_district_for_the_city(world):
    build_march(world)
    rollups.apply_new_events()
    got = _figures(world.city)
    assert got["collected"] == EXPECTED_X["collected"] + 1
    assert got["accepted"] == EXPECTED_X["accepted"] + 1
    assert _figures(world.district_y)["collected"] == 1


def test_it_counts_the_case_submitted_before_the_period_in_february(world):
    build_march(world)
    rollups.apply_new_events()
    import datetime as dt

    feb = _figures(world.district_x, (dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    assert feb["collected"] == 1 and feb["closed"] == 1 and feb["receptions"] == 1
    assert feb["constituents"] == 10


def test_it_gives_the_same_figures_after_reconciliation(world):
    build_march(world)
    rollups.apply_new_events()
    before = _figures(world.city)
    rows = sorted(
        PetitionDailyRollup.objects.values_list("day", "station_id", "collected", "closed")
    )
    rollups.reconcile(*MARCH)
    rollups.reconcile(dt_feb_first(), dt_feb_last())
    assert _figures(world.city) == before
    assert (
        sorted(PetitionDailyRollup.objects.values_list("day", "station_id", "collected", "closed"))
        == rows
    )


def dt_feb_first():
    import datetime as dt

    return dt.date(2026, 2, 1)


def dt_feb_last():
    import datetime as dt

    return dt.date(2026, 2, 28)


def test_it_changes_nothing_when_the_events_job_runs_twice(world):
    build_march(world)
    assert rollups.apply_new_events() > 0
    rows = sorted(
        PetitionDailyRollup.objects.values_list(*["day", "station_id", *rollups.COUNTERS])
    )
    mark = Watermark.objects.get(name=rollups.EVENTS_WATERMARK).last_id
    assert rollups.apply_new_events() == 0
    assert (
        sorted(PetitionDailyRollup.objects.values_list(*["day", "station_id", *rollups.COUNTERS]))
        == rows
    )
    assert Watermark.objects.get(name=rollups.EVENTS_WATERMARK).last_id == mark


def test_it_applies_events_in_small_batches_to_the_same_result(world):
    build_march(world)
    rollups.apply_new_events(batch=3)
    assert {k: _figures(world.district_x)[k] for k in EXPECTED_X} == EXPECTED_X


def test_it_reads_the_charts_from_the_same_rows(world):
    build_march(world)
    rollups.apply_new_events()
    with translation.override("zh-hans"):  # category names follow the interface language
        data = selectors.dashboard(*MARCH, region=world.district_x)
    assert data["trend"] == [{"month": "2026-03", "collected": 8, "closed": 4, "replied": 4}]
    cats = {c["name"]: c["collected"] for c in data["categories"]}
    assert cats == {"城乡建设": 5, "": 3}  # P3, P4 and P7 were never triaged
    assert sum(t["collected"] for t in data["tiers"]) == 8
