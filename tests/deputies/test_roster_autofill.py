"""Auto-fill spreads the station's deputies so each reaches the planned duty days, or says who
falls short."""

import datetime as dt

from django.urls import reverse

from deputies.roster.models import Duty, Unavailability
from deputies.roster.selectors import autofill_plan

from .roster_factories import day, deputy_at

YEAR = 2030  # wholly in the future, so every day is open


def _monthly_days(station):
    return [day(station, dt.date(YEAR, m, 20)) for m in range(1, 13)]


def test_it_meets_the_quota_when_possible(world):
    _monthly_days(world.station_a)
    qian, sun = deputy_at(world.station_a, "钱多"), deputy_at(world.station_a, "孙立")
    plan = autofill_plan(world.station_a, YEAR, quota=4)
    counts = {d.name: n for d, n in plan.counts}
    assert counts == {"戴伟": 4, "钱多": 4, "孙立": 4}
    assert plan.shortfalls == []
    # Fair spread: nobody sits twice on a day and every day has someone.
    assert len(plan.proposals) == 12
    assert all(len(deputies) == 1 for _day, deputies in plan.proposals)
    assert {qian.pk, sun.pk} <= {d for _day, d in plan.pairs}


def test_it_reports_who_falls_short_and_by_how_much(world):
    days = [day(world.station_a, dt.date(YEAR, m, 20)) for m in (3, 6, 9)]
    qian = deputy_at(world.station_a, "钱多")
    Unavailability.objects.create(
        deputy=qian, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31), reason="长期外派"
    )
    plan = autofill_plan(world.station_a, YEAR, quota=4)
    short = {s.deputy.name: (s.count, s.missing) for s in plan.shortfalls}
    assert short == {"戴伟": (3, 1), "钱多": (0, 4)}
    assert all(qian not in deputies for _day, deputies in plan.proposals)
    assert len(days) == 3


def test_it_previews_then_saves_the_proposal(as_role, world, settings):
    settings.ROSTER_DUTY_DAYS_PER_DEPUTY = 4
    _monthly_days(world.station_a)
    deputy_at(world.station_a, "钱多")
    client = as_role("staff")
    url = reverse("roster:autofill", args=[world.station_a.pk])
    preview = client.get(url, {"year": YEAR})
    body = preview.content.decode()
    assert 'id="proposal"' in body and 'id="shortfall"' not in body
    assert not Duty.objects.exists()  # a preview saves nothing
    pairs = [p for chunk in body.split('name="pair" value="')[1:] for p in [chunk.split('"')[0]]]
    response = client.post(url, {"year": YEAR, "pair": pairs})
    assert response.status_code == 302
    assert Duty.objects.filter(day__station=world.station_a).count() == len(pairs) == 12
    # Running it again proposes nothing new.
    assert autofill_plan(world.station_a, YEAR).new_duties == 0


def test_it_shows_the_shortfall_on_the_preview(as_role, world):
    day(world.station_a, dt.date(YEAR, 3, 20))
    response = as_role("staff").get(
        reverse("roster:autofill", args=[world.station_a.pk]), {"year": YEAR}
    )
    body = response.content.decode()
    assert 'id="shortfall"' in body and "戴伟" in body


def test_it_refuses_a_tampered_proposal(as_role, world):
    d = day(world.station_a, dt.date(YEAR, 3, 20))
    response = as_role("staff").post(
        reverse("roster:autofill", args=[world.station_a.pk]),
        {"year": YEAR, "pair": [f"{d.pk}:{world.deputy_peggy.pk}"]},
    )
    assert response.status_code == 302
    assert not Duty.objects.exists()
