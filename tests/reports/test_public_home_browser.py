"""Real Chromium on a phone: a visitor finds the nearest station and tracks a case from /."""

from decimal import Decimal

import pytest

from petitions.models import Category
from tests.petitions.public_support import submit, to_feedback_given

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {"nearest": "离我最近", "dept": "承办单位", "step": "已告知结果", "km": "公里"},
    "en": {
        "nearest": "Nearest to me",
        "dept": "Handled by",
        "step": "Result told to you",
        "km": "km",
    },
}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_visitor_finds_a_station_and_tracks_a_case_on_a_phone(browser, live_server, world, lang):
    Category.objects.get_or_create(name="城乡建设", defaults={"order": 1})
    for station, lat, lon in (
        (world.station_a, "30.7500", "120.7500"),
        (world.station_b, "30.7700", "120.7100"),
        (world.station_a2, "30.6000", "121.1000"),
    ):
        station.latitude, station.longitude = Decimal(lat), Decimal(lon)
        station.save(update_fields=["latitude", "longitude"])
    petition = to_feedback_given(world, submit(world))
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 30.70, "longitude": 120.65},
        permissions=["geolocation"],
    )
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    words = WORDS[lang]

    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The map of stations is drawn from the vendored ECharts (an SVG inside the box).
    page.wait_for_selector("#public-map svg")

    # "Nearest to me": the browser's position fills the form; the nearest station comes first.
    page.get_by_role("button", name=words["nearest"]).click()
    page.wait_for_selector("#found li")
    first = page.locator("#found li").first
    assert world.station_b.name in first.inner_text()
    assert words["km"] in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Open the station's page, come back and track the case with the code as people type it.
    first.locator("a.fw-semibold").click()
    page.wait_for_url("**/stations/s/**")
    assert world.station_b.name in page.inner_text("main")
    page.go_back()
    page.fill("#track-code", petition.display_code.lower().replace("-", " "))
    page.locator("#track-form button").click()
    page.wait_for_url(f"**/p/track/{petition.tracking_code}/")
    text = page.inner_text("main")
    assert words["dept"] in text and world.department.name in text
    assert page.inner_text("#status-label") == words["step"]
    assert "text-bg-info" in page.get_attribute("#status-label", "class")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
