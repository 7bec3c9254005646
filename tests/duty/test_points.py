"""Points (履职积分): a configurable scheme per region, the score on the year page, the ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from deputies.roster.choices import DutyStatus
from duty import points, selectors
from duty.choices import ActivityKind
from duty.models import PointsRow, PointsScheme
from tests.factories import DeputyFactory, StationAssignmentFactory
from tests.reports.ledger_support import at, petition

from .support import activity, duty

YEAR = timezone.localdate().year - 1  # a whole year that is over


def _scheme(region, rows, name="南湖区代表履职积分办法"):
    scheme = PointsScheme.objects.create(region=region, name=name)
    for item, weight, cap in rows:
        PointsRow.objects.create(scheme=scheme, item=item, weight=Decimal(weight), cap=cap)
    return scheme


def test_a_score_is_items_times_weights_with_caps(world):
    _scheme(world.district_x, [("reception", "2", None), ("opinion", "1.5", 2), ("story", "5", 1)])
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 2, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 3, 20), DutyStatus.ABSENT)
    for day in (3, 4, 5):
        petition(world, submitted=at(dt.date(YEAR, 1, day)))
    activity(world, ActivityKind.STORY, dt.date(YEAR, 5, 1))
    activity(world, ActivityKind.STORY, dt.date(YEAR, 6, 1))
    # 2 receptions × 2 + min(3, 2) opinions × 1.5 + min(2, 1) stories × 5 = 4 + 3 + 5 = 12
    year = selectors.duty_year(world.deputy_dave, YEAR)
    assert points.score_for(world.deputy_dave, year).points == Decimal("12")


def test_no_scheme_no_score_and_the_nearest_scheme_wins(world):
    assert points.score_for(world.deputy_dave, selectors.duty_year(world.deputy_dave, YEAR)) is None
    _scheme(world.city, [("reception", "1", None)], name="嘉兴市办法")
    _scheme(world.district_x, [("reception", "3", None)])
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(
        world,
        dt.date(YEAR, 1, 20),
        DutyStatus.PRESENT,
        deputy=world.deputy_peggy,
        station=world.station_b,
    )
    dave = points.score_for(world.deputy_dave, selectors.duty_year(world.deputy_dave, YEAR))
    peggy = points.score_for(world.deputy_peggy, selectors.duty_year(world.deputy_peggy, YEAR))
    assert (dave.points, dave.scheme.name) == (Decimal(3), "南湖区代表履职积分办法")
    assert (peggy.points, peggy.scheme.name) == (Decimal(1), "嘉兴市办法")


def test_the_ranking_is_scoped_to_the_clerks_region_and_shares_ranks(world, as_role):
    _scheme(world.city, [("reception", "1", None)])
    third = DeputyFactory(name="张三")
    StationAssignmentFactory(deputy=third, station=world.station_a2, start_date=dt.date(2022, 1, 1))
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 2, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT, deputy=third, station=world.station_a2)
    duty(world, dt.date(YEAR, 2, 20), DutyStatus.PRESENT, deputy=third, station=world.station_a2)
    duty(
        world,
        dt.date(YEAR, 1, 20),
        DutyStatus.PRESENT,
        deputy=world.deputy_peggy,
        station=world.station_b,
    )
    page = as_role("city_clerk").get(reverse("duty:ranking") + f"?year={YEAR}").content.decode()
    # 戴伟 and 张三 share rank 1 (2 points), 裴佳 is third.
    assert page.count("data-rank>1<") == 2 and "data-rank>3<" in page
    district = as_role("clerk").get(reverse("duty:ranking") + f"?year={YEAR}").content.decode()
    assert "戴伟" in district and "裴佳" not in district


def test_the_year_page_shows_the_score(world, as_role):
    _scheme(world.district_x, [("reception", "2", None)])
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    page = as_role("deputy").get(
        reverse("duty:year", args=[world.deputy_dave.pk]) + f"?year={YEAR}"
    )
    assert '<div class="kpi" id="score">2</div>' in page.content.decode()


def test_the_performance_record_shows_the_points_and_links_the_year(world, as_role):
    _scheme(world.district_x, [("reception", "2", None)])
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    url = reverse("ledgers:record", args=[world.deputy_dave.pk, YEAR])
    page = as_role("clerk").get(url).content.decode()
    assert '<span class="fw-semibold" data-duty-score>2</span>' in page
    assert reverse("duty:year", args=[world.deputy_dave.pk]) in page
