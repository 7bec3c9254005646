"""The duty demo loads every part once, and running it twice adds nothing."""

import pytest
from django.urls import reverse

from duty import demo
from duty.choices import ActivityStatus
from duty.models import Activity, PlanItem, PointsScheme, QuotaRule, StationAssessment

pytestmark = pytest.mark.django_db


def test_it_loads_every_part_once(world, client):
    made = demo.load()
    assert len(made) == len(demo.ACTIVITIES)
    assert {a.status for a in Activity.objects.all()} == set(ActivityStatus)
    assert QuotaRule.objects.get(region=world.district_x, item="opinion").quantity == 2
    assert PointsScheme.objects.filter(region=world.district_x).exists()
    assert world.station_a.open_rules.count() == 12
    assert PlanItem.objects.filter(station=world.station_a).count() == len(demo.PLAN)
    assert StationAssessment.objects.filter(award_published=True).count() == 1
    public = client.get(reverse("stations:public", args=[world.station_a.public_code]))
    html = public.content.decode()
    assert "六层老楼装上了电梯" in html and "最美人大代表联络站" in html
    assert demo.load() == []
    assert Activity.objects.count() == len(demo.ACTIVITIES)
