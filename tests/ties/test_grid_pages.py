"""The clerks' grid pages: a grid under a community with its station and worker, the station
deputies who keep in touch with it (1–2 grids each, the same rule as the deputy's page), and
electoral districts with their deputies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import ChangeRecord
from stations.choices import RegionLevel, StaffPostKind
from tests import factories as f
from ties.models import DeputyGrid, ElectoralDistrict, Grid

from .support import make_district, make_grid

pytestmark = pytest.mark.django_db


def _community(world, code="330402001001", name="新兴社区"):
    return f.RegionFactory(
        name=name, code=code, level=RegionLevel.COMMUNITY, parent=world.street_s1
    )


def test_a_clerk_creates_a_grid_with_its_worker(world, as_role):
    community = _community(world)
    worker = f.UserFactory(username="gw", full_name="钱网格")
    f.StaffPostFactory(user=worker, station=world.station_a, post=StaffPostKind.GRID_WORKER)
    client = as_role("clerk")
    response = client.post(
        reverse("ties:grid_create"),
        {
            "name": "幸福里网格",
            "community": community.pk,
            "station": world.station_a.pk,
            "worker": worker.pk,
            "households": "320",
        },
    )
    grid = Grid.objects.get()
    assert response.url == reverse("ties:grid_edit", args=[grid.pk])
    assert (grid.worker, grid.households, grid.is_active) == (worker, 320, True)
    html = client.get(response.url).content.decode()
    assert "now choose the deputies" in html and "No deputy keeps in touch" in html
    assert ChangeRecord.objects.get().action == "created"


def test_bad_grid_input_is_refused_with_what_was_typed_kept(world, as_role):
    community = _community(world)
    make_grid(world, community=community)
    response = as_role("clerk").post(
        reverse("ties:grid_create"),
        {
            "name": "幸福里网格",
            "community": community.pk,
            "station": world.station_a2.pk,  # 建设街道's station, not over 新兴社区
            "households": "-5",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The station must be the one over the grid&#x27;s community" in html
    assert 'value="幸福里网格"' in html
    assert Grid.objects.count() == 1


def test_the_grids_deputies_follow_the_one_or_two_rule(world, as_role):
    community = _community(world)
    grids = [make_grid(world, name=n, community=community) for n in ("一网格", "二网格", "三网格")]
    dave = world.deputy_dave
    DeputyGrid.objects.bulk_create([DeputyGrid(deputy=dave, grid=g) for g in grids[:2]])
    client = as_role("clerk")
    # A third grid for 戴伟 is refused with the rule and his name.
    response = client.post(
        reverse("ties:grid_deputies", args=[grids[2].pk]), {"deputies": [dave.pk]}
    )
    assert response.status_code == 400
    assert "1 or 2 grids; 戴伟 would have 3" in response.content.decode()
    # Taking him off one of his two grids is fine; off his last one is not.
    assert (
        client.post(reverse("ties:grid_deputies", args=[grids[0].pk]), {"deputies": []}).status_code
        == 302
    )
    response = client.post(reverse("ties:grid_deputies", args=[grids[1].pk]), {"deputies": []})
    assert "戴伟 would have 0" in response.content.decode()
    assert list(dave.grids.all()) == [grids[1]]
    change = ChangeRecord.objects.get(topic="ties.grid")
    assert change.changes == [{"field": "deputies", "old": ["戴伟"], "new": []}]


def test_a_deputy_of_another_station_cannot_be_linked(world, as_role):
    grid = make_grid(world, community=_community(world))
    response = as_role("clerk").post(
        reverse("ties:grid_deputies", args=[grid.pk]), {"deputies": [world.deputy_peggy.pk]}
    )
    assert response.status_code == 400 and not DeputyGrid.objects.exists()


def test_the_coverage_pages_link_the_settings(world, as_role):
    grid = make_grid(world, community=_community(world))
    client = as_role("clerk")
    coverage = client.get(reverse("ties:coverage")).content.decode()
    for name in ("ties:grids", "ties:grid_create", "ties:districts", "deputies:terms"):
        assert reverse(name) in coverage
    grids = client.get(reverse("ties:grids")).content.decode()
    assert reverse("ties:grid_edit", args=[grid.pk]) in grids
    staff = as_role("staff").get(reverse("ties:grids")).content.decode()
    assert reverse("ties:grid_edit", args=[grid.pk]) not in staff


def test_a_clerk_creates_a_district_then_chooses_its_deputies(world, as_role):
    client = as_role("clerk")
    response = client.post(
        reverse("ties:district_create"),
        {"name": "南湖区第5选区", "region": world.district_x.pk, "level": "district"},
    )
    district = ElectoralDistrict.objects.get()
    assert response.url == reverse("ties:district_edit", args=[district.pk])
    page = client.get(response.url).content.decode()
    assert "戴伟" in page and "裴佳" not in page  # only deputies of 南湖区's stations
    client.post(
        response.url,
        {
            "name": "南湖区第5选区",
            "region": world.district_x.pk,
            "level": "district",
            "deputies": [world.deputy_dave.pk],
        },
    )
    assert list(district.deputies.all()) == [world.deputy_dave]
    change = ChangeRecord.objects.filter(topic="ties.district").first()
    assert {"field": "deputies", "old": [], "new": ["戴伟"]} in change.changes


def test_a_district_name_is_unique_per_region_and_level(world, as_role):
    make_district(world, name="南湖区第3选区")
    response = as_role("clerk").post(
        reverse("ties:district_create"),
        {"name": "南湖区第3选区", "region": world.district_x.pk, "level": "district"},
    )
    assert response.status_code == 400
    assert "already has an electoral district of this name" in response.content.decode()


def test_another_districts_clerk_gets_404(world, as_role):
    district = make_district(world)
    grid = make_grid(world, community=_community(world))
    client = as_role("other_clerk")
    assert client.get(reverse("ties:district_edit", args=[district.pk])).status_code == 404
    assert client.get(reverse("ties:grid_edit", args=[grid.pk])).status_code == 404
    assert "南湖区第3选区" not in client.get(reverse("ties:districts")).content.decode()
