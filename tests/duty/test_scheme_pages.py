"""The clerks' points-scheme pages (履职积分): create with weights, activate for a region and
year (retiring the one it replaces), the effect shown after saving, bad weights refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import ChangeRecord
from deputies.roster.choices import DutyStatus
from duty import points, selectors
from duty.models import PointsRow, PointsScheme

from .support import duty

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1


def _form(**extra):
    data = {"name": "南湖区积分办法", "year": str(YEAR), "w_reception": "3", "c_reception": ""}
    data.update(extra)
    return data


def test_a_clerk_creates_and_activates_a_scheme_and_sees_its_effect(world, as_role):
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 2, 20), DutyStatus.PRESENT)
    client = as_role("clerk")
    response = client.post(
        reverse("duty:scheme_create"),
        _form(region=world.district_x.pk, activate="on", w_opinion="1", c_opinion="12"),
    )
    scheme = PointsScheme.objects.get()
    assert response.status_code == 302 and response.url == reverse("duty:scheme", args=[scheme.pk])
    assert scheme.is_active and scheme.year == YEAR
    assert {(r.item, r.weight, r.cap) for r in scheme.rows.all()} == {
        ("reception", Decimal(3), None),
        ("opinion", Decimal(1), 12),
    }
    html = client.get(response.url).content.decode()
    # Two receptions × 3: 戴伟 scores 6 under the scheme, shown under the form.
    effect = html[html.index('id="scheme-effect"') :]
    assert "戴伟" in effect and "data-points>6<" in effect
    assert "Last change" in html and "Receive constituents not counted → 3" in html
    year = selectors.duty_year(world.deputy_dave, YEAR)
    assert points.score_for(world.deputy_dave, year).points == Decimal(6)


def test_a_scheme_for_a_year_scores_that_year_only(world):
    every = PointsScheme.objects.create(region=world.district_x, name="每年")
    PointsRow.objects.create(scheme=every, item="reception", weight=Decimal(1))
    this = PointsScheme.objects.create(region=world.district_x, name="当年", year=YEAR)
    PointsRow.objects.create(scheme=this, item="reception", weight=Decimal(5))
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR - 1, 1, 20), DutyStatus.PRESENT)
    dave = world.deputy_dave
    assert points.score_for(dave, selectors.duty_year(dave, YEAR)).points == 5
    assert points.score_for(dave, selectors.duty_year(dave, YEAR - 1)).points == 1


def test_activating_replaces_the_scheme_active_for_the_same_region_and_year(world, as_role):
    old = PointsScheme.objects.create(region=world.district_x, name="旧办法", year=YEAR)
    draft = PointsScheme.objects.create(
        region=world.district_x, name="新办法", year=YEAR, is_active=False
    )
    PointsRow.objects.create(scheme=draft, item="story", weight=Decimal(5))
    client = as_role("city_clerk")
    response = client.post(reverse("duty:scheme_activate", args=[draft.pk]), {"active": "1"})
    old.refresh_from_db()
    draft.refresh_from_db()
    assert draft.is_active and not old.is_active
    html = client.get(response.url).content.decode()
    assert "“旧办法” is no longer active: “新办法” replaces it." in html
    assert ChangeRecord.objects.filter(subject_id=old.pk, topic="duty.points").exists()


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("w_story", "-2", "Points cannot be negative."),
        ("w_story", "500", "At most 100 points for one item."),
        ("c_reception", "0", "Count between 1 and 366"),
        ("year", "1900", "Enter a year between 2000 and 2100"),
    ],
)
def test_bad_weights_are_refused_with_what_was_typed_kept(world, as_role, field, typed, message):
    response = as_role("clerk").post(
        reverse("duty:scheme_create"), _form(region=world.district_x.pk, **{field: typed})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'value="{typed}"' in html and 'value="南湖区积分办法"' in html
    assert not PointsScheme.objects.exists()


def test_the_list_shows_schemes_above_read_only_and_another_district_is_404(world, as_role):
    city = PointsScheme.objects.create(region=world.city, name="嘉兴市办法")
    y = PointsScheme.objects.create(region=world.district_y, name="秀洲区办法")
    html = as_role("clerk").get(reverse("duty:schemes")).content.decode()
    assert "嘉兴市办法" in html and "set above your area" in html and "秀洲区办法" not in html
    assert reverse("duty:scheme", args=[city.pk]) not in html
    assert as_role("clerk").get(reverse("duty:scheme", args=[y.pk])).status_code == 404
    assert as_role("clerk").get(reverse("duty:scheme", args=[city.pk])).status_code == 404


def test_editing_weights_is_recorded(world, as_role):
    scheme = PointsScheme.objects.create(region=world.district_x, name="办法", year=YEAR)
    PointsRow.objects.create(scheme=scheme, item="reception", weight=Decimal(2), cap=24)
    client = as_role("clerk")
    client.post(
        reverse("duty:scheme", args=[scheme.pk]),
        {"name": "办法", "year": str(YEAR), "w_reception": "2.5", "c_reception": "24"},
    )
    row = scheme.rows.get()
    assert row.weight == Decimal("2.5")
    change = ChangeRecord.objects.get(topic="duty.points")
    assert change.changes == [
        {"field": "Receive constituents", "old": "2 (≤24)", "new": "2.5 (≤24)"}
    ]
