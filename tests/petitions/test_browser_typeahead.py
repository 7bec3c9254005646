"""Real Chromium under the CSP: the list's deputy filter finds 戴伟 by pinyin and filters."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from petitions.choices import Status

from .factories import make_petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_picks_a_deputy_by_pinyin_and_filters_the_list(browser, live_server, world):
    make_petition(world, Status.SUBMITTED, title="有代表的件")
    make_petition(world, Status.SUBMITTED, title="没有代表的件", deputy=None)
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("petitions:list"))
    field = page.locator('[data-typeahead*="deputy"] [data-typeahead-input]')
    field.fill("daiwei")
    option = page.locator('[data-typeahead*="deputy"] [role=option]')
    expect(option).to_have_text("戴伟")
    option.dispatch_event("mousedown")
    expect(field).to_have_value("戴伟")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(page.locator("main")).to_contain_text("有代表的件")
    expect(page.locator("main")).not_to_contain_text("没有代表的件")
    assert not [e for e in errors if "Content Security Policy" in e]
    page.close()
