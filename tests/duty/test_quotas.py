"""County quota rules (量化标准): a district's override, the province default, and the fallback."""

from __future__ import annotations

import datetime as dt

from duty import selectors
from duty.models import QuotaRule
from tests.reports.ledger_support import at, petition

YEAR = 2025
TODAY = dt.date(YEAR, 4, 15)


def _opinions(world, per_month: dict[int, int], deputy=None, station=None):
    for month, n in per_month.items():
        for day in range(n):
            petition(
                world,
                deputy=deputy or world.deputy_dave,
                station=station or world.station_a,
                submitted=at(dt.date(YEAR, month, day + 1)),
            )


def test_two_a_month_where_the_district_says_so(world):
    # "明确代表听取群众反映问题和意见建议每月不少于两次" (seed 004): 南湖区 asks for two.
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    _opinions(world, {1: 2, 2: 1, 3: 3})
    row = selectors.duty_year(world.deputy_dave, YEAR, TODAY).item("opinion")
    assert row.quota == 2
    assert [c.met for c in row.cells[:3]] == [True, False, True]
    assert row.missed == 1
    assert row.target == 24


def test_a_county_override_applies_to_its_deputies_only(world):
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    _opinions(world, {1: 1, 2: 1, 3: 1})
    _opinions(world, {1: 1, 2: 1, 3: 1}, deputy=world.deputy_peggy, station=world.station_b)
    years = selectors.duty_years([world.deputy_dave.pk, world.deputy_peggy.pk], YEAR, TODAY)
    # Dave (南湖区) is held to two a month and missed all three; Peggy (秀洲区) to one.
    assert years[world.deputy_dave.pk].item("opinion").missed == 3
    assert years[world.deputy_peggy.pk].item("opinion").missed == 0


def test_the_rules_fall_back_up_the_region_tree_to_the_province(world):
    QuotaRule.objects.create(region=world.province, item="training", quantity=2)
    QuotaRule.objects.create(region=world.city, item="training", quantity=3)
    QuotaRule.objects.create(region=world.district_y, item="training", quantity=1)
    QuotaRule.objects.create(region=world.province, item="story", quantity=2)
    tables = selectors.quota_tables([world.street_s1.path, world.street_s3.path, ""])
    dave, peggy = tables[world.street_s1.path], tables[world.street_s3.path]
    assert dave["training"] == 3  # the city's, nearer than the province's
    assert peggy["training"] == 1  # 秀洲区's own
    assert dave["story"] == peggy["story"] == 2  # the province default
    assert dave["reception"] == 1  # no rule anywhere: the list's own quantity
    assert tables[""]["training"] == 1  # a deputy without a station: the list's quantity


def test_a_deputy_without_a_station_uses_the_list(world):
    from tests.factories import DeputyFactory

    loner = DeputyFactory.create(name="路人")
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    assert selectors.duty_year(loner, YEAR, TODAY).item("opinion").quota == 1
