"""*Who is behind* and the points ranking over many deputies (issue 10): every deputy in scope is
judged or scored, 50 a page, and a page takes as many queries for 55 deputies with busy years
as for one deputy with a bare year."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies.roster.choices import DutyStatus
from deputies.roster.models import Duty, ReceptionDay
from duty import points, selectors
from duty.items import ITEMS
from duty.models import PointsRow, PointsScheme, QuotaRule
from tests.factories import DeputyFactory, StationAssignmentFactory
from tests.reports.ledger_support import at, petition

YEAR = timezone.localdate().year - 1  # a whole year that is over
MANY = 55  # more than a page of 50


def _deputies(world, n: int) -> list:
    """``n`` deputies of station A2 (district X, street 建设), each with ``i % 4`` duties
    attended and one opinion: all behind on something, with a spread of points."""
    made = []
    for i in range(n):
        deputy = DeputyFactory(name=f"代表{i:03d}")
        StationAssignmentFactory(deputy=deputy, station=world.station_a2)
        for month in range(1, i % 4 + 1):
            day, _ = ReceptionDay.objects.get_or_create(
                station=world.station_a2,
                date=dt.date(YEAR, month, 20),
                start_time=dt.time(9),
                defaults={"end_time": dt.time(11)},
            )
            Duty.objects.create(day=day, deputy=deputy, status=DutyStatus.PRESENT)
        petition(world, deputy=deputy, station=world.station_a2, submitted=at(dt.date(YEAR, 3, 1)))
        made.append(deputy)
    return made


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-deputy="(\d+)"', page)


def _queries(client, url: str) -> int:
    client.get(url)  # warm: first-request work is not the page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_who_is_behind_lists_every_deputy_behind_50_a_page(world, as_role):
    # Dave's street asks nothing of him: he is on track and never listed.
    for item in ITEMS:
        QuotaRule.objects.create(region=world.street_s1, item=item.code, quantity=0)
    made = _deputies(world, MANY)
    client = as_role("clerk")
    url = reverse("duty:behind") + f"?year={YEAR}"
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert f"data-count>{MANY}<" in first
    listed = _rows(first) + _rows(second)
    assert len(_rows(first)) == 50 and len(_rows(second)) == MANY - 50
    by_name = sorted(made, key=lambda d: (d.name_pinyin, d.pk))
    assert listed == [str(d.pk) for d in by_name]
    assert str(world.deputy_dave.pk) not in listed
    # The reasons on page 2 are the deputy's own year's (代表054 attended January and February).
    last = by_name[-1]
    assert selectors.duty_year(last, YEAR).reasons[0] in second
    assert "Receive constituents: 10 month(s) below 1" in second


def test_the_points_ranking_scores_everyone_and_ranks_across_pages(world, as_role):
    scheme = PointsScheme.objects.create(region=world.city, name="嘉兴市履职积分")
    PointsRow.objects.create(scheme=scheme, item="reception", weight=Decimal(2))
    PointsRow.objects.create(scheme=scheme, item="opinion", weight=Decimal(1), cap=1)
    made = _deputies(world, MANY)
    client = as_role("clerk")
    url = reverse("duty:ranking") + f"?year={YEAR}"
    pages = [client.get(url).content.decode(), client.get(url + "&page=2").content.decode()]
    ranked = re.findall(
        r'<tr data-deputy="(\d+)"><td data-rank>(\d+)</td>.*?<td data-points>([\d.]+)</td>',
        "".join(pages),
    )
    assert [len(_rows(p)) for p in pages] == [50, MANY + 1 - 50]  # and Dave, with 0 points
    # The same points as each deputy's own year page, highest first, equal points one rank.
    for deputy in [*made, world.deputy_dave]:
        score = points.score_for(deputy, selectors.duty_year(deputy, YEAR))
        row = next(r for r in ranked if r[0] == str(deputy.pk))
        assert Decimal(row[2]) == score.points
    figures = [Decimal(p) for _pk, _rank, p in ranked]
    assert figures == sorted(figures, reverse=True)
    # 13 deputies attended three duties (2 × 3 + 1 = 7 points) and share rank 1; 14 each with
    # two, one and no duty follow at ranks 14, 28 and 42; Dave, with nothing, is 56th.
    assert sorted({int(r) for _pk, r, _p in ranked}) == [1, 14, 28, 42, 56]
    assert "data-rank>42<" in pages[1] and "data-rank>56<" in pages[1]


def test_both_lists_take_the_same_queries_for_one_deputy_or_many(world, client):
    pages = [
        ("clerk", reverse("duty:behind") + f"?year={YEAR}"),
        ("clerk", reverse("duty:behind") + f"?year={YEAR}&page=2"),
        ("city_clerk", reverse("duty:behind") + f"?year={YEAR}&station={world.station_a2.pk}"),
        ("clerk", reverse("duty:ranking") + f"?year={YEAR}"),
        ("city_clerk", reverse("duty:ranking") + f"?year={YEAR}&page=2"),
    ]
    scheme = PointsScheme.objects.create(region=world.city, name="嘉兴市履职积分")
    PointsRow.objects.create(scheme=scheme, item="reception", weight=Decimal(2))

    def measure() -> dict:
        out = {}
        for role, url in pages:
            client.force_login(world.user(role))
            out[(role, url)] = _queries(client, url)
        return out

    _deputies(world, 1)
    before = measure()
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    _deputies(world, MANY)
    after = measure()
    assert max(after.values()) <= 12, after
    assert after == before
