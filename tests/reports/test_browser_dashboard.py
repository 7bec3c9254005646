"""Real Chromium: a clerk opens the dashboard and drills from the city down to a case."""

import pytest
from django.urls import reverse

from reports import rollups

from .support import build_march

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MARCH_Q = "period=custom&start=2026-03-01&end=2026-03-31"


def test_it_drills_from_the_city_to_a_case(browser, live_server, world):
    cases = build_march(world)
    rollups.apply_new_events()
    page = browser.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "city_clerk")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("reports:overview"))

    page.goto(live_server.url + reverse("reports:overview") + "?" + MARCH_Q)
    assert page.inner_text("[data-figure=collected]") == "9"
    # The charts are drawn (SVG renderer) from the json_script data.
    page.wait_for_selector("#chart-trend svg")
    page.wait_for_selector("#chart-funnel svg")

    page.click(f"table a[href^='{reverse('reports:region', args=[world.district_x.pk])}']")
    page.wait_for_load_state()
    assert page.inner_text("[data-figure=collected]") == "8"
    page.click(f"table a[href^='{reverse('reports:region', args=[world.street_s1.pk])}']")
    page.wait_for_load_state()
    page.click(f"table a[href^='{reverse('reports:station', args=[world.station_a.pk])}']")
    page.wait_for_load_state()
    assert world.station_a.name in page.inner_text("h1")
    assert page.inner_text("[data-figure=closed]") == "4"

    # "The cases" leads to the petitions list, and from there to a case.
    page.click(f"a[href^='{reverse('petitions:list')}?station={world.station_a.pk}']")
    page.wait_for_load_state()
    page.click(f"a[href='{reverse('petitions:detail', args=[cases['p1'].pk])}']")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("petitions:detail", args=[cases["p1"].pk]))
    assert "P1" in page.inner_text("main")
