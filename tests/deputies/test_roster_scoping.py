"""A deputy sees only their own schedule; staff only their station's roster."""

from django.urls import reverse

from deputies.roster.models import Duty

from .roster_factories import day, future


def test_it_shows_a_deputy_only_their_own_duties(as_role, world):
    mine = Duty.objects.create(
        day=day(world.station_a, future(6), topic="戴伟的接待"), deputy=world.deputy_dave
    )
    Duty.objects.create(
        day=day(world.station_b, future(7), topic="裴佳的接待"), deputy=world.deputy_peggy
    )
    Duty.objects.create(
        day=day(world.station_a, future(-6)), deputy=world.deputy_dave, status="late"
    )
    body = as_role("deputy").get(reverse("roster:my_schedule")).content.decode()
    assert "戴伟的接待" in body and "裴佳的接待" not in body
    assert 'id="next-duty"' in body and f"{mine.day.date:%Y-%m-%d}" in body


def test_it_hides_another_deputys_duty(as_role, world):
    peggys = Duty.objects.create(day=day(world.station_b, future(7)), deputy=world.deputy_peggy)
    assert as_role("deputy").get(reverse("roster:swap_create", args=[peggys.pk])).status_code == 404


def test_it_hides_other_stations_rosters_from_staff(as_role, world):
    client = as_role("staff")
    assert (
        client.get(reverse("roster:station_roster", args=[world.station_b.pk])).status_code == 404
    )
    other_day = day(world.station_b, future(3))
    assert client.get(reverse("roster:day_detail", args=[other_day.pk])).status_code == 404
    # The room below station A is run by station A's staff.
    assert client.get(reverse("roster:station_roster", args=[world.room_a1.pk])).status_code == 200


def test_it_lists_only_the_stations_a_user_may_see(as_role, world):
    body = as_role("staff").get(reverse("roster:index")).content.decode()
    assert world.station_a.name in body and world.station_b.name not in body
