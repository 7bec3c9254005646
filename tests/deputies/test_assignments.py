import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deputies import services
from deputies.models import StationAssignment

pytestmark = pytest.mark.usefixtures("registry_env")


def _assign(client, world, station, primary=False):
    data = {"station": station.pk, "start_date": "2024-05-01"}
    if primary:
        data["is_primary"] = "on"
    url = reverse("deputies:assign", args=[world.deputy_dave.pk])
    return client.post(url, data, follow=True)


def test_it_adds_a_second_station(as_role, world):
    response = _assign(as_role("staff"), world, world.room_a1)
    assert "新兴社区联络室" in response.content.decode()
    assignment = StationAssignment.objects.get(deputy=world.deputy_dave, station=world.room_a1)
    assert not assignment.is_primary and assignment.start_date == dt.date(2024, 5, 1)


def test_it_refuses_a_second_current_primary_with_a_message(as_role, world):
    response = _assign(as_role("staff"), world, world.room_a1, primary=True)
    body = response.content.decode()
    assert "戴伟 already has a current primary station" in body
    assert not StationAssignment.objects.filter(station=world.room_a1).exists()
    assert world.deputy_dave.assignments.filter(is_primary=True, end_date=None).count() == 1


def test_it_refuses_a_station_the_user_may_not_edit(as_role, world):
    response = _assign(as_role("staff"), world, world.station_b)
    assert "That is not one of the names you may choose" in response.content.decode()
    assert not StationAssignment.objects.filter(
        station=world.station_b, deputy=world.deputy_dave
    ).exists()


def test_it_ends_an_assignment_and_then_allows_a_new_primary(as_role, world):
    client = as_role("clerk")
    current = world.deputy_dave.assignments.get()
    url = reverse("deputies:end_assignment", args=[current.pk])
    response = client.post(url, {"end_date": "2024-04-30"}, follow=True)
    current.refresh_from_db()
    assert current.end_date == dt.date(2024, 4, 30)
    assert "2024-04-30" in response.content.decode()
    _assign(client, world, world.station_a2, primary=True)
    assert world.deputy_dave.assignments.get(end_date=None).station == world.station_a2


def test_it_refuses_to_end_twice(as_role, world):
    client = as_role("staff")
    current = world.deputy_dave.assignments.get()
    url = reverse("deputies:end_assignment", args=[current.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "This assignment has already ended" in response.content.decode()
    current.refresh_from_db()
    assert current.end_date is not None


def test_it_refuses_an_end_date_before_the_start(as_role, world):
    current = world.deputy_dave.assignments.get()
    url = reverse("deputies:end_assignment", args=[current.pk])
    response = as_role("staff").post(url, {"end_date": "2000-01-01"}, follow=True)
    assert "cannot be before the start date" in response.content.decode()
    current.refresh_from_db()
    assert current.end_date is None


def test_it_hides_assignments_of_other_stations(as_role, world):
    peggys = world.deputy_peggy.assignments.get()
    url = reverse("deputies:end_assignment", args=[peggys.pk])
    assert as_role("staff").post(url).status_code == 404
    peggys.refresh_from_db()
    assert peggys.end_date is None


def test_the_service_rechecks_rights(world):
    with pytest.raises(PermissionDenied):
        services.assignment_add(
            actor=world.user("other_staff"),
            deputy=world.deputy_dave,
            station=world.station_a2,
            is_primary=False,
            start_date=dt.date(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.deputy_update(
            actor=world.user("far_staff"), deputy=world.deputy_dave, data={"name": "x"}
        )
