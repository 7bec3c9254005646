"""Staff run a station's roster: rules, generation, one-off days, attendance."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deputies.roster.choices import DayStatus, DutyStatus
from deputies.roster.models import Duty, ReceptionDay, ReceptionRule
from deputies.roster.services import days_generate, rule_save

from .roster_factories import day, future, rule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_it_shows_the_years_roster_with_deputies(as_role, world):
    d = day(world.station_a, future(5))
    Duty.objects.create(day=d, deputy=world.deputy_dave)
    response = as_role("staff").get(
        reverse("roster:station_roster", args=[world.station_a.pk]), {"year": d.date.year}
    )
    assert response.status_code == 200
    assert f"{d.date:%Y-%m-%d}" in response.content.decode()
    assert "戴伟" in response.content.decode()


def test_it_creates_a_rule_from_the_form_and_generates_days(as_role, world):
    client = as_role("staff")
    response = client.post(
        reverse("roster:rule_create", args=[world.station_a.pk]),
        {
            "title": "每月20日接待",
            "freq": "MONTHLY",
            "interval": 1,
            "monthdays": "20",
            "dtstart": "2025-01-01",
            "start_time": "09:00",
            "end_time": "11:30",
            "holiday_policy": "next_workday",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule_ = ReceptionRule.objects.get(station=world.station_a)
    dates = list(ReceptionDay.objects.filter(rule=rule_).values_list("date", flat=True))
    assert 12 <= len(dates) <= 13  # the next 12 months of 20ths
    assert all(d.day == 20 or d.weekday() < 5 for d in dates)


def test_it_expresses_the_first_and_third_monday_in_the_form(as_role, world):
    response = as_role("staff").post(
        reverse("roster:rule_create", args=[world.station_a.pk]),
        {
            "title": "周一接待",
            "freq": "MONTHLY",
            "interval": 1,
            "weekdays": ["0"],
            "ordinals": ["1", "3"],
            "dtstart": "2025-01-01",
            "start_time": "08:30",
            "end_time": "11:30",
            "holiday_policy": "keep",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    r = ReceptionRule.objects.get(station=world.station_a)
    assert (r.byweekday, r.weekday_ordinals) == ("0", "1,3")
    assert "BYDAY=+1MO,+3MO" in r.rrule_text


def test_it_keeps_the_input_when_a_rule_is_incomplete(as_role, world):
    response = as_role("staff").post(
        reverse("roster:rule_create", args=[world.station_a.pk]),
        {
            "title": "半成品规则",
            "freq": "MONTHLY",
            "interval": 1,
            "dtstart": "2025-01-01",
            "start_time": "09:00",
            "end_time": "08:00",
            "holiday_policy": "skip",
        },
        **EN,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "半成品规则" in body
    assert "Give the day of the month, or choose weekdays." in body
    assert "The reception must end after it starts." in body
    assert not ReceptionRule.objects.exists()


def test_it_regenerates_without_touching_held_days(world):
    today = dt.date(2025, 6, 1)
    r = rule(world.station_a, "monthly_20")
    days_generate(
        actor=None,
        station=world.station_a,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        today=dt.date.min,
    )
    assert ReceptionDay.objects.filter(rule=r).count() == 12
    held = ReceptionDay.objects.get(rule=r, date=dt.date(2025, 5, 20))
    held.status = DayStatus.HELD
    held.save()
    attended = ReceptionDay.objects.get(rule=r, date=dt.date(2025, 7, 20))
    Duty.objects.create(day=attended, deputy=world.deputy_dave, status=DutyStatus.PRESENT)
    # The station moves to the 25th, in the afternoon.
    r.bymonthday = "25"
    r.start_time, r.end_time = dt.time(14, 0), dt.time(16, 0)
    result = rule_save(actor=world.user("staff"), rule=r, today=today)
    dates = set(ReceptionDay.objects.filter(rule=r).values_list("date", flat=True))
    assert dt.date(2025, 5, 20) in dates and dt.date(2025, 7, 20) in dates  # kept
    assert dt.date(2025, 8, 20) not in dates and dt.date(2025, 8, 25) in dates
    held.refresh_from_db()
    assert held.start_time == dt.time(9, 0)
    assert result.removed >= 4
    again = days_generate(
        actor=None, station=world.station_a, start=today, end=dt.date(2025, 12, 31), today=today
    )
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_it_refuses_clerks_changing_a_roster(world):
    r = rule(world.station_a, "monthly_20")
    with pytest.raises(PermissionDenied):
        rule_save(actor=world.user("clerk"), rule=r)


def test_it_deletes_a_rule_with_its_coming_days(as_role, world):
    r = rule(world.station_a, "monthly_20", dtstart=future(-400))
    past = day(world.station_a, future(-30), rule=r, status=DayStatus.HELD)
    coming = day(world.station_a, future(30), rule=r)
    response = as_role("staff").post(reverse("roster:rule_delete", args=[r.pk]))
    assert response.status_code == 302
    assert not ReceptionRule.objects.filter(pk=r.pk).exists()
    assert ReceptionDay.objects.filter(pk=past.pk).exists()
    assert not ReceptionDay.objects.filter(pk=coming.pk).exists()


def test_it_adds_a_one_off_day(as_role, world):
    response = as_role("staff").post(
        reverse("roster:day_create", args=[world.station_a.pk]),
        {
            "date": f"{future(9):%Y-%m-%d}",
            "start_time": "15:00",
            "end_time": "17:00",
            "kind": "one_off",
            "topic": "乡长有约",
            "place": "",
        },
    )
    assert response.status_code == 302
    d = ReceptionDay.objects.get(station=world.station_a)
    assert (d.topic, d.kind, d.place) == ("乡长有约", "one_off", world.station_a.address)


def test_it_records_attendance_and_requires_a_reason_for_absence(as_role, world):
    d = day(world.station_a, future(-1))
    duty = Duty.objects.create(day=d, deputy=world.deputy_dave)
    client = as_role("staff")
    url = reverse("roster:day_detail", args=[d.pk])
    response = client.post(url, {"duty": duty.pk, f"d{duty.pk}-status": "absent"}, **EN)
    assert response.status_code == 200
    assert "Give the reason for the absence." in response.content.decode()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ASSIGNED
    response = client.post(
        url, {"duty": duty.pk, f"d{duty.pk}-status": "absent", f"d{duty.pk}-reason": "出差"}
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.status, duty.absence_reason, duty.recorded_by) == (
        "absent",
        "出差",
        world.user("staff"),
    )


def test_it_puts_a_deputy_on_duty_by_hand_and_takes_them_off(as_role, world):
    d = day(world.station_a, future(3))
    client = as_role("staff")
    client.post(reverse("roster:duty_add", args=[d.pk]), {"deputy": world.deputy_dave.pk})
    duty = Duty.objects.get(day=d)
    assert duty.deputy == world.deputy_dave
    client.post(reverse("roster:duty_remove", args=[duty.pk]))
    assert not Duty.objects.filter(day=d).exists()


def test_it_refuses_a_deputy_of_another_station(as_role, world):
    d = day(world.station_a, future(3))
    as_role("staff").post(
        reverse("roster:duty_add", args=[d.pk]), {"deputy": world.deputy_peggy.pk}
    )
    assert not Duty.objects.filter(day=d).exists()


def test_it_prints_the_roster_for_the_wall(as_role, world):
    d = day(world.station_a, future(3))
    Duty.objects.create(day=d, deputy=world.deputy_dave)
    response = as_role("staff").get(
        reverse("roster:print", args=[world.station_a.pk]), {"year": d.date.year}
    )
    body = response.content.decode()
    assert "print.css" in body and "戴伟" in body and world.station_a.name in body


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def _fill(world, months):
    from deputies.roster.models import DayDepartment

    for m in months:
        d = day(world.station_a, dt.date(2030, m, 20))
        Duty.objects.create(day=d, deputy=world.deputy_dave)
        DayDepartment.objects.create(day=d, department=world.department)


def test_it_pins_the_roster_query_count(as_role, world):
    client = as_role("staff")
    url = reverse("roster:station_roster", args=[world.station_a.pk])
    _fill(world, [1, 2])
    few = _queries(client, url, {"year": 2030})
    _fill(world, range(3, 13))
    assert _queries(client, url, {"year": 2030}) == few


def test_it_pins_my_schedule_query_count(as_role, world):
    client = as_role("deputy")
    url = reverse("roster:my_schedule")
    _fill(world, [1, 2])
    few = _queries(client, url)
    _fill(world, range(3, 13))
    assert _queries(client, url) == few
