"""Real Chromium: the station map draws the vendored district boundaries and clickable markers."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_map_draws_districts_and_a_marker_opens_the_station(browser, live_server, world):
    station = world.station_a
    station.latitude, station.longitude = Decimal("30.7500"), Decimal("120.7800")
    station.save(update_fields=["latitude", "longitude"])
    # The Chinese interface: the legend and the district names in Chinese.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # a script error on the page
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "city_clerk")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(live_server.url + reverse("reports:map") + f"?region={world.city.pk}")
    page.wait_for_selector("#station-map svg")
    svg = page.inner_html("#station-map svg")
    # The base map: district names from the vendored boundaries, in Chinese.
    assert "南湖区" in svg and "秀洲区" in svg
    assert "意见较多" in svg  # the legend
    # The marker sits where the geo component puts the station's position; clicking it opens
    # the station's figures.
    x, y = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('station-map'));
          return chart.convertToPixel({geoIndex: 0}, [120.78, 30.75]);
        }"""
    )
    box = page.locator("#station-map").bounding_box()
    assert box and 0 < x < box["width"] and 0 < y < box["height"]
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**{reverse('reports:station', args=[station.pk])}*")
    assert station.name in page.inner_text("h1")
    assert not errors
    context.close()
