"""Real Chromium: station staff log in, switch the language, open the station and its poster."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_staff_through_login_language_station_and_poster(
    browser, live_server, world, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the product default (tests otherwise read English)
    page = browser.new_page(locale="en-US")  # an English browser still gets Chinese first
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    # Staff land on the to-do home (petitions/todo), which names and links their station.
    page.wait_for_url(f"**{reverse('todo:home')}")
    assert "新兴街道人大代表联络站" in page.inner_text("main")
    # Default language is Chinese; switching to English changes the header.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in page.content()
    assert "退出登录" not in page.content()

    page.goto(live_server.url + reverse("stations:poster", args=[world.station_a.pk]))
    qr = page.locator("svg").first
    qr.wait_for()
    box = qr.bounding_box()
    assert box and box["width"] > 100, "the QR code should render large enough to scan"
    assert world.station_a.public_code in page.content()
    page.close()
