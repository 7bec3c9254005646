"""The station's public page (every visitor who scans its code): at most 12 queries, the same
for a station with one of each thing it publishes and for one with many."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duty import openness
from duty.choices import ActivityKind
from duty.models import ActivityFile
from petitions.choices import Status
from tests import factories as f
from tests.duty.support import activity
from tests.images import picture
from tests.reports.ledger_support import at, petition

TODAY = timezone.localdate()
_captured: list = []


def _story(world, title: str) -> None:
    story = activity(
        world, ActivityKind.STORY, TODAY, title=title, wants_publication=True, is_published=True
    )
    photo = ActivityFile(activity=story, original_name="a.png", content_type="image/png", size=1)
    photo.file.save("a.png", ContentFile(picture()), save=False)
    photo.save()


def _one_of_each(world, n: int) -> None:
    staff = world.user("staff")
    openness.station_rule_add(actor=staff, station=world.station_a, text=f"制度{n}")
    openness.plan_item_add(actor=staff, station=world.station_a, date=TODAY, title=f"计划{n}")
    _story(world, f"故事{n}")
    petition(world, status=Status.CLOSED, closed_at=at(TODAY), submitted=at(TODAY))
    deputy = f.DeputyFactory(name=f"代表{n}")
    f.StationAssignmentFactory(
        deputy=deputy, station=world.station_a, start_date=dt.date(2022, 1, 1)
    )


def _queries(client, world) -> int:
    url = reverse("stations:public", args=[world.station_a.public_code])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    _captured[:] = ctx.captured_queries
    return len(ctx.captured_queries)


def test_it_takes_at_most_12_queries_whatever_the_station_publishes(world, client):
    _one_of_each(world, 1)
    before = _queries(client, world)
    for n in range(2, 5):
        _one_of_each(world, n)
    after = _queries(client, world)
    assert after <= 12, "\n".join(q["sql"][:120] for q in _captured)
    assert after == before
    html = client.get(reverse("stations:public", args=[world.station_a.public_code])).content
    assert "故事4".encode() in html and "代表4".encode() in html and "制度4".encode() in html
