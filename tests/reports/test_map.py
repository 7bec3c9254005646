"""The station map: a base map drawn offline from the region data, markers to the figures."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reports import basemap
from reports.models import RegionOutline


def _place(station, lat: str, lon: str) -> None:
    station.latitude, station.longitude = Decimal(lat), Decimal(lon)
    station.save(update_fields=["latitude", "longitude"])


def _map_data(html: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_without_boundary_data_each_street_is_drawn_around_its_stations(world, monkeypatch):
    # A region nobody vendored boundaries for (and no upload): today's sketch.
    monkeypatch.setattr(basemap, "VENDORED", {})
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


def _client(world, role: str, lang: str = "zh-hans") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    client.force_login(world.user(role))
    return client


def test_the_city_map_is_drawn_on_the_vendored_district_boundaries(world):
    _place(world.station_a, "30.7500", "120.7800")
    _place(world.station_b, "30.7700", "120.7100")
    html = _client(world, "city_clerk").get(reverse("reports:map"), {"region": world.city.pk})
    data = _map_data(html.content.decode())
    assert data["source"] == "vendored" and data["drawn"] is False
    areas = {f["id"]: f["properties"]["name"] for f in data["outline"]["features"]}
    # Jiaxing's districts and counties, with the demo's 南湖区 and 秀洲区 among them.
    assert areas["330402"] == "南湖区" and areas["330411"] == "秀洲区"
    assert len(areas) == 7
    nanhu = next(f for f in data["outline"]["features"] if f["id"] == "330402")
    ring = nanhu["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    # A real boundary around the district seat, not a box around the stations.
    assert len(ring) > 50 and min(lons) < 120.78 < max(lons) and min(lats) < 30.75 < max(lats)
    assert {p["name"] for p in data["points"]} >= {world.station_a.name, world.station_b.name}
    assert "行政区划底图" in html.content.decode()


def test_a_district_map_shows_its_own_boundary(world):
    _place(world.station_a, "30.7500", "120.7800")
    data = _map_data(_client(world, "clerk").get(reverse("reports:map")).content.decode())
    assert [f["properties"]["name"] for f in data["outline"]["features"]] == ["南湖区"]


def test_an_uploaded_outline_replaces_the_vendored_one(world):
    square = {"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 30]]]}
    r = _client(world, "clerk").post(
        reverse("reports:map_upload"),
        {"region": world.district_x.pk, "text": json.dumps(square)},
    )
    assert r.status_code == 302
    outline = RegionOutline.objects.get(region=world.district_x)
    # Kept through the storage API, not in a database column.
    assert outline.file.name == "outlines/330402.geojson"
    assert outline.read() == square and outline.uploaded_by == world.user("clerk")
    data = _map_data(_client(world, "clerk").get(reverse("reports:map")).content.decode())
    assert data["source"] == "uploaded"
    assert data["outline"]["features"][0]["geometry"] == square


def test_the_upload_refuses_bad_files_with_a_message(world, monkeypatch):
    client = _client(world, "clerk", lang="en")
    url = reverse("reports:map_upload")

    def post_file(content: bytes, name: str = "area.geojson") -> str:
        upload = SimpleUploadedFile(name, content, content_type="application/geo+json")
        return client.post(url, {"region": world.district_x.pk, "file": upload}).content.decode()

    assert "not valid JSON" in post_file(b"{nope")
    assert "not UTF-8 text" in post_file("南湖".encode("gbk"))
    point = b'{"type": "Point", "coordinates": [120.7, 30.7]}'
    assert "Expected a GeoJSON FeatureCollection" in post_file(point)
    open_ring = (
        b'{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 31]]]}'
    )
    assert "a ring must end where it starts" in post_file(open_ring)
    projected = b'{"type": "Polygon", "coordinates": [[[400000, 3400000], [400100, 3400000], [400100, 3400100], [400000, 3400000]]]}'
    assert "projected coordinates are not supported" in post_file(projected)
    short = b'{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [120, 30]]]}'
    assert "at least four positions" in post_file(short)
    monkeypatch.setattr("reports.forms.OUTLINE_MAX_BYTES", 1024 * 1024)
    assert "larger than 1 MB" in post_file(b" " * (1024 * 1024 + 1))
    assert not RegionOutline.objects.exists()


def test_a_clerk_uploads_only_for_their_own_area(world):
    client = _client(world, "clerk", lang="en")
    square = '{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 30]]]}'
    r = client.post(reverse("reports:map_upload"), {"region": world.district_y.pk, "text": square})
    assert "Select a valid choice" in r.content.decode()
    assert not RegionOutline.objects.exists()
    # The service checks the right again.
    with pytest.raises(PermissionDenied):
        basemap.outline_upload(actor=world.user("clerk"), region=world.district_y, text=square)


def test_the_public_home_map_carries_the_district_boundaries(world):
    _place(world.station_a, "30.7500", "120.7800")
    html = Client().get(reverse("home")).content.decode()
    m = re.search(
        r'<script id="public-map-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert m
    data = json.loads(m.group(1))
    names = {f["properties"]["name"] for f in data["outline"]["features"]}
    assert {"南湖区", "秀洲区"} <= names
