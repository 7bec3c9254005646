"""Drill-down figures add up: a hand-counted tree of regions and stations.

南湖区 X ── 新兴街道 S1 ── station A (2 cases), room A-1 (1 case)
        ├── 建设街道 S2 ── station A2 (1 case)
        └── station D, placed on the district itself (1 case)
秀洲区 Y ── 新城街道 S3 ── station B (1 case)
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports import rollups
from stations.models import Station
from tests import factories as f

from .support import Loop, at

pytestmark = pytest.mark.django_db
MARCH_Q = "period=custom&start=2026-03-01&end=2026-03-31"


@pytest.fixture
def tree(world):
    station_d = f.StationFactory(name="南湖区人大代表之家", region=world.district_x)
    plan = [
        (world.station_a, "staff", 2),
        (world.room_a1, "staff", 1),
        (world.station_a2, "other_staff", 1),
        (station_d, "admin", 1),
        (world.station_b, "far_staff", 1),
    ]
    with at(3, 10):
        for station, staff, n in plan:
            loop = Loop(world, station=station, staff=staff)
            for i in range(n):
                loop.submit(title=f"{station.name} 第{i + 1}件")
    rollups.apply_new_events()
    return station_d


def _rows(html: str) -> dict[str, int]:
    """Name → "Collected" of each row of the drill-down table."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        rows[cells[0]] = int(cells[2])
    return rows


def _sum(html: str, name: str) -> int:
    m = re.search(rf'data-sum="{name}">(\d+)<', html)
    assert m, name
    return int(m.group(1))


def test_a_district_lists_its_streets_and_its_own_station_and_they_add_up(as_role, world, tree):
    html = as_role("clerk").get(
        reverse("reports:region", args=[world.district_x.pk]) + "?" + MARCH_Q
    )
    html = html.content.decode()
    assert _rows(html) == {"新兴街道": 3, "建设街道": 1, "南湖区人大代表之家": 1}
    assert reverse("reports:station", args=[tree.pk]) in html
    assert _sum(html, "collected") == 5
    assert "The rows add up to the figures above." in html


def test_a_street_lists_its_stations_and_rooms(as_role, world, tree):
    html = as_role("clerk").get(
        reverse("reports:region", args=[world.street_s1.pk]) + "?" + MARCH_Q
    )
    html = html.content.decode()
    assert _rows(html) == {"新兴街道人大代表联络站": 2, "新兴社区联络室": 1}
    assert _sum(html, "collected") == 3


def test_the_city_adds_its_districts(as_role, world, tree):
    html = as_role("city_clerk").get(
        reverse("reports:region", args=[world.city.pk]) + "?" + MARCH_Q
    )
    html = html.content.decode()
    assert _rows(html) == {"南湖区": 5, "秀洲区": 1}
    assert _sum(html, "collected") == 6
    assert "The rows add up to the figures above." in html


def test_the_page_explains_a_difference_after_a_station_moved(as_role, world, tree):
    # Station D moves down to street S2 after its case was recorded on the district.
    Station.objects.filter(pk=tree.pk).update(region=world.street_s2)
    html = as_role("clerk").get(
        reverse("reports:region", args=[world.district_x.pk]) + "?" + MARCH_Q
    )
    html = html.content.decode()
    rows = _rows(html)
    assert "南湖区人大代表之家" not in rows
    assert sum(rows.values()) == _sum(html, "collected") == 4
    assert "The rows do not add up to the figures above." in html
    assert "Collected: 5 above, 4 in the rows." in html
    assert "keeps its earlier cases in the area where they were recorded" in html
