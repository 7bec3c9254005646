"""Real Chromium under the CSP: a clerk picks a new station's region by pinyin, sees an error
on another field with the region still shown, and saves."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stations.models import Station
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_picks_the_region_by_pinyin_and_keeps_it_after_an_error(
    browser, live_server, world
):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server.url, "clerk")
    page.goto(live_server.url + reverse("stations:create"))
    page.fill("input[name=name]", "建设第二联络站")
    field = page.locator('[data-typeahead*="/region/"] [data-typeahead-input]')
    field.fill("jianshe")
    option = page.locator('[data-typeahead*="/region/"] [role=option]')
    expect(option).to_have_text("建设街道南湖区")  # the name, then its parent as a hint
    option.dispatch_event("mousedown")
    expect(field).to_have_value("建设街道")
    page.fill("input[name=latitude]", "123")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("A latitude lies between -90 and 90.")
    expect(field).to_have_value("建设街道")
    page.fill("input[name=latitude]", "30.75")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert Station.objects.get(name="建设第二联络站").region == world.street_s2
    assert not [e for e in errors if "Content Security Policy" in e]
    page.close()
