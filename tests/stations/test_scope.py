"""The one station-scope rule: a head station's staff also run the rooms below it."""

from core.roles import roles_of
from stations.models import Station
from stations.paths import in_region_paths, path_prefixes, region_paths_q
from stations.scope import (
    managed_q,
    managed_station_ids,
    manages_station,
    station_staff,
    station_staff_ids,
)

from .. import factories as f


def test_it_lets_head_staff_run_the_rooms_below(world):
    staff = roles_of(world.user("staff"))
    assert manages_station(staff, world.station_a)
    assert manages_station(staff, world.room_a1)
    assert not manages_station(staff, world.station_a2)


def test_it_keeps_a_rooms_staff_to_the_room(world):
    room_staff = f.UserFactory(username="room_staff")
    f.StaffPostFactory(user=room_staff, station=world.room_a1)
    roles = roles_of(room_staff)
    assert manages_station(roles, world.room_a1)
    assert not manages_station(roles, world.station_a)
    assert set(Station.objects.filter(managed_q(room_staff, "pk"))) == {world.room_a1}
    assert managed_station_ids(room_staff) == {world.room_a1.pk}


def test_it_filters_the_same_stations_it_lists(world):
    user = world.user("staff")
    expected = {world.station_a.pk, world.room_a1.pk}
    assert managed_station_ids(user) == expected
    assert set(Station.objects.filter(managed_q(user, "pk")).values_list("pk", flat=True)) == (
        expected
    )
    assert not Station.objects.filter(managed_q(world.user("clerk"), "pk")).exists()


def test_it_names_the_active_staff_of_a_room_and_its_head(world):
    gone = f.UserFactory(username="gone", is_active=False)
    f.StaffPostFactory(user=gone, station=world.room_a1)
    assert list(station_staff(world.room_a1)) == [world.user("staff")]
    assert station_staff_ids({world.room_a1.pk: world.station_a.pk, world.station_b.pk: None}) == {
        world.room_a1.pk: {world.user("staff").pk},
        world.station_b.pk: {world.user("far_staff").pk},
    }


def test_it_spells_out_region_subtrees(world):
    assert path_prefixes("/33/3304/330402/") == ["/33/", "/33/3304/", "/33/3304/330402/"]
    assert in_region_paths(world.station_a.region.path, [world.city.path])
    assert not in_region_paths(world.station_b.region.path, [world.station_a.region.path])
    q = region_paths_q([world.station_a.region.path], "region__path")
    assert set(Station.objects.filter(q)) == {world.station_a, world.room_a1}
    assert not Station.objects.filter(region_paths_q([], "region__path")).exists()
