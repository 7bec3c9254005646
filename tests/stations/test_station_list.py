import pytest
from django.urls import reverse

from stations.choices import StationKind

from .. import factories as f

URL = reverse("stations:list")


def test_it_lists_only_visible_stations(as_role, world):
    response = as_role("clerk").get(URL)
    assert response.status_code == 200
    names = [s.name for s in response.context["page"]]
    assert world.station_a.name in names and world.station_a2.name in names
    assert world.station_b.name not in names


def test_it_shows_staff_their_station_and_its_rooms(as_role, world):
    response = as_role("staff").get(URL)
    names = {s.name for s in response.context["page"]}
    assert names == {world.station_a.name, world.room_a1.name}


def test_it_searches_name_and_address(as_role, world):
    f.StationFactory(name="嘉湖联络室", region=world.street_s1, address="禾兴南路88号")
    client = as_role("admin")
    assert [s.name for s in client.get(URL, {"q": "禾兴南"}).context["page"]] == ["嘉湖联络室"]
    assert [s.name for s in client.get(URL, {"q": "新兴街道"}).context["page"]] == [
        world.station_a.name
    ]


def test_it_filters_by_region_subtree_kind_and_active(as_role, world):
    world.station_a2.is_active = False
    world.station_a2.save()
    client = as_role("admin")
    in_x = {s.name for s in client.get(URL, {"region": world.district_x.pk}).context["page"]}
    assert in_x == {world.station_a.name, world.room_a1.name, world.station_a2.name}
    rooms = {s.name for s in client.get(URL, {"kind": StationKind.ROOM}).context["page"]}
    assert rooms == {world.room_a1.name}
    inactive = {s.name for s in client.get(URL, {"active": "0"}).context["page"]}
    assert inactive == {world.station_a2.name}


def test_it_counts_current_deputies_and_staff(as_role, world):
    f.StationAssignmentFactory(station=world.station_a, is_primary=False)
    import datetime as dt

    f.StationAssignmentFactory(station=world.station_a, end_date=dt.date(2023, 1, 1))
    # A deputy sees the full count at their station, not just their own assignment.
    response = as_role("deputy").get(URL)
    row = next(s for s in response.context["page"] if s.pk == world.station_a.pk)
    assert row.deputy_count == 2
    assert row.staff_count == 1


def test_it_shows_six_standards_badge(as_role, world):
    world.station_a.has_site = world.station_a.has_staff = True
    world.station_a.has_rules = world.station_a.has_plan = True
    world.station_a.save()
    response = as_role("staff").get(URL)
    assert "4/6" in response.content.decode()


def test_it_refuses_handlers(as_role):
    assert as_role("handler").get(URL).status_code == 403


@pytest.mark.parametrize("extra", [3, 30])
def test_it_uses_constant_queries(as_role, world, django_assert_num_queries, extra):
    for i in range(extra):
        station = f.StationFactory(name=f"批量站{i}", region=world.street_s1)
        f.StaffPostFactory(station=station)
        f.StationAssignmentFactory(station=station)
    client = as_role("admin")
    client.get(URL)  # warm the session
    # session, user with its roles and unread notifications (core.roles), count, page, region
    # choices.
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.status_code == 200
