"""Every API endpoint is scoped like the pages: a key for one district never sees another's rows.

Each endpoint gets one row at station A (district 南湖区 X) and one at station B (district 秀洲区
Y); a key for X lists only A's and answers 404 for B's, a key for Y the other way round, and a
city key sees both. ``test_every_api_url_is_scoped`` fails when an API URL has no entry here
(the role matrix leaves the ``api`` namespace to this file).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from petitions import services as petition_services
from petitions.choices import Channel, Status
from petitions.submission import Submission
from reports.ledgers.models import ProgressNotice
from tests.deputies.roster_factories import day, future
from tests.petitions.factories import make_petition, make_reception

from .support import KeyClient, make_key


def _case_b(w):
    return petition_services.petition_submit(
        actor=w.user("far_staff"),
        submission=Submission(
            station=w.station_b, channel=Channel.PHONE, title="路灯不亮", content="新城路路灯坏了。"
        ),
    )


def _notice(station):
    today = timezone.localdate()
    return ProgressNotice.objects.create(
        station=station,
        period_start=today.replace(day=1),
        period_end=today,
        published_at=timezone.now(),
        items=[{"title": "加装电梯", "status": "closed"}],
    )


# name -> (builder of (row in X, row in Y)); ids are compared.
ROWS = {
    "case": lambda w: (make_petition(w, Status.SUBMITTED), _case_b(w)),
    "reception": lambda w: (make_reception(w), make_reception(w, station=w.station_b)),
    "station": lambda w: (w.station_a, w.station_b),
    "deputy": lambda w: (w.deputy_dave, w.deputy_peggy),
    "department": lambda w: (w.department, w.other_department),
    "reception-day": lambda w: (day(w.station_a, future()), day(w.station_b, future())),
    "progress-notice": lambda w: (_notice(w.station_a), _notice(w.station_b)),
}
# API URLs that are not lists of rows: the caller's own identity and the documentation.
NOT_ROWS = {"api:me", "api:schema", "api:docs", "api:redoc"}
SCOPED_ELSEWHERE = {"api:dashboard"}  # test_dashboard_is_scoped below


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_a_key_sees_only_its_district(world, name):
    in_x, in_y = ROWS[name](world)
    _i, key_x = make_key(world, world.district_x)
    _j, key_y = make_key(world, world.district_y, name="秀洲平台")
    _k, key_city = make_key(world, world.city, name="市平台")
    list_url = reverse(f"api:{name}-list")

    def detail(pk):
        return reverse(f"api:{name}-detail", args=[pk])

    x, y, city = KeyClient(key_x), KeyClient(key_y), KeyClient(key_city)
    assert in_x.pk in _ids(x.get(list_url)) and in_y.pk not in _ids(x.get(list_url))
    assert in_y.pk in _ids(y.get(list_url)) and in_x.pk not in _ids(y.get(list_url))
    assert {in_x.pk, in_y.pk} <= _ids(city.get(list_url))
    assert x.get(detail(in_x.pk)).status_code == 200
    assert x.get(detail(in_y.pk)).status_code == 404
    assert y.get(detail(in_x.pk)).status_code == 404


@pytest.mark.parametrize("name", sorted(ROWS))
def test_a_staff_session_sees_what_the_pages_show(world, name):
    in_x, in_y = ROWS[name](world)
    client = KeyClient()
    client.force_login(world.user("far_staff"))
    listed = _ids(client.get(reverse(f"api:{name}-list")))
    assert in_y.pk in listed and in_x.pk not in listed
    assert client.get(reverse(f"api:{name}-detail", args=[in_x.pk])).status_code == 404


def test_dashboard_is_scoped(world):
    _i, key_x = make_key(world, world.district_x)
    x = KeyClient(key_x)
    url = reverse("api:dashboard")
    assert x.get(url, {"region": world.district_x.pk}).status_code == 200
    assert x.get(url, {"region": world.district_y.pk}).status_code == 404
    assert x.get(url, {"region": world.city.pk}).status_code == 404


def _api_names(patterns, prefix="") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            names |= _api_names(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(p, URLPattern) and p.name and prefix.startswith("api:"):
            names.add(prefix + p.name)
    return names


def test_every_api_url_is_scoped():
    covered = NOT_ROWS | SCOPED_ELSEWHERE | COVERED_BY_OTHER_TESTS
    for name in ROWS:
        covered |= {f"api:{name}-list", f"api:{name}-detail"}
    missing = sorted(_api_names(get_resolver().url_patterns) - covered)
    assert not missing, f"API URLs without a scoping test: {missing}"


# Filled in as endpoints arrive (Open311, webhooks, forwarding): name -> the test covering it.
COVERED_BY_OTHER_TESTS: set[str] = {
    "api:platform-inbound",  # test_forwarding.py: signed by the platform, no key
    "api:open311-services",  # test_open311.py: the categories, the same for every key
    "api:open311-requests",  # test_open311.py::test_requests_are_scoped_to_the_keys_region
    "api:open311-request",  # the same test
}


def test_updated_since_lists_cases_changed_since(world):
    old = make_petition(world, Status.SUBMITTED)
    _i, key = make_key(world)
    client = KeyClient(key)
    cut = timezone.now()
    fresh = make_petition(world, Status.SUBMITTED, title="新的")
    petition_services.petition_accept(actor=world.user("staff"), petition=old)
    got = _ids(client.get(reverse("api:case-list"), {"updated_since": cut.isoformat()}))
    assert got == {old.pk, fresh.pk}
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    assert _ids(client.get(reverse("api:case-list"), {"updated_since": later})) == set()
