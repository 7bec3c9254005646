"""A deputy checks in at the station within the reception's window (±30 minutes)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from deputies.roster.choices import DutyStatus
from deputies.roster.models import Duty
from deputies.roster.services import RosterError, duty_checkin

from .roster_factories import day

SH = ZoneInfo("Asia/Shanghai")
DATE = dt.date(2030, 5, 20)


@pytest.fixture
def duty(world):
    return Duty.objects.create(
        day=day(world.station_a, DATE, "09:00", "11:30"), deputy=world.deputy_dave
    )


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(DATE, dt.time(hour, minute), tzinfo=SH)


def test_it_records_present_when_on_time(world, duty):
    duty_checkin(actor=world.user("deputy"), station=world.station_a, now=at(8, 35))
    duty.refresh_from_db()
    assert duty.status == DutyStatus.PRESENT and duty.checked_in_at == at(8, 35)


def test_it_records_late_after_the_start(world, duty):
    duty_checkin(actor=world.user("deputy"), station=world.station_a, now=at(9, 40))
    duty.refresh_from_db()
    assert duty.status == DutyStatus.LATE


@pytest.mark.parametrize("hour, minute", [(8, 20), (12, 1), (20, 0)])
def test_it_refuses_outside_the_window(world, duty, hour, minute):
    with pytest.raises(RosterError, match="30 minutes"):
        duty_checkin(actor=world.user("deputy"), station=world.station_a, now=at(hour, minute))
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ASSIGNED


def test_it_refuses_a_second_check_in(world, duty):
    duty_checkin(actor=world.user("deputy"), station=world.station_a, now=at(8, 50))
    with pytest.raises(RosterError):
        duty_checkin(actor=world.user("deputy"), station=world.station_a, now=at(8, 55))


def test_it_says_so_when_not_on_duty(as_role, world):
    response = as_role("deputy").post(
        reverse("roster:checkin", args=[world.station_a.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "You are not on duty at this station today." in response.content.decode()
