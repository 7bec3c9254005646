"""Queries per page: at most 12 for every list and dashboard page, and not growing with data.

Each page is counted with a little data, then again after cases at more stations, deputies,
departments and in more states exist; a per-row lookup (N+1) would show as a larger count.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from petitions.choices import Status
from petitions.models import Category, Petition
from reports import rollups
from tests import factories as f
from tests.petitions.factories import make_petition, set_deadline

PAGES = [
    ("petitions:list", "staff"),
    ("petitions:list", "clerk"),
    ("petitions:list", "city_clerk"),
    ("petitions:department_cases", "handler"),
    ("petitions:my", "deputy"),
    ("reports:overview", "clerk"),
    ("reports:overview", "city_clerk"),
    ("reports:departments", "clerk"),
    ("reports:departments", "city_clerk"),
    ("reports:deputies", "city_clerk"),
    ("reports:stations_ranking", "clerk"),
    ("reports:overdue", "city_clerk"),
    ("reports:map", "clerk"),
    ("core:notifications", "staff"),
    ("suggestions:list", "clerk"),
    ("reports:region", "clerk"),
    ("reports:region", "city_clerk"),
    ("reports:station", "clerk"),
    ("reports:monthly", "clerk"),
    ("reports:monthly", "city_clerk"),
]

# The drill-down pages of one region or station: the district X (streets below it), the city
# (districts below it) and station A.
ARGS = {
    ("reports:region", "clerk"): lambda w: [w.district_x.pk],
    ("reports:region", "city_clerk"): lambda w: [w.city.pk],
    ("reports:station", "clerk"): lambda w: [w.station_a.pk],
    # This month's report: the cases made by the test are in it, overdue ones too.
    ("reports:monthly", "clerk"): lambda w: [w.district_x.pk, *_this_month()],
    ("reports:monthly", "city_clerk"): lambda w: [w.city.pk, *_this_month()],
}


def _this_month() -> list[int]:
    today = timezone.localdate()
    return [today.year, today.month]


def _count(client, url: str) -> int:
    client.get(url)  # warm: first-request work (a session write, the calendar) is not the page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _late(world, station) -> None:
    """An overdue case at ``station`` (recorded at station A, then moved there)."""
    late = make_petition(world, Status.HANDLING)
    set_deadline(late, timezone.localdate() - dt.timedelta(days=3))
    Petition.objects.filter(pk=late.pk).update(station=station)


def _more_data(world) -> None:
    for status in (Status.CLOSED, Status.HANDLING, Status.REPLIED, Status.SUBMITTED):
        make_petition(world, status, station=world.room_a1)
    make_petition(world, Status.ACCEPTED, deputy=None, title="路灯不亮")
    # Overdue cases at more stations (the monthly report counts them per station and region).
    for station in (world.station_a, world.room_a1, world.station_a2, world.station_b):
        _late(world, station)
    # More rows in every drill-down table: stations on streets and on the district itself,
    # a second category.
    f.StationFactory(name="南湖区第二代表之家", region=world.district_x)
    f.StationFactory(name="新兴第二联络站", region=world.street_s1)
    Category.objects.create(name="道路交通")
    for n in range(3):
        Notification.objects.create(user=world.user("staff"), title=f"提醒{n}")


@pytest.fixture
def counts(world, client):
    def measure() -> dict:
        rollups.apply_new_events()
        out = {}
        for name, role in PAGES:
            client.force_login(world.user(role))
            args = ARGS[(name, role)](world) if (name, role) in ARGS else []
            out[(name, role)] = _count(client, reverse(name, args=args))
        return out

    return measure


def test_every_list_and_dashboard_page_takes_at_most_12_queries_whatever_the_data(world, counts):
    # Every list has a row already (an empty page skips its rows query).
    make_petition(world, Status.ASSIGNED)
    make_petition(world, Status.CLOSED, title="井盖松动")
    _late(world, world.station_a)
    Notification.objects.create(user=world.user("staff"), title="提醒")
    # A district's own station sits beside its streets (a row of its drill-down table).
    f.StationFactory(name="南湖区人大代表之家", region=world.district_x)
    before = counts()
    _more_data(world)
    after = counts()
    too_many = {page: n for page, n in after.items() if n > 12}
    assert not too_many, too_many
    grew = {page: (before[page], after[page]) for page in before if after[page] > before[page]}
    assert not grew, grew
