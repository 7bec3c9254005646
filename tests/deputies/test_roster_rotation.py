"""Departments of the station's area take turns joining receptions: fair, even, idempotent."""

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from deputies.roster.choices import DayStatus
from deputies.roster.models import DayDepartment
from deputies.roster.selectors import rotation_plan

from .. import factories as f
from .roster_factories import day

YEAR = 2030  # wholly in the future, so every day is open


def _departments(world):
    """Five departments take turns at station A: four of district X and one of the city."""
    rotating = [world.department] + [
        f.DepartmentFactory(name=name, region=world.district_x)
        for name in ("南湖区交通局", "南湖区教育局", "南湖区民政局")
    ]
    rotating.append(f.DepartmentFactory(name="嘉兴市水利局", region=world.city))
    # Not in the rotation: inactive, of a street below (not above) the station, another district.
    f.DepartmentFactory(name="南湖区已撤销局", region=world.district_x, is_active=False)
    f.DepartmentFactory(name="建设街道城管科", region=world.street_s2)
    return rotating


def _days(world):
    # Every month on the 20th, plus a second reception in the odd months.
    days = [day(world.station_a, dt.date(YEAR, m, 20)) for m in range(1, 13)]
    days += [day(world.station_a, dt.date(YEAR, m, 5)) for m in range(1, 13, 2)]
    return days


def _turns(station):
    """Month numbers of each department's turns, by department name."""
    turns = defaultdict(list)
    for link in DayDepartment.objects.filter(day__station=station).select_related(
        "day", "department"
    ):
        turns[link.department.name].append(link.day.date.month)
    return turns


def test_it_rotates_the_areas_departments_fairly(world):
    rotating = _departments(world)
    _days(world)
    plan = rotation_plan(world.station_a, YEAR, per_month=2)
    counts = {d.name: n for d, n in plan.counts}
    assert set(counts) == {d.name for d in rotating}
    assert sum(counts.values()) == 24 and max(counts.values()) - min(counts.values()) <= 1
    per_month = defaultdict(set)
    for reception, departments in plan.proposals:
        per_month[reception.date.month] |= {d.pk for d in departments}
        assert len(departments) == len({d.pk for d in departments})
    assert all(len(per_month[m]) == 2 for m in range(1, 13))
    # Two departments in a month with two receptions go to different days.
    odd = [ds for reception, ds in plan.proposals if reception.date.month % 2]
    assert len(odd) == 12 and all(len(departments) == 1 for departments in odd)
    # Spread evenly: five departments, two a month, so a turn comes every two or three months.
    months = defaultdict(list)
    for reception, departments in plan.proposals:
        for d in departments:
            months[d.name].append(reception.date.month)
    for name, taken in months.items():
        gaps = [b - a for a, b in zip(taken, taken[1:], strict=False)]
        assert all(2 <= gap <= 3 for gap in gaps), (name, taken)


def test_it_skips_held_days_and_counts_turns_already_scheduled(world):
    rotating = _departments(world)
    held = day(world.station_a, dt.date(YEAR, 1, 20), status=DayStatus.HELD)
    cancelled = day(world.station_a, dt.date(YEAR, 2, 20), status=DayStatus.CANCELLED)
    march = day(world.station_a, dt.date(YEAR, 3, 20))
    april = day(world.station_a, dt.date(YEAR, 4, 20))
    DayDepartment.objects.create(day=march, department=rotating[0])
    plan = rotation_plan(world.station_a, YEAR, per_month=2)
    proposed = {reception.pk: [d.pk for d in ds] for reception, ds in plan.proposals}
    assert held.pk not in proposed and cancelled.pk not in proposed
    # March already has one department: one more joins, and not the same one again.
    assert len(proposed[march.pk]) == 1 and rotating[0].pk not in proposed[march.pk]
    assert len(proposed[april.pk]) == 2 and rotating[0].pk not in proposed[april.pk]
    assert plan.months == 2


def test_it_previews_then_saves_and_a_second_run_adds_nothing(as_role, world):
    _departments(world)
    _days(world)
    client = as_role("staff")
    url = reverse("roster:rotate", args=[world.station_a.pk])
    roster = client.get(reverse("roster:station_roster", args=[world.station_a.pk]))
    assert url in roster.content.decode()

    preview = client.get(url, {"year": YEAR, "per_month": 2})
    body = preview.content.decode()
    assert 'id="rotation"' in body and "嘉兴市水利局" in body and "建设街道城管科" not in body
    assert not DayDepartment.objects.exists()  # a preview saves nothing
    pairs = [chunk.split('"')[0] for chunk in body.split('name="pair" value="')[1:]]
    response = client.post(url, {"year": YEAR, "pair": pairs})
    assert response.status_code == 302
    assert DayDepartment.objects.count() == len(pairs) == 24
    counts = [len(months) for months in _turns(world.station_a).values()]
    assert max(counts) - min(counts) <= 1

    # Idempotent: the preview now proposes nothing, and posting the old pairs again adds nothing.
    again = client.get(url, {"year": YEAR, "per_month": 2}).content.decode()
    assert 'id="rotation"' not in again and "Nothing to add" in again
    client.post(url, {"year": YEAR, "pair": pairs})
    assert DayDepartment.objects.count() == 24


def test_it_takes_the_number_of_departments_per_month_from_the_form(as_role, world):
    _departments(world)
    _days(world)
    body = (
        as_role("staff")
        .get(reverse("roster:rotate", args=[world.station_a.pk]), {"year": YEAR, "per_month": 3})
        .content.decode()
    )
    assert body.count('name="pair"') == 36


def test_it_refuses_a_department_outside_the_area(as_role, world):
    _departments(world)
    reception = day(world.station_a, dt.date(YEAR, 3, 20))
    response = as_role("staff").post(
        reverse("roster:rotate", args=[world.station_a.pk]),
        {"year": YEAR, "pair": [f"{reception.pk}:{world.other_department.pk}"]},
        follow=True,
    )
    assert "please preview again" in response.content.decode()
    assert not DayDepartment.objects.exists()


def test_it_rejects_a_bad_number_per_month(as_role, world):
    response = as_role("staff").get(
        reverse("roster:rotate", args=[world.station_a.pk]), {"year": YEAR, "per_month": 0}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "greater than or equal to 1" in body
    assert 'id="rotation"' not in body


def test_it_defaults_to_two_departments_a_month(as_role, world):
    _departments(world)
    _days(world)
    body = (
        as_role("staff")
        .get(reverse("roster:rotate", args=[world.station_a.pk]), {"year": YEAR})
        .content.decode()
    )
    assert body.count('name="pair"') == 24
