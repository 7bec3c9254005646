"""The station map: a base map drawn offline from the region data, markers to the figures."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.urls import reverse


def _place(station, lat: str, lon: str) -> None:
    station.latitude, station.longitude = Decimal(lat), Decimal(lon)
    station.save(update_fields=["latitude", "longitude"])


def _map_data(html: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_without_an_outline_each_street_is_drawn_around_its_stations(world):
    _place(world.station_a, "30.7500", "120.7500")
    _place(world.room_a1, "30.7600", "120.7700")
    _place(world.station_a2, "30.7000", "120.8000")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(world.user("clerk"))
    html = client.get(reverse("reports:map")).content.decode()
    data = _map_data(html)
    areas = {f["properties"]["name"]: f["geometry"] for f in data["outline"]["features"]}
    assert set(areas) == {"新兴街道", "建设街道"}
    ring = areas["新兴街道"]["coordinates"][0]
    assert ring[0] == ring[-1]  # closed
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    # The hull holds both of the street's stations, with the margin around them.
    assert min(lons) < 120.75 and max(lons) > 120.77
    assert min(lats) < 30.75 and max(lats) > 30.76
    # Each marker opens that station's figures; legend and axes in Chinese.
    urls = {p["name"]: p["url"] for p in data["points"]}
    assert urls["新兴街道人大代表联络站"] == reverse("reports:station", args=[world.station_a.pk])
    assert data["legend"] == ["意见较少", "意见较多"]
    assert data["axes"] == {"x": "经度", "y": "纬度"}
    assert "各片区按其联络站位置示意绘制" in html


def test_the_legend_is_english_on_the_english_page(world):
    _place(world.station_a, "30.7500", "120.7500")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.user("clerk"))
    data = _map_data(client.get(reverse("reports:map")).content.decode())
    assert data["legend"] == ["Fewer opinions", "More opinions"]
