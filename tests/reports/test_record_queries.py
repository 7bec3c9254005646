"""Queries on the deputy record pages and the "who is behind" list: at most 12 each, and the
same for one deputy with a bare year as for many deputies with full ones (issue 10).

The first count is taken with the world as built (a deputy or two, nothing recorded); then
every deputy gets duties, receptions, cases, activities, a project and a report-back, and
twenty more deputies join station A. A per-deputy or per-item lookup would show as a larger
count the second time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies.roster.choices import DutyStatus
from deputies.roster.models import Duty, ReceptionDay
from duty.choices import ActivityKind as DutyKind
from duty.models import PointsRow, PointsScheme, QuotaRule
from reports.ledgers.choices import ActivityKind
from reports.ledgers.models import DeputyActivity
from tests.duty.support import activity
from tests.factories import DeputyFactory, StationAssignmentFactory

from .ledger_support import at, petition, reception

YEAR = 2025
BUDGET = 12


def _pages(world) -> list[tuple[str, str]]:
    dave = world.deputy_dave.pk
    return [
        ("staff", reverse("ledgers:record", args=[dave, YEAR])),
        ("deputy", reverse("ledgers:record", args=[dave, YEAR])),
        ("staff", reverse("ledgers:record_print", args=[dave, YEAR])),
        ("staff", reverse("ledgers:record_export", args=[dave, YEAR])),
        ("clerk", reverse("ledgers:station_records_export", args=[world.station_a.pk, YEAR])),
        ("staff", reverse("duty:year", args=[dave]) + f"?year={YEAR}"),
        ("clerk", reverse("duty:behind") + f"?year={YEAR}"),
        ("city_clerk", reverse("duty:behind") + f"?year={YEAR}"),
        ("city_clerk", reverse("duty:behind") + f"?year={YEAR}&station={world.station_a.pk}"),
        ("admin", reverse("duty:behind") + f"?year={YEAR}"),
    ]


def _count(client, url: str) -> int:
    client.get(url)  # warm: first-request work (a session write, the calendar) is not the page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _busy_year(world, deputy, station) -> None:
    for month in (1, 2, 3):
        day, _ = ReceptionDay.objects.get_or_create(
            station=station,
            date=dt.date(YEAR, month, 20),
            start_time=dt.time(9),
            defaults={"end_time": dt.time(11)},
        )
        Duty.objects.create(day=day, deputy=deputy, status=DutyStatus.PRESENT)
        petition(world, deputy=deputy, station=station, submitted=at(dt.date(YEAR, month, 3)))
    reception(world, station=station, held_at=at(dt.date(YEAR, 4, 2)), deputies=[deputy])
    activity(world, DutyKind.TRAINING, dt.date(YEAR, 2, 9), deputy=deputy, station=station)
    activity(world, DutyKind.DIARY, dt.date(YEAR, 3, 1), deputy=deputy, station=station)
    for kind in (ActivityKind.INSPECTION, ActivityKind.REPORT_ORAL):
        DeputyActivity.objects.create(
            deputy=deputy, kind=kind, date=dt.date(YEAR, 5, 1), title="活动"
        )


@pytest.fixture
def counts(world, client):
    def measure() -> dict:
        out = {}
        for role, url in _pages(world):
            client.force_login(world.user(role))
            out[(role, url)] = _count(client, url)
        return out

    return measure


def test_record_and_behind_pages_take_at_most_12_queries_for_one_deputy_or_many(world, counts):
    before = counts()
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    scheme = PointsScheme.objects.create(region=world.city, name="积分")
    PointsRow.objects.create(scheme=scheme, item="reception", weight=2)
    PointsRow.objects.create(scheme=scheme, item="opinion", weight=1, cap=10)
    _busy_year(world, world.deputy_dave, world.station_a)
    _busy_year(world, world.deputy_peggy, world.station_b)
    for n in range(20):
        deputy = DeputyFactory(name=f"代表{n:02d}")
        StationAssignmentFactory(deputy=deputy, station=world.station_a)
        _busy_year(world, deputy, world.station_a)
    after = counts()
    too_many = {page: n for page, n in after.items() if n > BUDGET}
    assert not too_many, too_many
    changed = {page: (before[page], after[page]) for page in before if after[page] != before[page]}
    assert not changed, changed
