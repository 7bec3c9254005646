"""The clerk's coverage page, counted by hand on the named world (district X: station A and
room A-1 in street S1, station A2 in street S2)."""

import datetime as dt

import pytest
from django.utils import timezone

from petitions.models import Reception
from stations.models import SIX_HAVES
from tests import factories as f
from ties.coverage import coverage

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(world):
    a = world.station_a
    for name, _label in SIX_HAVES:
        setattr(a, name, True)
    a.save()
    dave_user = world.user("deputy")
    dave_user.last_login = timezone.now()
    dave_user.save()
    left = f.DeputyFactory.create(name="甲离站")
    f.StationAssignmentFactory.create(
        deputy=left,
        station=world.station_a2,
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2024, 1, 1),
    )
    f.DeputyFactory.create(name="乙未编")  # never placed: no region, only admins see it
    bing = f.DeputyFactory.create(name="丙新站")
    f.StationAssignmentFactory.create(
        deputy=bing, station=world.station_a2, start_date=dt.date(2024, 2, 1)
    )
    reception = Reception.objects.create(
        station=world.station_a, held_at=timezone.now() - dt.timedelta(days=30)
    )
    reception.deputies.add(world.deputy_dave)
    old = Reception.objects.create(
        station=world.station_a2, held_at=timezone.now() - dt.timedelta(days=400)
    )
    old.deputies.add(bing)
    return world


def test_the_figures_for_district_x(counted):
    c = coverage(counted.user("clerk"))
    assert c.stations == 3
    assert dict((str(k), n) for k, n in c.stations_by_kind)["Liaison room"] == 1
    assert (c.six_complete, c.six_percent) == (1, 33)
    assert [d.name for d in c.ungrouped] == ["甲离站"]
    rows = {r.region.name: r for r in c.rows}
    assert list(rows) == ["新兴街道", "建设街道"]
    s1, s2 = rows["新兴街道"], rows["建设街道"]
    assert (s1.deputies, s1.activated, s1.participated) == (1, 1, 1)
    assert (s1.activation_percent, s1.participation_percent) == (100, 100)
    assert (s2.deputies, s2.activated, s2.participated) == (1, 0, 0)


def test_the_other_district_sees_its_own(counted):
    c = coverage(counted.user("other_clerk"))
    assert c.stations == 1
    assert c.ungrouped == []
    assert [(r.region.name, r.deputies) for r in c.rows] == [("新城街道", 1)]


def test_the_page_shows_them(client, counted):
    client.force_login(counted.user("clerk"))
    html = client.get("/ties/coverage/").content.decode()
    assert '<div class="fs-3" id="six-rate">33%</div>' in html
    assert "甲离站" in html
    assert "乙未编" not in html
