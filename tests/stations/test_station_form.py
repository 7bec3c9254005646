import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stations import services
from stations.choices import StationKind
from stations.models import Station

CREATE = reverse("stations:create")


def data(world, **overrides) -> dict:
    values = {
        "name": "嘉禾社区联络室",
        "kind": StationKind.ROOM,
        "region": world.street_s1.pk,
        "parent": world.station_a.pk,
        "address": "嘉禾路1号",
        "latitude": "30.75",
        "longitude": "120.75",
        "floor_area": "80",
        "opening_hours": "每月20日",
        "contact_phone": "0573-82000001",
        "is_active": "on",
        "has_site": "on",
        "has_rules": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def test_it_creates_a_station(as_role, world):
    response = as_role("clerk").post(CREATE, data(world))
    station = Station.objects.get(name="嘉禾社区联络室")
    assert response.status_code == 302 and response.url == station.get_absolute_url()
    assert station.parent == world.station_a and station.six_haves_done == 2


def test_it_lets_staff_add_a_room_under_their_station(as_role, world):
    response = as_role("staff").post(CREATE, data(world))
    assert response.status_code == 302
    assert Station.objects.filter(name="嘉禾社区联络室", parent=world.station_a).exists()


def test_it_does_not_let_staff_create_a_top_level_station(as_role, world):
    response = as_role("staff").post(CREATE, data(world, parent="", kind=StationKind.HOME))
    assert response.status_code == 200
    form = response.context["form"]
    assert "parent" in form.errors and "kind" in form.errors
    assert not Station.objects.filter(name="嘉禾社区联络室").exists()


def test_it_does_not_let_staff_place_a_room_under_another_station(as_role, world):
    response = as_role("staff").post(
        CREATE, data(world, parent=world.station_b.pk, region=world.street_s3.pk)
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Station.objects.filter(name="嘉禾社区联络室").exists()


def test_it_keeps_clerks_inside_their_district(as_role, world):
    response = as_role("clerk").post(CREATE, data(world, parent="", region=world.street_s3.pk))
    assert "region" in response.context["form"].errors
    assert not Station.objects.filter(name="嘉禾社区联络室").exists()


def test_it_explains_bad_input_and_keeps_it(as_role, world):
    response = as_role("clerk").post(
        CREATE, data(world, name="", latitude="95", floor_area="-3", longitude="abc")
    )
    form = response.context["form"]
    assert set(form.errors) >= {"name", "latitude", "floor_area", "longitude"}
    body = response.content.decode()
    assert "嘉禾路1号" in body  # the user's input is kept
    assert "between -90 and 90" in str(form.errors["latitude"]) or form.errors["latitude"]
    assert Station.objects.filter(address="嘉禾路1号").count() == 0


def test_it_refuses_a_duplicate_name_in_the_region(as_role, world):
    response = as_role("clerk").post(
        CREATE, data(world, name=world.station_a.name, parent="", kind=StationKind.HOME)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Station.objects.filter(name=world.station_a.name).count() == 1


def test_it_refuses_a_parent_in_another_region(as_role, world):
    response = as_role("admin").post(CREATE, data(world, region=world.street_s2.pk))
    assert "parent" in response.context["form"].errors


def test_it_edits_a_station(as_role, world):
    url = reverse("stations:edit", args=[world.station_a.pk])
    response = as_role("staff").post(
        url,
        data(
            world,
            name=world.station_a.name,
            kind=StationKind.HOME,
            parent="",
            opening_hours="每周五晚上",
            has_funding="on",
        ),
    )
    assert response.status_code == 302
    world.station_a.refresh_from_db()
    assert world.station_a.opening_hours == "每周五晚上" and world.station_a.has_funding


def test_it_refuses_a_loop(as_role, world):
    url = reverse("stations:edit", args=[world.station_a.pk])
    response = as_role("admin").post(
        url, data(world, name=world.station_a.name, kind=StationKind.HOME, parent=world.room_a1.pk)
    )
    assert "parent" in response.context["form"].errors
    world.station_a.refresh_from_db()
    assert world.station_a.parent is None


def test_it_does_not_let_staff_move_their_station(world):
    with pytest.raises(PermissionDenied):
        services.station_update(
            actor=world.user("staff"), station=world.station_a, fields={"region": world.street_s2}
        )
    world.station_a.refresh_from_db()
    assert world.station_a.region == world.street_s1


def test_it_rechecks_rights_in_the_create_service(world):
    with pytest.raises(PermissionDenied):
        services.station_create(
            actor=world.user("other_clerk"),
            fields={"name": "越界站", "kind": StationKind.HOME, "region": world.street_s1},
        )
    assert not Station.objects.filter(name="越界站").exists()


def test_it_hides_stations_others_may_not_edit(as_role, world):
    assert (
        as_role("other_staff").get(reverse("stations:edit", args=[world.station_a.pk])).status_code
        == 404
    )
