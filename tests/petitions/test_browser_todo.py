"""Real Chromium: station staff land on the to-do home, open a tile's list and act on a case."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from petitions.choices import Status
from petitions.models import Petition
from tests.browser import log_in

from .factories import category, make_petition
from .test_browser_staff_journey import _open_action, _submit_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_go_from_the_to_do_home_to_a_filtered_list_to_an_action(browser, live_server, world):
    category()
    p = make_petition(world, Status.SUBMITTED, title="路灯不亮请修理")
    make_petition(world, Status.ACCEPTED, title="河道需要清淤")
    page = browser.new_page()
    base = live_server.url
    log_in(page, base, world.user("staff").username)
    # The login lands on the to-do home.
    assert page.url.endswith(reverse("todo:home"))
    new_tile = page.locator("a[data-tile='new']")
    expect(new_tile.locator("[data-count]")).to_have_text("1")
    expect(page.locator("a[data-tile='triage'] [data-count]")).to_have_text("1")

    # The tile opens the list filtered to what it counted.
    with page.expect_navigation():
        new_tile.click()
    assert "waiting=new" in page.url
    expect(page.locator("main").get_by_text("路灯不亮请修理")).to_be_visible()
    expect(page.locator("main").get_by_text("河道需要清淤")).to_have_count(0)

    # Open the case and accept it.
    with page.expect_navigation():
        page.locator("main").get_by_text("路灯不亮请修理").first.click()
    _open_action(page, "accept")
    _submit_action(page, "accept")
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED

    # Back home, the case moved from "new" to "to triage".
    page.goto(base + reverse("todo:home"))
    expect(page.locator("a[data-tile='new'] [data-count]")).to_have_text("0")
    expect(page.locator("a[data-tile='triage'] [data-count]")).to_have_text("2")
    assert Petition.objects.filter(status=Status.ACCEPTED).count() == 2
